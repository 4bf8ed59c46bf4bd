package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.embedded.RedisServer;

/**
 * L5 failure behaviour: Redis dies mid-run. {@code on_backend_failure: local} keeps answering from the
 * node's own counters, {@code deny} refuses with 503 — never a 500, never a thread per request left
 * behind — and both go back to the shared counters by themselves when Redis returns.
 */
class RedisOutageTest {
    static String config(int redisPort, String mode) {
        return TestGateway.config("""
                  - id: models
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                    limits: [{ per: api_key, rate: 100000/1m }]
                    concurrency: [{ per: api_key, max: 50 }]
                    tiers: false
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    tiers: false
                  - id: orders
                    match: { methods: [POST], path: /orders }
                    upstream: app
                    auth: { methods: [api_key] }
                    idempotency: {}
                    tiers: false
                redis: { url: "redis://127.0.0.1:%d" }
                limits: { per_ip: off, on_backend_failure: %s, backend_timeout: 200ms }
                budgets:
                  rules: [{ id: daily, per: org, period: day, tokens: 1000000 }]
                """.formatted(redisPort, mode));
    }

    @Test
    void localKeepsServingDenyRefusesAndBothRecoverWhenRedisReturns() throws Exception {
        int port = BastionProcess.freePort();
        RedisServer redis = new RedisServer(port);
        redis.start();
        try (TestGateway local = TestGateway.start(config(port, "local")); TestGateway deny = TestGateway.start(config(port, "deny"))) {
            for (TestGateway gw : new TestGateway[] {local, deny}) {
                gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").setStatusCode(req.path().equals("/orders") ? 201 : 200)
                        .end("{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}"));
            }
            String lk = local.createKey("outage-l", "invoke");
            String dk = deny.createKey("outage-d", "invoke");
            assertThat(statuses(local, lk, 5)).containsOnlyKeys(200, 201);
            assertThat(statuses(deny, dk, 5)).containsOnlyKeys(200, 201);
            int threadsBefore = Thread.getAllStackTraces().size();

            redis.stop();
            Map<String, Integer> duringLocal = new HashMap<>();
            Map<String, Integer> duringDeny = new HashMap<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            int i = 0;
            while (System.nanoTime() < until) {
                i++;
                record(duringLocal, local, lk, i);
                record(duringDeny, deny, dk, i);
            }
            System.out.println("during the outage: local " + duringLocal + ", deny " + duringDeny);
            assertThat(duringLocal.keySet()).as("local: served from this node's counters").allMatch(k -> k.startsWith("200") || k.startsWith("201"));
            assertThat(duringDeny.keySet()).as("deny: refused with the named reason, never a 500")
                    .allMatch(k -> k.equals("503 rate_limit_unavailable") || k.equals("503 budget_unavailable") || k.equals("503 idempotency_unavailable"));
            assertThat(duringDeny).containsKeys("503 rate_limit_unavailable", "503 budget_unavailable", "503 idempotency_unavailable");
            int threadsDuring = Thread.getAllStackTraces().size();
            assertThat(threadsDuring - threadsBefore).as("no thread per failed call (%d requests)", i * 6).isLessThan(10);
            assertThat(local.send(HttpRequest.newBuilder(local.adminUri("/metrics")).build()).body())
                    .containsPattern("bastion_shared_state_failures_total\\{kind=\"rate_limits\",?\\} [1-9]");

            redis = new RedisServer(port);
            redis.start();
            Eventually.until("deny recovers by itself", () -> statuses(deny, dk, 1).keySet().stream().allMatch(st -> st == 200 || st == 201));
            assertThat(statuses(local, lk, 1)).containsOnlyKeys(200, 201);
            // Each node's event loops probe on their own: local's may close a moment after deny's did.
            Eventually.until("local counts in Redis again by itself (a fresh window there)",
                    () -> local.get("/v1/models", lk).headers().firstValue("RateLimit").orElseThrow().matches(".*r=9999[0-9];.*"));
        } finally {
            redis.stop();
        }
    }

    /**
     * Redis goes away and comes back while no traffic arrives: each event loop's probe closes its circuit by
     * itself, so the first burst afterwards is counted in Redis — a fresh 100/1m key admits exactly 100, and
     * nothing is sent to the failure mode (no 503 in {@code deny}, no node-local counting in {@code local}).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"pause, local", "pause, deny", "kill, local", "kill, deny"})
    void theFirstBurstAfterRedisReturnsIsCountedInRedis(String fault, String mode) throws Exception {
        try (RedisProcess redis = RedisProcess.start(false); TestGateway gw = TestGateway.start(TestGateway.config("""
                  - id: models
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                    limits: [{ per: api_key, rate: 100/1m }]
                    tiers: false
                redis: { url: "redis://127.0.0.1:%d" }
                limits: { per_ip: off, on_backend_failure: %s, backend_timeout: 200ms, backend_probe_interval: 100ms }
                """.formatted(redis.port, mode)), 2)) {
            gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end("{\"data\":[]}"));
            String before = gw.createKey("burst-before", "invoke");
            assertThat(burst(gw, before, 20)).isEqualTo(Map.of(200, 20));

            if (fault.equals("pause")) redis.pause();
            else redis.kill();
            assertThat(burst(gw, before, 40)).as("answered by the failure mode").containsOnlyKeys(mode.equals("local") ? 200 : 503);
            assertThat(openCircuits(gw)).as("circuits opened").isPositive();

            if (fault.equals("pause")) redis.resume();
            else redis.restart();
            Eventually.until("circuits closed by the probes, without traffic", () -> openCircuits(gw) == 0);

            String fresh = gw.createKey("burst-after", "invoke");
            assertThat(burst(gw, fresh, 150)).as("the first burst: counted in Redis").isEqualTo(Map.of(200, 100, 429, 50));
        }
    }

    /** {@code n} requests from 30 clients at once; statuses counted. */
    static Map<Integer, Integer> burst(TestGateway gw, String key, int n) throws Exception {
        Map<Integer, Integer> out = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(30);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) all.add(clients.submit(() -> out.merge(gw.get("/v1/models", key).statusCode(), 1, Integer::sum)));
            for (Future<?> f : all) f.get(30, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }
        return new TreeMap<>(out);
    }

    /** Event loops whose Redis circuit is open, over every kind of shared state (from /metrics). */
    static int openCircuits(TestGateway gw) throws Exception {
        String metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
        Matcher m = Pattern.compile("(?m)^bastion_shared_state_open_circuits\\{[^}]*} ([0-9.]+)$").matcher(metrics);
        int open = 0;
        while (m.find()) open += (int) Double.parseDouble(m.group(1));
        return open;
    }

    static void record(Map<String, Integer> seen, TestGateway gw, String key, int i) throws Exception {
        for (HttpResponse<String> r : new HttpResponse[] {gw.get("/v1/models", key), chat(gw, key), order(gw, key, i)}) {
            String code = r.statusCode() >= 400 ? " " + r.body().replaceAll(".*\"code\":\"([a-z_]+)\".*", "$1") : "";
            seen.merge(r.statusCode() + code, 1, Integer::sum);
        }
    }

    static HttpResponse<String> chat(TestGateway gw, String key) throws Exception {
        return gw.postJson("/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10}");
    }

    static HttpResponse<String> order(TestGateway gw, String key, int i) throws Exception {
        return gw.send(gw.request("/orders").header("Authorization", "Bearer " + key).header("Idempotency-Key", "order-" + i)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    static Map<Integer, Integer> statuses(TestGateway gw, String key, int rounds) throws Exception {
        Map<Integer, Integer> out = new HashMap<>();
        for (int i = 0; i < rounds; i++) {
            for (HttpResponse<String> r : new HttpResponse[] {gw.get("/v1/models", key), chat(gw, key), order(gw, key, (int) System.nanoTime())}) {
                out.merge(r.statusCode(), 1, Integer::sum);
            }
        }
        return out;
    }
}
