package dev.bastion.respond;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.ResponseAction;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Automatic responses (O4) through real gateways on loopback and their real SQLite store: a brute force blocks
 * the address the listener resolved (never one a client forged in X-Forwarded-For), a key the WAF keeps refusing
 * is suspended and lifts itself, the CLI lists and lifts, every node refuses what any node decided (store poll;
 * Redis broadcast), a block survives a restart, and counts spread over two nodes trigger as one with Redis.
 */
class ResponsesGatewayTest {
    static final String BAD_KEY = "bst_" + "live_Zq8Xw3Vb7Nm2Kp5Rt9Ys4Lc6Hd1Fg0Ja8";

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String config(String publicListener, String extra) {
        return TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
                """).replace("  public: { host: 127.0.0.1, port: 0 }", publicListener) + extra;
    }

    static final String PROXIED = "  public: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1/32] }";
    static final String DIRECT = "  public: { host: 127.0.0.1, port: 0 }";

    static HttpResponse<String> get(TestGateway gw, String path, String key, String forwardedFor) throws Exception {
        HttpRequest.Builder b = gw.request(path).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        return gw.send(b.build());
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    static List<AuditRow> events(TestGateway gw, String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 1000, false, false);
    }

    @Test
    void aBruteForceBlocksTheAddressTheListenerResolvedNeverOneTheClientNamed() throws Exception {
        // Two auth.failure records a minute per address are stored; the rule must count all five failures.
        try (LogCapture logs = LogCapture.capture(); TestGateway gw = TestGateway.start(config(DIRECT, """
                audit: { auth_failure_sample: 2 }
                responses:
                  rules:
                    - { id: brute-force, on: auth.failure, by: ip, count: 5, within: 10m, action: block_ip, for: 15m }
                """))) {
            String key = gw.createKey("acme", "invoke");
            // The attack: no trusted proxy, so the forged X-Forwarded-For must not name who gets blocked.
            for (int i = 0; i < 5; i++) assertThat(get(gw, "/api/x", BAD_KEY, "203.0.113.9").statusCode()).isEqualTo(401);
            Eventually.until("the block is in force", () -> get(gw, "/api/x", key, null).statusCode() == 403);
            HttpResponse<String> refused = get(gw, "/api/x", key, null);
            assertThat(code(refused)).isEqualTo("ip_blocked");
            assertThat(refused.headers().firstValue("X-Request-Id")).isPresent();
            List<ResponseAction> active = gw.store.responses().active(Instant.now());
            assertThat(active).extracting(ResponseAction::subject).containsExactly("127.0.0.1");
            assertThat(active.getFirst().rule()).isEqualTo("brute-force");
            Eventually.until("the block's audit event", () -> !events(gw, "response.block_ip").isEmpty());
            AuditRow e = events(gw, "response.block_ip").getFirst();
            assertThat(e.target()).isEqualTo("127.0.0.1");
            assertThat(e.reason()).isEqualTo("brute-force");
            assertThat(e.fields()).contains("\"action_id\":\"" + active.getFirst().id() + "\"");
            assertThat(events(gw, "auth.failure")).as("sampled records, counted refusals").hasSize(2);
            // The credential the attacker tried reaches no audit record and no log line.
            for (AuditRow r : gw.store.audit().search(AuditRepository.Filter.ALL, 1000, false, false)) assertThat(r.toString()).doesNotContain(BAD_KEY);
            assertThat(logs.all()).contains("brute-force").doesNotContain(BAD_KEY);
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsBlockedAndNoOtherWhileExemptRangesNeverAre() throws Exception {
        try (TestGateway gw = TestGateway.start(config(PROXIED, """
                responses:
                  exempt: [192.0.2.0/24]
                  rules:
                    - { id: brute-force, on: auth.failure, by: ip, count: 5, within: 10m, action: block_ip, for: 15m }
                """))) {
            String key = gw.createKey("acme", "invoke");
            for (int i = 0; i < 5; i++) get(gw, "/api/x", BAD_KEY, "203.0.113.9");
            Eventually.until("203.0.113.9 is blocked", () -> get(gw, "/api/x", key, "203.0.113.9").statusCode() == 403);
            assertThat(code(get(gw, "/api/x", key, "::ffff:203.0.113.9"))).as("the IPv4-mapped spelling").isEqualTo("ip_blocked");
            assertThat(get(gw, "/api/x", key, "198.51.100.7").statusCode()).as("another client").isEqualTo(200);
            // An exempt address is counted by nobody, however often it fails.
            for (int i = 0; i < 12; i++) assertThat(get(gw, "/api/x", BAD_KEY, "192.0.2.5").statusCode()).isEqualTo(401);
            Thread.sleep(300); // the action, had there been one, is taken on a worker
            assertThat(get(gw, "/api/x", key, "192.0.2.5").statusCode()).isEqualTo(200);
            assertThat(gw.store.responses().active(Instant.now())).extracting(ResponseAction::subject).containsExactly("203.0.113.9");
        }
    }

    @Test
    void anIpv6BruteForceBlocksItsSlash64NotOnlyTheAddressesItUsed() throws Exception {
        try (TestGateway gw = TestGateway.start(config(PROXIED, """
                responses:
                  rules:
                    - { id: brute-force, on: auth.failure, by: ip, count: 5, within: 10m, action: block_ip, for: 15m }
                """))) {
            String key = gw.createKey("acme", "invoke");
            // The attack: each guess from another address of the same /64.
            for (int i = 1; i <= 5; i++) assertThat(get(gw, "/api/x", BAD_KEY, "2001:db8:5:6::" + Integer.toHexString(i)).statusCode()).isEqualTo(401);
            Eventually.until("the /64 is blocked", () -> get(gw, "/api/x", key, "2001:db8:5:6:abcd::77").statusCode() == 403);
            assertThat(code(get(gw, "/api/x", key, "2001:db8:5:6::1"))).isEqualTo("ip_blocked");
            assertThat(get(gw, "/api/x", key, "2001:db8:5:7::1").statusCode()).as("the neighbouring /64").isEqualTo(200);
            assertThat(gw.store.responses().active(Instant.now())).extracting(ResponseAction::subject).containsExactly("2001:db8:5:6::/64");
        }
    }

    @Test
    void theCliListsAndLiftsABlockOnTheRunningNodeAndTheLiftIsAnAuditEvent() throws Exception {
        try (TestGateway gw = TestGateway.start(config(PROXIED, """
                responses:
                  poll_interval: 200ms
                  rules:
                    - { id: brute-force, on: auth.failure, by: ip, count: 3, within: 10m, action: block_ip, for: 1h }
                """))) {
            String store = "sqlite:" + gw.dir.resolve("bastion.db");
            String key = gw.createKey("acme", "invoke");
            for (int i = 0; i < 3; i++) get(gw, "/api/x", BAD_KEY, "203.0.113.20");
            Eventually.until("blocked", () -> get(gw, "/api/x", key, "203.0.113.20").statusCode() == 403);
            Eventually.until("stored", () -> !gw.store.responses().active(Instant.now()).isEmpty());
            Run list = cli("responses", "list", "--store", store);
            assertThat(list.exit()).isZero();
            assertThat(list.out()).contains("block_ip").contains("203.0.113.20").contains("brute-force");
            Run lift = cli("responses", "lift", "--store", store, "--ip", "203.0.113.20");
            assertThat(lift.exit()).as(lift.err()).isZero();
            assertThat(lift.out()).contains("Lifted block_ip 203.0.113.20");
            Eventually.until("the running node lifts it", () -> get(gw, "/api/x", key, "203.0.113.20").statusCode() == 200);
            assertThat(cli("responses", "list", "--store", store).out()).contains("No automatic response in force.");
            assertThat(cli("responses", "lift", "--store", store, "--ip", "203.0.113.20").exit()).as("nothing left to lift").isEqualTo(1);
            List<AuditRow> lifted = events(gw, "response.lifted");
            assertThat(lifted).hasSize(1);
            assertThat(lifted.getFirst().actorKind()).isEqualTo("operator");
            assertThat(lifted.getFirst().target()).isEqualTo("203.0.113.20");
            // Counted afresh after a lift: the same failures block again.
            for (int i = 0; i < 3; i++) get(gw, "/api/x", BAD_KEY, "203.0.113.20");
            Eventually.until("blocked again", () -> get(gw, "/api/x", key, "203.0.113.20").statusCode() == 403);
            Eventually.until("stored again", () -> !gw.store.responses().active(Instant.now()).isEmpty());
            String id = gw.store.responses().active(Instant.now()).getFirst().id();
            Run byId = cli("responses", "lift", "--store", store, id);
            assertThat(byId.exit()).as(byId.err()).isZero();
            assertThat(byId.out()).contains(id);
            Eventually.until("lifted by id", () -> get(gw, "/api/x", key, "203.0.113.20").statusCode() == 200);
        }
    }

    @Test
    void aKeyTheWafKeepsRefusingIsSuspendedEverywhereAndTheSuspensionLiftsItself() throws Exception {
        try (TestGateway gw = TestGateway.start(config(DIRECT, """
                waf:
                  rules: { mode: block, blocked_log_per_second: 1 }
                responses:
                  poll_interval: 200ms
                  rules:
                    - { id: waf-abuser, on: waf.block, by: key, count: 4, within: 10m, action: suspend_key, for: 2s }
                """))) {
            var abuser = gw.createKeyRecord("acme", "invoke");
            String other = gw.createKey("acme", "invoke");
            String attack = "/api/search?q=" + URLEncoder.encode("1' OR '1'='1", StandardCharsets.UTF_8);
            // Four refusals in a burst: the waf.block records are sampled (1 a second); the rule counts every one.
            for (int i = 0; i < 4; i++) assertThat(get(gw, attack, abuser.plaintext(), null).statusCode()).isEqualTo(403);
            Instant before = Instant.now();
            HttpResponse<String>[] refused = new HttpResponse[1];
            Eventually.until("suspended", () -> (refused[0] = get(gw, "/api/x", abuser.plaintext(), null)).statusCode() == 403);
            assertThat(code(refused[0])).isEqualTo("api_key_suspended");
            assertThat(refused[0].headers().firstValue("X-Request-Id")).isPresent();
            Instant suspendedAt = before;
            assertThat(get(gw, "/api/x", other, null).statusCode()).as("another key of the same org").isEqualTo(200);
            Eventually.until("the suspension's audit event", () -> !events(gw, "response.suspend_key").isEmpty());
            assertThat(events(gw, "response.suspend_key").getFirst().target()).isEqualTo(abuser.record().id());
            // It lifts itself after `for`, with one response.lifted event (reason expired).
            Eventually.until("lifted by itself", () -> get(gw, "/api/x", abuser.plaintext(), null).statusCode() == 200);
            assertThat(Instant.now()).isAfterOrEqualTo(suspendedAt.plusMillis(1500));
            Eventually.until("the expiry is recorded", () -> !events(gw, "response.lifted").isEmpty());
            AuditRow lifted = events(gw, "response.lifted").getFirst();
            assertThat(lifted.reason()).isEqualTo("expired");
            assertThat(lifted.target()).isEqualTo(abuser.record().id());
            for (AuditRow r : gw.store.audit().search(AuditRepository.Filter.ALL, 1000, false, false)) {
                assertThat(r.toString()).doesNotContain(abuser.plaintext());
            }
        }
    }

    @Test
    void aNotifyRuleRecordsAnErrorEventAndPostsItToTheWebhookOncePerWindow() throws Exception {
        try (TestGateway gw = TestGateway.start(config(DIRECT, """
                waf:
                  rules: { mode: block }
                responses:
                  webhook: "{{upstream}}/hooks/bastion"
                  rules:
                    - { id: org-under-attack, on: waf.block, by: org, count: 3, within: 10m, action: notify }
                """))) {
            String key = gw.createKey("acme", "invoke");
            String attack = "/api/search?q=" + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8);
            for (int i = 0; i < 7; i++) assertThat(get(gw, attack, key, null).statusCode()).isEqualTo(403);
            Eventually.until("the webhook is called", () -> gw.upstream.seen().stream().anyMatch(s -> s.uri().startsWith("/hooks/bastion")));
            Eventually.until("the notify event", () -> !events(gw, "response.notify").isEmpty());
            AuditRow e = events(gw, "response.notify").getFirst();
            assertThat(e.severity()).isEqualTo("error");
            assertThat(e.target()).isEqualTo("acme");
            assertThat(e.reason()).isEqualTo("org-under-attack");
            var hook = gw.upstream.seen().stream().filter(s -> s.uri().startsWith("/hooks/bastion")).toList();
            JsonObject body = hook.getFirst().body().toJsonObject();
            assertThat(body.getString("type")).isEqualTo("response.notify");
            assertThat(body.getString("target")).isEqualTo("acme");
            assertThat(body.getString("rule")).isEqualTo("org-under-attack");
            assertThat(hook.getFirst().body().toString()).doesNotContain(key);
            Thread.sleep(300); // a second notification, had the window not held it back, is made on a worker
            assertThat(events(gw, "response.notify")).as("seven refusals, one notification in the window").hasSize(1);
            assertThat(gw.upstream.seen().stream().filter(s -> s.uri().startsWith("/hooks/bastion"))).hasSize(1);
            assertThat(get(gw, "/api/x", key, null).statusCode()).as("notify refuses nothing").isEqualTo(200);
        }
    }

    /** Two nodes on one store, no Redis: what one decides, the other refuses within the poll; a restart keeps it. */
    @Test
    void everyNodeRefusesWhatAnyNodeDecidedAndABlockSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("bastion-responses");
        String shared = "sqlite:" + dir.resolve("shared.db");
        String rules = """
                responses:
                  poll_interval: 200ms
                  rules:
                    - { id: brute-force, on: auth.failure, by: ip, count: 3, within: 10m, action: block_ip, for: 1h }
                """;
        try (TestGateway a = TestGateway.start(config(PROXIED, rules + "audit: { node: node-a }\n").replace("{{store}}", shared));
             TestGateway b = TestGateway.start(config(PROXIED, rules + "audit: { node: node-b }\n").replace("{{store}}", shared))) {
            String key = a.createKey("acme", "invoke");
            assertThat(get(b, "/api/x", key, "203.0.113.30").statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) get(a, "/api/x", BAD_KEY, "203.0.113.30");
            Eventually.until("node b refuses what node a blocked", () -> get(b, "/api/x", key, "203.0.113.30").statusCode() == 403);
        }
        try (TestGateway c = TestGateway.start(config(PROXIED, rules + "audit: { node: node-c }\n").replace("{{store}}", shared))) {
            String key = c.createKey("acme", "invoke");
            HttpResponse<String> first = get(c, "/api/x", key, "203.0.113.30");
            assertThat(first.statusCode()).as("the first request after a restart").isEqualTo(403);
            assertThat(code(first)).isEqualTo("ip_blocked");
        }
    }

    /** With Redis, failures spread over two nodes count as one: 3 on one and 2 on the other trigger a rule of 5. */
    @Test
    void withRedisCountsAreSharedAcrossNodesAndTheBlockIsBroadcast() throws Exception {
        try (RedisProcess redis = RedisProcess.start(false)) {
            Path dir = Files.createTempDirectory("bastion-responses");
            String shared = "sqlite:" + dir.resolve("shared.db");
            // A long poll: the block reaching node b within seconds can only be the broadcast.
            String rules = """
                    redis: { url: "%s" }
                    responses:
                      poll_interval: 1h
                      rules:
                        - { id: brute-force, on: auth.failure, by: ip, count: 5, within: 10m, action: block_ip, for: 1h }
                    """.formatted(redis.url());
            try (TestGateway a = TestGateway.start(config(PROXIED, rules + "audit: { node: node-a }\n").replace("{{store}}", shared));
                 TestGateway b = TestGateway.start(config(PROXIED, rules + "audit: { node: node-b }\n").replace("{{store}}", shared))) {
                String key = a.createKey("acme", "invoke");
                for (int i = 0; i < 3; i++) get(a, "/api/x", BAD_KEY, "203.0.113.40");
                for (int i = 0; i < 2; i++) get(b, "/api/x", BAD_KEY, "203.0.113.40");
                Eventually.until("blocked on node b", () -> get(b, "/api/x", key, "203.0.113.40").statusCode() == 403);
                Eventually.until("and on node a", () -> get(a, "/api/x", key, "203.0.113.40").statusCode() == 403);
                assertThat(a.store.responses().active(Instant.now())).as("one action, not one per node").hasSize(1);
            }
        }
    }
}
