package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a real gateway stores, sealed. Idempotency responses kept in a real Redis: sealed with the org's data key
 * (nothing of the response readable in Redis), replayed intact, and — the attack — an entry copied under another
 * org's key opens for nobody: the repeat is refused, never answered with the first org's response. Audit
 * events: with {@code audit_encrypt}, the client's address is stored sealed, and nothing of it reaches a log.
 */
class SealedAtRestTest {
    static final String SECRET_ANSWER = "patient-record-of-alice-4711";
    static RedisProcess redis;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start(false);
        gw = TestGateway.start(TestGateway.config("""
                  - id: orders
                    match: { methods: [POST], path: /orders }
                    upstream: app
                    auth: { methods: [api_key] }
                    idempotency: { ttl: 1m }
                redis: { url: "redis://127.0.0.1:%d" }
                data_protection: { audit_encrypt: [ip, actor] }
                audit: { log_lines: false }
                """.formatted(redis.port)));
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json")
                .putHeader("X-Order-Owner", "alice-4711").setStatusCode(201).end("{\"answer\":\"" + SECRET_ANSWER + "-" + System.nanoTime() + "\"}"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        if (redis != null) redis.close();
    }

    static HttpResponse<String> post(String apiKey, String idemKey, String body) throws Exception {
        return gw.send(gw.request("/orders").header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .header("Idempotency-Key", idemKey).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Set<String> idemKeys() throws Exception {
        String all = redis.command("KEYS", "bastion:idem:*");
        return all == null || all.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(all.split("\n")));
    }

    static String waitForDone(String key) throws Exception {
        for (int i = 0; i < 200; i++) {
            String v = redis.command("GET", key);
            if (v != null && !v.startsWith("P|")) return v;
            Thread.sleep(10);
        }
        throw new AssertionError("the entry was not completed");
    }

    @Test
    void responsesAreSealedInRedisAndReplayedIntact() throws Exception {
        String key = gw.createKey("sealed-a", "invoke");
        Set<String> before = idemKeys();
        HttpResponse<String> first = post(key, "k-1", "{\"n\":1}");
        assertThat(first.statusCode()).isEqualTo(201);
        Set<String> added = new HashSet<>(idemKeys());
        added.removeAll(before);
        String stored = waitForDone(added.iterator().next());
        assertThat(stored).startsWith("S|").doesNotContain(SECRET_ANSWER).doesNotContain("alice-4711")
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(SECRET_ANSWER.getBytes()).substring(0, 12));
        HttpResponse<String> again = post(key, "k-1", "{\"n\":1}");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body()).contains(SECRET_ANSWER);
        assertThat(again.headers().firstValue("X-Order-Owner")).hasValue("alice-4711");
        assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
        assertThat(gw.store.dataKeys().versions("org:sealed-a")).hasSize(1);
    }

    @Test
    void anEntryCopiedUnderAnotherOrgsKeyOpensForNobody() throws Exception {
        String victim = gw.createKey("victim-org", "invoke");
        String attacker = gw.createKey("attacker-org", "invoke");
        Set<String> before = idemKeys();
        post(victim, "same-key", "{\"n\":2}");
        Set<String> victimKeys = new HashSet<>(idemKeys());
        victimKeys.removeAll(before);
        String victimKey = victimKeys.iterator().next();
        String victimEntry = waitForDone(victimKey);
        Set<String> mid = idemKeys();
        HttpResponse<String> own = post(attacker, "same-key", "{\"n\":2}");
        assertThat(own.statusCode()).isEqualTo(201);
        Set<String> attackerKeys = new HashSet<>(idemKeys());
        attackerKeys.removeAll(mid);
        String attackerKey = attackerKeys.iterator().next();
        waitForDone(attackerKey);

        redis.command("SET", attackerKey, victimEntry); // the victim's sealed response, under the attacker's key
        int upstreamBefore = gw.upstream.seen().size();
        HttpResponse<String> replay = post(attacker, "same-key", "{\"n\":2}");
        assertThat(replay.statusCode()).as("a fault, never the victim's response").isGreaterThanOrEqualTo(500);
        assertThat(replay.body()).doesNotContain(SECRET_ANSWER);
        assertThat(gw.upstream.seen().size()).isEqualTo(upstreamBefore);
    }

    @Test
    void theGatewaySealsClientAddressesInTheTrailAndLogsNoneOfIt() throws Exception {
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> refused = gw.send(gw.request("/orders").header("Authorization", "Bearer bst_not_a_key_000000000000000000000")
                    .header("Idempotency-Key", "k-x").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(refused.statusCode()).isEqualTo(401);
            Eventually.until("the auth failure stored", () -> !gw.store.audit().search(
                    new AuditRepository.Filter(null, null, null, "auth.failure", null, null, null), 10, true, false).isEmpty());
            AuditRow stored = gw.store.audit().search(new AuditRepository.Filter(null, null, null, "auth.failure", null, null, null), 10, true, false).getFirst();
            assertThat(stored.ip()).startsWith("enc1:").doesNotContain("127.0.0.1");
            assertThat(stored.expectedHash()).as("hashed as stored, sealed").isEqualTo(stored.hash());
            assertThat(logs.all()).as("the client address, in clear, in no log line (audit.log_lines off)").doesNotContain("127.0.0.1");
        }
    }
}
