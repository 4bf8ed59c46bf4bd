package dev.bastion.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** L1–L4 and the L6 concurrency caps through a real gateway (in-process limits). */
class LimitsGatewayTest {
    static TestGateway gw;
    static final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: jobs
                    match: { methods: [POST], path: /jobs }
                    upstream: app
                    auth: { methods: [api_key] }
                    concurrency: [{ per: api_key, max: 2 }]
                  - id: items
                    match: { methods: [GET, POST], path: /items }
                    upstream: app
                    auth: { methods: [api_key] }
                    limits: [{ per: api_key, rate: 50/1m, name: per-key }]
                    mutations: [{ per: api_key, rate: 2/1m, name: writes }]
                  - id: planned
                    match: { methods: [GET], path: /planned }
                    upstream: app
                    auth: { methods: [api_key] }
                  - id: open
                    match: { methods: [GET], path: /open }
                    upstream: app
                    public: true
                limits:
                  per_ip: 10000/1m
                  tiers:
                    free: [{ rate: 3/1m }]
                    pro: [{ rate: 1000/1m }, { rate: 10000/1h }]
                    enterprise: []
                  default_tier: free
                """));
        gw.upstream.behave(req -> {
            if (req.path().equals("/jobs")) held.add(req); // answered when the test says so
            else req.response().putHeader("Content-Type", "application/json").end("{}");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    /** A key on the unlimited tier, so only the cap under test applies. */
    static String unlimited(String org) {
        String key = gw.createKey(org, "invoke");
        gw.store.orgs().setTier(org, "enterprise");
        return key;
    }

    static void releaseHeld() {
        for (HttpServerRequest r : held) r.response().end("{}");
        held.clear();
    }

    CompletableFuture<HttpResponse<String>> job(String key) {
        return gw.http.sendAsync(gw.request("/jobs").header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void awaitHeld(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (held.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(held).hasSize(n);
    }

    @Test
    void aConcurrencyCapRefusesTheThirdInFlightAndFreesSlotsWhenRequestsEnd() throws Exception {
        String key = unlimited("cc");
        CompletableFuture<HttpResponse<String>> a = job(key), b = job(key);
        awaitHeld(2);
        HttpResponse<String> third = job(key).get(5, TimeUnit.SECONDS);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("concurrency_limited");
        assertThat(job(unlimited("cc-other"))).as("another key has its own slots").isNotDone();
        awaitHeld(3);
        releaseHeld();
        assertThat(a.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> c = job(key);
        awaitHeld(1);
        releaseHeld();
        assertThat(c.get(5, TimeUnit.SECONDS).statusCode()).as("slots came back").isEqualTo(200);
    }

    @Test
    void aClientThatDisconnectsGivesItsSlotBack() throws Exception {
        String key = unlimited("cc-gone");
        for (int round = 0; round < 3; round++) {
            try (RawHttp c1 = new RawHttp(gw.gateway.publicPort()); RawHttp c2 = new RawHttp(gw.gateway.publicPort())) {
                String req = "POST /jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nContent-Length: 2\r\n\r\n{}";
                c1.write(req);
                c2.write(req);
                awaitHeld(2);
            } // both clients hang up mid-request
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && held.stream().anyMatch(r -> !r.response().closed())) Thread.sleep(10);
            held.clear();
        }
        CompletableFuture<HttpResponse<String>> a = job(key), b = job(key);
        awaitHeld(2);
        releaseHeld();
        assertThat(a.get(5, TimeUnit.SECONDS).statusCode()).as("no slot leaked by the hang-ups").isEqualTo(200);
        assertThat(b.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void anUpstreamTimeoutGivesTheSlotBack() throws Exception {
        String key = unlimited("cc-timeout");
        for (int i = 0; i < 3; i++) {
            CompletableFuture<HttpResponse<String>> r = job(key);
            assertThat(r.get(10, TimeUnit.SECONDS).statusCode()).as("response_timeout 1s").isEqualTo(504);
            held.clear();
        }
        CompletableFuture<HttpResponse<String>> a = job(key), b = job(key);
        awaitHeld(2);
        releaseHeld();
        assertThat(a.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void mutationsHaveTheirStricterLimitAndEveryResponseCarriesTheQuotaHeaders() throws Exception {
        String key = gw.createKey("mut", "invoke");
        gw.store.orgs().setTier("mut", "enterprise");
        HttpResponse<String> get = gw.get("/items", key);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"per-key\";q=50;w=60").contains("\"ip\";q=10000;w=60");
        assertThat(get.headers().firstValue("RateLimit").orElseThrow()).contains("\"per-key\";r=49;t=60");
        for (int i = 0; i < 2; i++) assertThat(gw.postJson("/items", key, "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> third = gw.postJson("/items", key, "{}");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("rate_limited").contains("request_id");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(third.headers().firstValue("RateLimit").orElseThrow()).contains("\"writes\";r=0");
        assertThat(gw.get("/items", key).statusCode()).as("reads are still fine").isEqualTo(200);
    }

    @Test
    void tiersComeFromTheStoreAndChangeWithoutARestart() throws Exception {
        String key = gw.createKey("tiered", "invoke");
        for (int i = 0; i < 3; i++) assertThat(gw.get("/planned", key).statusCode()).isEqualTo(200);
        HttpResponse<String> over = gw.get("/planned", key);
        assertThat(over.statusCode()).as("default tier: free, 3/min").isEqualTo(429);
        assertThat(over.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"free-3-1m\";q=3;w=60");

        gw.store.orgs().setTier("tiered", "pro");
        long changed = System.nanoTime();
        HttpResponse<String> r;
        do {
            Thread.sleep(200);
            r = gw.get("/planned", key);
        } while (r.statusCode() == 429 && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(10));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - changed)).as("within seconds").isLessThan(7);
        assertThat(r.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"pro-1000-1m\";q=1000;w=60").contains("\"pro-10000-1h\"");

        String id = gw.store.apiKeys().list("tiered").getFirst().id();
        gw.store.apiKeys().setTier("tiered", id, "enterprise");
        changed = System.nanoTime();
        do {
            Thread.sleep(200);
            r = gw.get("/planned", key);
        } while (r.headers().firstValue("RateLimit-Policy").orElse("").contains("pro-") && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(10));
        assertThat(r.headers().firstValue("RateLimit-Policy").orElse("")).as("the key's own tier wins: unlimited").doesNotContain("pro-");
    }

    @Test
    void thePerIpLimitCountsEveryRouteBeforeAuthentication() throws Exception {
        try (TestGateway small = TestGateway.start(TestGateway.config("""
                  - id: open
                    match: { methods: [GET], path: /open }
                    upstream: app
                    public: true
                  - id: closed
                    match: { methods: [GET], path: /closed }
                    upstream: app
                    auth: { methods: [api_key] }
                limits: { per_ip: 5/1m }
                """))) {
            List<Integer> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) statuses.add(small.get("/open", null).statusCode());
            statuses.add(small.get("/closed", null).statusCode());
            assertThat(statuses).containsExactly(200, 200, 200, 200, 401);
            HttpResponse<String> sixth = small.get("/closed", null);
            assertThat(sixth.statusCode()).as("refused before authentication is even tried").isEqualTo(429);
            assertThat(sixth.headers().firstValue("RateLimit").orElseThrow()).contains("\"ip\";r=0");
            assertThat(small.get("/open", null).statusCode()).isEqualTo(429);
            assertThat(small.send(small.request("/.well-known/jwks.json").GET().build()).statusCode()).as("Bastion's own routes too").isEqualTo(429);
        }
    }
}
