package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live reload through the real gateway: the snapshot swap (a stream in flight finishes on the config it started with,
 * the next request sees the new routes), refusals that keep the running config (a restart-only setting, a secret that
 * does not resolve), the audit event, and limiter state that survives a reload.
 */
class ConfigReloadGatewayTest {
    private static final String ROUTE_A = """
              - id: a
                match: { methods: [GET], path: /v1/a }
                upstream: app
                auth: { methods: [api_key] }
                limits: [{ per: api_key, rate: 3/1m, name: per-key }]
            """;
    private static final String ROUTE_B = """
              - id: b
                match: { methods: [GET], path: /v1/b }
                upstream: app
                auth: { methods: [api_key] }
            """;

    private TestGateway gw;

    @AfterEach
    void close() throws Exception {
        if (gw != null) gw.close();
    }

    private BastionConfig config(String yaml) {
        return new ConfigLoader().parse(yaml.replace("{{upstream}}", gw.upstream.url()).replace("{{store}}", "sqlite:" + gw.dir.resolve("bastion.db")),
                "bastion.yaml");
    }

    private ConfigReload.Outcome reload(String yaml, String hash) throws Exception {
        return gw.gateway.reload(config(yaml), hash, "test").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private List<AuditRow> reloads() {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, "config.reloaded", null, null, null), 100, true, false);
    }

    @Test
    void aStreamInFlightFinishesOnItsConfigWhileTheNextRequestSeesTheNewRoutes() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTE_A));
        String key = gw.createKey("acme", "invoke");
        Promise<HttpServerResponse> held = Promise.promise();
        gw.upstream.behave(req -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            resp.write("data: first\n\n");
            held.complete(resp);
        });
        HttpResponse<InputStream> stream = gw.http.send(gw.request("/v1/a").header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        byte[] first = new byte["data: first\n\n".length()];
        assertThat(stream.body().readNBytes(first, 0, first.length)).isEqualTo(first.length);

        // Route a goes, route b comes.
        ConfigReload.Outcome outcome = reload(TestGateway.config(ROUTE_B), "hash-1");
        assertThat(outcome.applied()).as(outcome.problems().toString()).isTrue();
        gw.upstream.behave(Upstreams::ok);
        assertThat(gw.get("/v1/a", key).statusCode()).as("the next request sees the new routes").isEqualTo(404);
        assertThat(gw.get("/v1/b", key).statusCode()).isEqualTo(200);

        // The stream that started on route a still relays to its end.
        held.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).end("data: last\n\n");
        assertThat(new String(stream.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: last\n\n");
        Eventually.until("the reload's audit event", () -> !reloads().isEmpty());
        AuditRow row = reloads().getFirst();
        assertThat(row.result()).isEqualTo("success");
        assertThat(row.toString()).contains("hash-1").doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void aRestartOnlySettingIsRefusedByItsYamlPathAndTheRunningConfigStays() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTE_A));
        String key = gw.createKey("acme", "invoke");
        gw.upstream.behave(Upstreams::ok);
        String changed = TestGateway.config(ROUTE_A + ROUTE_B).replace("cache_ttl: 300ms", "cache_ttl: 5s");
        ConfigReload.Outcome outcome = reload(changed, "hash-2");
        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.problems()).containsExactly("api_keys.cache_ttl: cannot change on reload (restart Bastion to apply it)");
        assertThat(gw.get("/v1/a", key).statusCode()).as("the running config stays").isEqualTo(200);
        assertThat(gw.get("/v1/b", key).statusCode()).as("nothing of the refused config was applied").isEqualTo(404);
        Eventually.until("the refusal's audit event", () -> !reloads().isEmpty());
        AuditRow row = reloads().getFirst();
        assertThat(row.result()).isEqualTo("failure");
        assertThat(row.toString()).contains("hash-2").contains("api_keys.cache_ttl");
    }

    @Test
    void aConfigWhoseSecretDoesNotResolveIsRefusedWithItsPathAndNeverHalfApplied() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTE_A));
        String key = gw.createKey("acme", "invoke");
        gw.upstream.behave(Upstreams::ok);
        // A new upstream (the template's upstreams: is the mapping just before routes:) whose key is not in the environment.
        String broken = TestGateway.config(ROUTE_A + ROUTE_B.replace("upstream: app", "upstream: other"))
                .replace("routes:\n", "  other: { url: \"{{upstream}}\", api_key: env:NOT_SET_ANYWHERE }\nroutes:\n");
        ConfigReload.Outcome outcome = reload(broken, "hash-3");
        assertThat(outcome.applied()).isFalse();
        assertThat(String.join("\n", outcome.problems())).contains("upstreams.other.api_key");
        assertThat(gw.get("/v1/a", key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/v1/b", key).statusCode()).isEqualTo(404);
    }

    @Test
    void aReloadDoesNotResetTheRouteLimits() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTE_A));
        String key = gw.createKey("acme", "invoke");
        gw.upstream.behave(Upstreams::ok);
        for (int i = 0; i < 3; i++) assertThat(gw.get("/v1/a", key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/v1/a", key).statusCode()).isEqualTo(429);
        // The attack: make the gateway reload (any change will do) and hope the counters start again.
        assertThat(reload(TestGateway.config(ROUTE_A + ROUTE_B), "hash-4").applied()).isTrue();
        assertThat(gw.get("/v1/b", key).statusCode()).as("the reload took effect").isEqualTo(200);
        assertThat(gw.get("/v1/a", key).statusCode()).as("the limit's counter carried over").isEqualTo(429);
    }

    private static final class Upstreams {
        /** The upstream's plain answer. */
        static void ok(io.vertx.core.http.HttpServerRequest req) {
            req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }
    }
}
