package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file:} provider key rotated while the gateway serves a steady load: by an atomic rename and by
 * the symlink swap Kubernetes does. The stand-in provider accepts only the keys it currently honours, as
 * a real one does (old and new during the switch, then only the new), so a request sent with a stale or
 * half-read key fails the test.
 */
class SecretRotationTest {
    static final String OLD = "sk-old-key-aaaaaaaaaaaaaaaa";
    static final String NEW = "sk-new-key-bbbbbbbbbbbbbbbb";
    static final String NEWER = "sk-newer-key-cccccccccccccc";

    @TempDir Path dir;
    TestGateway gw;
    String clientKey;
    final AtomicReference<Set<String>> honoured = new AtomicReference<>(Set.of(OLD));
    final List<String> sentKeys = new CopyOnWriteArrayList<>();

    void start(Path keyFile) throws Exception {
        start(keyFile, "");
    }

    void start(Path keyFile, String secretsExtra) throws Exception {
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                secrets: { poll_interval: 100ms%s }
                upstreams:
                  app:
                    url: "{{upstream}}"
                    api_key: file:%s
                routes:
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    strip_prefix: /app
                    auth: { methods: [api_key] }
                """.formatted(secretsExtra, keyFile));
        clientKey = gw.createKey("acme", "invoke");
        gw.upstream.behave(req -> {
            String auth = req.getHeader("Authorization");
            String key = auth == null ? "" : auth.substring("Bearer ".length());
            sentKeys.add(key);
            if (honoured.get().contains(key)) req.response().end("{\"ok\":true}");
            else req.response().setStatusCode(401).end("{\"error\":\"invalid_api_key\"}");
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
    }

    /** Requests from a few threads until stopped; every status is kept. */
    final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Integer> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger done = new AtomicInteger();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        Load() {
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
                            if (r.statusCode() != 200) failures.add(r.statusCode());
                        } catch (Exception e) {
                            failures.add(-1);
                        }
                        done.incrementAndGet();
                    }
                }));
            }
        }

        void waitForMore(int n) throws Exception {
            int target = done.get() + n;
            Eventually.until(n + " more requests", () -> done.get() >= target);
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Thread t : threads) t.join();
        }
    }

    /** Rotates the key twice under load with {@code rotate}; no request fails, and the newest key is what is sent after. */
    void rotateUnderLoad(Rotation rotate) throws Exception {
        try (Load load = new Load()) {
            load.waitForMore(50);
            honoured.set(Set.of(OLD, NEW));       // the provider honours both while the new key rolls out
            rotate.to(NEW);
            Eventually.until("requests carry the new key", () -> sentKeys.getLast().equals(NEW));
            load.waitForMore(20);
            honoured.set(Set.of(NEW));            // the old key is revoked at the provider
            sentKeys.clear();
            load.waitForMore(50);
            assertThat(sentKeys).containsOnly(NEW);
            honoured.set(Set.of(NEW, NEWER));
            rotate.to(NEWER);
            Eventually.until("requests carry the newer key", () -> sentKeys.getLast().equals(NEWER));
            honoured.set(Set.of(NEWER));
            sentKeys.clear();
            load.waitForMore(50);
            assertThat(sentKeys).containsOnly(NEWER);
            load.close();
            assertThat(load.failures).as("requests that failed during the rotations").isEmpty();
        }
    }

    interface Rotation {
        void to(String value) throws Exception;
    }

    @Test
    void anAtomicRenameRotatesTheKeyUnderLoadWithoutAFailedRequest() throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD + "\n");
        start(key);
        rotateUnderLoad(value -> {
            Path tmp = dir.resolve(".openai.tmp");
            Files.writeString(tmp, value + "\n");
            Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    @Test
    void aKubernetesSymlinkSwapRotatesTheKeyUnderLoadWithoutAFailedRequest() throws Exception {
        // The kubelet's layout: key -> ..data/key, ..data -> ..<timestamp>; it swaps ..data atomically.
        AtomicInteger generation = new AtomicInteger();
        Path first = dir.resolve("..gen0");
        Files.createDirectory(first);
        Files.writeString(first.resolve("openai"), OLD);
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(dir.resolve("openai"), Path.of("..data", "openai"));
        start(dir.resolve("openai"));
        rotateUnderLoad(value -> {
            Path next = dir.resolve("..gen" + generation.incrementAndGet());
            Files.createDirectory(next);
            Files.writeString(next.resolve("openai"), value);
            Path link = dir.resolve("..data_tmp");
            Files.createSymbolicLink(link, next.getFileName());
            Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });
    }

    @Test
    void aRotatedKeyTheProviderDoesNotTakeYetFallsBackToThePreviousOneWithinTheGraceWindow() throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD);
        start(key);
        try (LogCapture logs = LogCapture.capture(); Load load = new Load()) {
            load.waitForMore(20);
            // The new key is written to the secret store before it is activated at the provider: the provider refuses it.
            Files.writeString(dir.resolve(".tmp"), NEW);
            Files.move(dir.resolve(".tmp"), key, StandardCopyOption.ATOMIC_MOVE);
            Eventually.until("requests try the new key", () -> sentKeys.contains(NEW));
            load.waitForMore(50);
            honoured.set(Set.of(OLD, NEW)); // activated at the provider: no more fallbacks
            load.waitForMore(10);           // past the requests already refused under the new key
            sentKeys.clear();
            load.waitForMore(30);
            assertThat(sentKeys).containsOnly(NEW);
            load.close();
            assertThat(load.failures).as("requests refused while the provider did not take the new key").isEmpty();
            assertThat(logs.lines().stream().filter(l -> l.contains("refused the rotated key")).count()).as("one warning per rotation").isEqualTo(1);
            assertThat(gw.accessLines()).anyMatch(l -> l.contains("\"key\":\"previous_in_grace\""));
            assertThat(logs.rendered()).noneMatch(l -> l.contains(OLD) || l.contains(NEW));
        }
    }

    @Test
    void withoutAGraceWindowTheProvidersRefusalReachesTheClient() throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD);
        start(key, ", grace_window: 0s");
        Files.writeString(key, NEW);
        Eventually.until("requests carry the new key", () -> {
            gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
            return sentKeys.getLast().equals(NEW);
        });
        HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(sentKeys.getLast()).isEqualTo(NEW);
    }

    @Test
    void aFileThatBecomesEmptyOrMissingKeepsTheLastGoodKeyLogsOnceAndCounts() throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD);
        start(key);
        try (LogCapture logs = LogCapture.capture()) {
            Files.writeString(key, "");
            Eventually.until("the failed re-read is counted", () -> reloadFailures() >= 3);
            Files.delete(key);
            long before = reloadFailures();
            Eventually.until("the missing file is counted", () -> reloadFailures() >= before + 3);
            HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(sentKeys.getLast()).isEqualTo(OLD);
            List<String> warnings = logs.lines().stream().filter(l -> l.contains("keeping the last good value")).toList();
            assertThat(warnings).as("one line per outage, however many polls").hasSize(1);
            assertThat(warnings.getFirst()).contains("upstreams.app.api_key").doesNotContain(OLD);

            honoured.set(Set.of(NEW));
            Files.writeString(key, NEW);
            Eventually.until("the key rotates once the file is back", () -> {
                gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
                return sentKeys.getLast().equals(NEW);
            });
            assertThat(logs.all()).contains("secret upstreams.app.api_key readable again").doesNotContain(OLD).doesNotContain(NEW);
        }
        assertThat(metrics()).contains("bastion_secret_rotations_total{ref=\"upstreams.app.api_key\"} 1.0");
    }

    @Test
    void aPlaceholderWrittenOverTheKeyIsNotPickedUp() throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD);
        start(key);
        Files.writeString(key, "REPLACE_ME");
        Eventually.until("the placeholder is refused", () -> reloadFailures() >= 2);
        HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sentKeys.getLast()).isEqualTo(OLD);
    }

    long reloadFailures() throws Exception {
        for (String l : metrics().split("\n")) {
            if (l.startsWith("bastion_secret_reload_failures_total{ref=\"upstreams.app.api_key\"}")) return (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    String metrics() throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
    }
}
