package dev.bastion.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** L7 through a real gateway: replay, mismatch, concurrency, scoping, failures, size cap and expiry. */
class IdempotencyTest {
    static TestGateway gw;
    static String key;
    static final AtomicInteger n = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: orders
                    match: { methods: [GET, POST, PATCH], path: /orders }
                    upstream: app
                    auth: { methods: [api_key] }
                    idempotency: { ttl: 2s, max_response_bytes: 1KiB }
                """));
        key = gw.createKey("idem", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @BeforeEach
    void echo() {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").putHeader("Location", "/orders/" + n.incrementAndGet())
                .setStatusCode(201).end("{\"order\":" + n.get() + "}"));
    }

    static HttpResponse<String> post(String apiKey, String idemKey, String body) throws Exception {
        HttpRequest.Builder b = gw.request("/orders").header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idemKey != null) b.header("Idempotency-Key", idemKey);
        return gw.send(b.build());
    }

    int upstreamCalls() {
        return gw.upstream.seen().size();
    }

    @Test
    void aRepeatGetsTheFirstResponseWithoutCallingTheUpstream() throws Exception {
        int before = upstreamCalls();
        HttpResponse<String> first = post(key, "k-replay", "{\"item\":1}");
        HttpResponse<String> again = post(key, "k-replay", "{\"item\":1}");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(again.headers().firstValue("X-Request-Id")).isNotEqualTo(first.headers().firstValue("X-Request-Id"));
        assertThat(again.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(upstreamCalls() - before).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentBodyIs422() throws Exception {
        assertThat(post(key, "k-mismatch", "{\"item\":1}").statusCode()).isEqualTo(201);
        HttpResponse<String> other = post(key, "k-mismatch", "{\"item\":2}");
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.body()).contains("idempotency_key_reused").contains("request_id");
    }

    @Test
    void keysAreScopedToTheCallerSoAnotherTenantNeverSeesTheResponse() throws Exception {
        String otherOrg = gw.createKey("idem-other", "invoke");
        String sameOrgOtherKey = gw.createKey("idem", "invoke");
        int before = upstreamCalls();
        HttpResponse<String> mine = post(key, "k-shared", "{\"item\":1}");
        HttpResponse<String> theirs = post(otherOrg, "k-shared", "{\"item\":1}");
        HttpResponse<String> colleague = post(sameOrgOtherKey, "k-shared", "{\"item\":1}");
        assertThat(theirs.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(colleague.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(theirs.body()).isNotEqualTo(mine.body());
        assertThat(upstreamCalls() - before).isEqualTo(3);
    }

    @Test
    void concurrentDuplicatesSendOneUpstreamAndTheOtherGets409() throws Exception {
        gw.upstream.behave(req -> gw.upstream.vertx().setTimer(400, t -> req.response().setStatusCode(201).end("{\"slow\":true}")));
        int before = upstreamCalls();
        List<CompletableFuture<HttpResponse<String>>> both = List.of(sendAsync("k-race"), sendAsync("k-race"));
        List<Integer> statuses = both.stream().map(f -> f.join().statusCode()).sorted().toList();
        assertThat(statuses).containsExactly(201, 409);
        assertThat(both.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 409).findFirst().orElseThrow().body())
                .contains("idempotency_in_progress");
        assertThat(upstreamCalls() - before).isEqualTo(1);
        assertThat(post(key, "k-race", "{\"item\":1}").headers().firstValue("Idempotency-Replayed")).as("once done, replayed").hasValue("true");
    }

    CompletableFuture<HttpResponse<String>> sendAsync(String idemKey) {
        return gw.http.sendAsync(gw.request("/orders").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header("Idempotency-Key", idemKey).POST(HttpRequest.BodyPublishers.ofString("{\"item\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFailedFirstAttemptGivesTheKeyBack() throws Exception {
        gw.upstream.behave(req -> req.response().setStatusCode(503).end("{\"down\":true}"));
        int before = upstreamCalls();
        assertThat(post(key, "k-fail", "{\"item\":1}").statusCode()).isEqualTo(503);
        echo();
        HttpResponse<String> retry = post(key, "k-fail", "{\"item\":1}");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(upstreamCalls() - before).isEqualTo(2);
    }

    @Test
    void aResponseOverTheCapIsNotKeptAndARepeatIsTold() throws Exception {
        gw.upstream.behave(req -> req.response().setStatusCode(200).end("x".repeat(4096)));
        assertThat(post(key, "k-big", "{}").body()).hasSize(4096);
        HttpResponse<String> again = post(key, "k-big", "{}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("idempotency_response_not_kept");
    }

    @Test
    void keysExpireAfterTheirTtl() throws Exception {
        int before = upstreamCalls();
        post(key, "k-ttl", "{}");
        Thread.sleep(2300);
        assertThat(post(key, "k-ttl", "{}").headers().firstValue("Idempotency-Replayed")).isEmpty();
        assertThat(upstreamCalls() - before).isEqualTo(2);
    }

    @Test
    void malformedKeysAre400AndGetsIgnoreKeys() throws Exception {
        for (String bad : new String[] {"", "x".repeat(256)}) {
            HttpResponse<String> r = post(key, bad, "{}");
            assertThat(r.statusCode()).as("'%s'", bad.length()).isEqualTo(400);
            assertThat(r.body()).contains("invalid_idempotency_key");
        }
        int before = upstreamCalls();
        for (int i = 0; i < 2; i++) {
            gw.send(gw.request("/orders").header("Authorization", "Bearer " + key).header("Idempotency-Key", "k-get").GET().build());
        }
        assertThat(upstreamCalls() - before).isEqualTo(2);
    }
}
