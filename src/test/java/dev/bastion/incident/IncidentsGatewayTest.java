package dev.bastion.incident;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Incident switches (R2) through real gateways on loopback sharing a real SQLite store (and a real Redis): each
 * switch thrown with the CLI on one node is enforced by another and lifted; a switch on one org leaves another
 * alone; lockdown admits the allow-listed org and nobody else while Bastion's own endpoints answer; a switch ends by
 * itself; the admin API throws and lifts for the operator scope only; every throw and lift is an audit event.
 */
class IncidentsGatewayTest {
    static final String ROUTES = """
              - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
              - { id: other, match: { methods: [GET], path: /other/* }, upstream: app, auth: { methods: [api_key] } }
              - { id: open, match: { methods: [GET], path: /open/* }, upstream: app, public: true }
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                llm: chat
                auth: { methods: [api_key] }
              - id: messages
                match: { methods: [POST], path: /v1/messages }
                llm: messages
                auth: { methods: [api_key] }
            models:
              m1:
                deployments: [{ upstream: app, model: gpt-x }]
              m2:
                deployments: [{ upstream: app, model: gpt-y }]
              m3:
                deployments: [{ upstream: gone, model: gpt-z }]
                fallbacks: [m1]
            """;

    static String config(String extra) {
        // "gone" refuses connections: a request for m3 fails over to its fallback m1.
        return TestGateway.config(ROUTES).replace("upstreams:\n", "upstreams:\n  gone: { url: \"http://127.0.0.1:9\", api_key: env:PROVIDER_KEY }\n").replace("  public: { host: 127.0.0.1, port: 0 }",
                "  public: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1/32] }") + extra;
    }

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static HttpResponse<String> get(TestGateway gw, String path, String key, String forwardedFor) throws Exception {
        HttpRequest.Builder b = gw.request(path).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        return gw.send(b.build());
    }

    static HttpResponse<String> admin(TestGateway gw, String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).header("Authorization", "Bearer " + key);
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return gw.send(b.build());
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    static List<AuditRow> events(TestGateway gw, String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 1000, false, false);
    }

    static String switchId(Run r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().substring(r.out().lastIndexOf("(") + 1, r.out().lastIndexOf(")"));
    }

    /** A refusal in the one error shape: the code, the request id in body and header, and nothing of the operator's reason. */
    static void refused(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(code(r)).isEqualTo(code);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("request_id")).isEqualTo(id);
        assertThat(r.body()).doesNotContain("leak").doesNotContain("inc_");
    }

    /** Two nodes on one store, no Redis: every switch thrown with the CLI is refused by the other node within its poll, then lifted. */
    @Test
    void everySwitchThrownWithTheCliIsEnforcedByAnotherNodeAndLifted() throws Exception {
        Path dir = Files.createTempDirectory("bastion-incidents");
        String shared = "sqlite:" + dir.resolve("shared.db");
        String extra = "incidents: { poll_interval: 200ms }\n";
        try (TestGateway a = TestGateway.start(config(extra + "audit: { node: node-a }\n").replace("{{store}}", shared));
             TestGateway b = TestGateway.start(config(extra + "audit: { node: node-b }\n").replace("{{store}}", shared))) {
            var acmeKey = a.createKeyRecord("acme", "invoke");
            String acmeOther = a.createKey("acme", "invoke"), beta = a.createKey("beta", "invoke");
            assertThat(get(b, "/api/x", acmeKey.plaintext(), "203.0.113.7").statusCode()).isEqualTo(200);

            // block-ip, a range: the forwarded address (a trusted proxy) inside it is refused at the edge, one outside is not.
            String block = switchId(cli("incident", "block-ip", "203.0.113.0/24", "--reason", "scanner, leak ticket 7", "--for", "1h", "--store", shared));
            Eventually.until("node b blocks the range", () -> get(b, "/api/x", acmeKey.plaintext(), "203.0.113.7").statusCode() == 403);
            refused(get(b, "/api/x", acmeKey.plaintext(), "203.0.113.7"), 403, "ip_blocked");
            refused(get(b, "/.well-known/jwks.json", null, "203.0.113.99"), 403, "ip_blocked"); // before routing: Bastion's own routes too
            assertThat(get(b, "/api/x", acmeKey.plaintext(), "198.51.100.7").statusCode()).as("outside the range").isEqualTo(200);
            assertThat(cli("incident", "list", "--store", shared).out()).contains(block).contains("block_ip").contains("203.0.113.0/24")
                    .contains("scanner, leak ticket 7");
            assertThat(cli("incident", "lift", "--store", shared, block).exit()).isZero();
            Eventually.until("node b lifts the block", () -> get(b, "/api/x", acmeKey.plaintext(), "203.0.113.7").statusCode() == 200);

            // block-key: that key only, not another key of the same org.
            String key = switchId(cli("incident", "block-key", acmeKey.record().id(), "--reason", "leaked in a repo", "--for", "1h", "--store", shared));
            Eventually.until("node b refuses the key", () -> get(b, "/api/x", acmeKey.plaintext(), null).statusCode() == 403);
            refused(get(b, "/api/x", acmeKey.plaintext(), null), 403, "api_key_blocked");
            assertThat(get(b, "/api/x", acmeOther, null).statusCode()).as("another key of acme").isEqualTo(200);
            cli("incident", "lift", "--store", shared, key);
            Eventually.until("the key passes again", () -> get(b, "/api/x", acmeKey.plaintext(), null).statusCode() == 200);

            // suspend-org: every caller of acme, and nobody of beta.
            String org = switchId(cli("incident", "suspend-org", "acme", "--reason", "INC-43", "--for", "2h", "--store", shared));
            Eventually.until("node b suspends acme", () -> get(b, "/api/x", acmeOther, null).statusCode() == 403);
            refused(get(b, "/api/x", acmeKey.plaintext(), null), 403, "org_suspended");
            assertThat(get(b, "/api/x", beta, null).statusCode()).as("another org").isEqualTo(200);
            cli("incident", "lift", "--store", shared, org);
            Eventually.until("acme passes again", () -> get(b, "/api/x", acmeOther, null).statusCode() == 200);

            // disable-route: 503 before authentication, for anyone; the other route still answers.
            String route = switchId(cli("incident", "disable-route", "api", "--reason", "bad rollout", "--for", "30m", "--store", shared));
            Eventually.until("node b disables the route", () -> get(b, "/api/x", beta, null).statusCode() == 503);
            refused(get(b, "/api/x", null, null), 503, "route_disabled");
            assertThat(get(b, "/other/x", beta, null).statusCode()).isEqualTo(200);
            cli("incident", "lift", "--store", shared, route);
            Eventually.until("the route answers again", () -> get(b, "/api/x", beta, null).statusCode() == 200);

            // Every throw and lift is an audit event with the operator as actor and the reason kept.
            List<AuditRow> thrown = events(a, "incident.switch");
            assertThat(thrown).hasSize(4);
            assertThat(thrown).allSatisfy(e -> assertThat(e.actorKind()).isEqualTo("operator"));
            assertThat(thrown).extracting(AuditRow::target).containsExactlyInAnyOrder("203.0.113.0/24", acmeKey.record().id(), "acme", "api");
            // The trail stores no free text: a ticket reference is kept, prose is marked and kept with the switch the event names.
            AuditRow keyEvent = thrown.stream().filter(e -> e.target().equals(acmeKey.record().id())).findFirst().orElseThrow();
            assertThat(keyEvent.fields()).contains("\"switch_id\":\"" + key + "\"").contains("\"via\":\"cli\"").contains("\"reason\":\"[text]\"");
            assertThat(a.store.responses().find(key).orElseThrow().reason()).isEqualTo("leaked in a repo");
            AuditRow orgEvent = thrown.stream().filter(e -> e.target().equals("acme")).findFirst().orElseThrow();
            assertThat(orgEvent.fields()).contains("\"reason\":\"INC-43\"");
            assertThat(events(a, "incident.lifted")).hasSize(4).allSatisfy(e -> assertThat(e.reason()).isEqualTo("operator"));
            for (AuditRow r : a.store.audit().search(AuditRepository.Filter.ALL, 1000, false, false)) assertThat(r.toString()).doesNotContain(acmeKey.plaintext());
            assertThat(cli("incident", "list", "--store", shared).out()).contains("No incident switch in force.");
            assertThat(cli("incident", "lift", "--store", shared, route).exit()).as("nothing left to lift").isEqualTo(1);
        }
    }

    @Test
    void lockdownAdmitsTheAllowListedOrgAndKeyAndNobodyElseWhileBastionsOwnEndpointsAnswer() throws Exception {
        try (TestGateway gw = TestGateway.start(config("incidents: { poll_interval: 200ms }\n"))) {
            String store = "sqlite:" + gw.dir.resolve("bastion.db");
            String acme = gw.createKey("acme", "invoke"), beta = gw.createKey("beta", "invoke");
            var gamma = gw.createKeyRecord("gamma", "invoke");
            String gammaOther = gw.createKey("gamma", "invoke");
            String id = switchId(cli("incident", "lockdown", "--allow-org", "acme", "--allow-key", gamma.record().id(), "--reason", "active breach",
                    "--for", "1h", "--store", store));
            Eventually.until("the lockdown is in force", () -> get(gw, "/api/x", beta, null).statusCode() == 503);
            refused(get(gw, "/api/x", beta, null), 503, "lockdown");
            refused(get(gw, "/open/x", null, null), 503, "lockdown"); // a public route's anonymous caller is on no allow-list
            refused(get(gw, "/api/x", gammaOther, null), 503, "lockdown"); // gamma's other key: the allow-list named one key
            assertThat(get(gw, "/api/x", acme, null).statusCode()).as("the allow-listed org").isEqualTo(200);
            assertThat(get(gw, "/other/x", acme, null).statusCode()).isEqualTo(200);
            assertThat(get(gw, "/api/x", gamma.plaintext(), null).statusCode()).as("the allow-listed key").isEqualTo(200);
            assertThat(get(gw, "/.well-known/jwks.json", null, null).statusCode()).as("upstreams still verify identities").isEqualTo(200);
            assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/ready")).build()).statusCode()).as("health answers").isEqualTo(200);
            assertThat(cli("incident", "lift", "--store", store, id).exit()).isZero();
            Eventually.until("lifted", () -> get(gw, "/api/x", beta, null).statusCode() == 200);
            assertThat(get(gw, "/open/x", null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aDisabledModelIsRefusedInTheProviderStyleBodyAndOtherModelsPass() throws Exception {
        try (TestGateway gw = TestGateway.start(config("incidents: { poll_interval: 200ms }\n"))) {
            String store = "sqlite:" + gw.dir.resolve("bastion.db");
            String key = gw.createKey("acme", "invoke");
            switchId(cli("incident", "disable-model", "m1", "--reason", "provider incident", "--for", "1h", "--store", store));
            Eventually.until("m1 is disabled", () -> gw.postJson("/v1/chat/completions", key, "{\"model\":\"m1\",\"messages\":[]}").statusCode() == 503);
            int seen = gw.upstream.seen().size();
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            refused(r, 503, "model_disabled");
            assertThat(gw.upstream.seen()).as("nothing reached the provider").hasSize(seen);
            gw.postJson("/v1/chat/completions", key, "{\"model\":\"m2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(gw.upstream.seen()).as("m2 reaches its provider").hasSize(seen + 1);
            assertThat(gw.upstream.last().body().toString()).contains("gpt-y");
            // m3's deployment is unreachable and its only fallback is m1: the failover skips the disabled model, so the client
            // gets the last real failure and m1's provider is never called.
            HttpResponse<String> fallback = gw.postJson("/v1/chat/completions", key, "{\"model\":\"m3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            refused(fallback, 502, "upstream_unavailable");
            assertThat(gw.upstream.seen()).as("the fallback reached no provider").hasSize(seen + 1);
            // Anthropic's Messages API: its own error body, with Bastion's code in the details and the request id.
            HttpResponse<String> anthropic = gw.postJson("/v1/messages", key, "{\"model\":\"m1\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(anthropic.statusCode()).isEqualTo(503);
            JsonObject body = new JsonObject(anthropic.body());
            assertThat(body.getString("type")).isEqualTo("error");
            assertThat(body.getJsonObject("error").getJsonObject("details").getString("error_code")).isEqualTo("model_disabled");
            assertThat(body.getString("request_id")).isEqualTo(anthropic.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(gw.upstream.seen()).as("nothing more reached a provider").hasSize(seen + 1);
        }
    }

    @Test
    void aSwitchEndsByItselfWithOneLiftedEvent() throws Exception {
        try (TestGateway gw = TestGateway.start(config("incidents: { poll_interval: 200ms }\n"))) {
            String store = "sqlite:" + gw.dir.resolve("bastion.db");
            String key = gw.createKey("acme", "invoke");
            Instant before = Instant.now();
            switchId(cli("incident", "suspend-org", "acme", "--reason", "cool-off", "--for", "2s", "--store", store));
            Eventually.until("suspended", () -> get(gw, "/api/x", key, null).statusCode() == 403);
            Eventually.until("it ends by itself", () -> get(gw, "/api/x", key, null).statusCode() == 200);
            assertThat(Instant.now()).isAfterOrEqualTo(before.plusMillis(1500));
            Eventually.until("the expiry is recorded", () -> !events(gw, "incident.lifted").isEmpty());
            Thread.sleep(500); // a second record, were the expiry recorded more than once, would come with the next polls
            List<AuditRow> lifted = events(gw, "incident.lifted");
            assertThat(lifted).hasSize(1);
            assertThat(lifted.getFirst().reason()).isEqualTo("expired");
            assertThat(lifted.getFirst().target()).isEqualTo("acme");
            assertThat(gw.store.responses().active(Instant.now())).isEmpty();
        }
    }

    @Test
    void theCliRefusesASwitchWithoutReasonOrExpiryOrLongerThanMaxForAndNeverEchoesAPastedKey() throws Exception {
        try (LogCapture logs = LogCapture.capture(); TestGateway gw = TestGateway.start(config("incidents: { max_for: 1d }\n"))) {
            Path file = gw.dir.resolve("bastion.yaml");
            Files.writeString(file, config("incidents: { max_for: 1d }\n").replace("{{store}}", "sqlite:" + gw.dir.resolve("bastion.db"))
                    .replace("{{upstream}}", gw.upstream.url()));
            String cfg = file.toString();
            assertThat(cli("incident", "suspend-org", "acme", "--for", "1h", "--config", cfg).exit()).as("no reason").isEqualTo(2);
            Run noExpiry = cli("incident", "suspend-org", "acme", "--reason", "x", "--config", cfg);
            assertThat(noExpiry.exit()).isEqualTo(2);
            assertThat(noExpiry.err()).contains("a switch always expires");
            Run tooLong = cli("incident", "suspend-org", "acme", "--reason", "x", "--for", "2d", "--config", cfg);
            assertThat(tooLong.exit()).isEqualTo(2);
            assertThat(tooLong.err()).contains("exceeds incidents.max_for (1d)");
            String secret = gw.createKey("acme", "invoke");
            Run pasted = cli("incident", "block-key", secret, "--reason", "x", "--for", "1h", "--config", cfg);
            assertThat(pasted.exit()).isEqualTo(2);
            assertThat(pasted.err()).contains("never the key itself").doesNotContain(secret);
            assertThat(cli("incident", "block-ip", "10.1.2.3/8", "--reason", "x", "--for", "1h", "--config", cfg).exit()).as("host bits").isEqualTo(2);
            assertThat(gw.store.responses().active(Instant.now())).isEmpty();
            assertThat(events(gw, "incident.switch")).isEmpty();
            assertThat(logs.all()).doesNotContain(secret);
        }
    }

    /** The admin API: an operator throws, lists and lifts; an org admin (or the old admin+incidents pair) cannot; with Redis the other node applies it at once. */
    @Test
    void theAdminApiIsForOperatorsAndWithRedisASwitchReachesTheOtherNodeAtOnce() throws Exception {
        try (RedisProcess redis = RedisProcess.start(false)) {
            Path dir = Files.createTempDirectory("bastion-incidents");
            String shared = "sqlite:" + dir.resolve("shared.db");
            // A long poll: a switch reaching node b within seconds can only be the broadcast.
            String extra = """
                    redis: { url: "%s" }
                    incidents: { poll_interval: 1h }
                    """.formatted(redis.url());
            try (TestGateway a = TestGateway.start(config(extra + "audit: { node: node-a }\n").replace("{{store}}", shared));
                 TestGateway b = TestGateway.start(config(extra + "audit: { node: node-b }\n").replace("{{store}}", shared))) {
                String operator = a.createKey("platform", "operator");
                String tenantAdmin = a.createKey("acme", "admin");
                String oldPair = a.createKey("platform", "admin", "incidents"); // the scope pair before the one role model: no longer enough
                String acme = a.createKey("acme", "invoke"), beta = a.createKey("beta", "invoke");
                String body = "{\"switch\":\"suspend_org\",\"target\":\"acme\",\"reason\":\"abusive tenant\",\"for\":\"1h\"}";

                refused(admin(a, "POST", "/admin/v1/incidents", tenantAdmin, body), 403, "scope_missing");
                refused(admin(a, "POST", "/admin/v1/incidents", oldPair, body), 403, "scope_missing");
                HttpResponse<String> bad = admin(a, "POST", "/admin/v1/incidents", operator,
                        "{\"switch\":\"block_key\",\"target\":\"" + acme + "\",\"reason\":\"x\",\"for\":\"1h\"}");
                refused(bad, 400, "request_invalid");
                assertThat(bad.body()).doesNotContain(acme);
                refused(admin(a, "POST", "/admin/v1/incidents", operator, "{\"switch\":\"suspend_org\",\"target\":\"acme\",\"reason\":\"x\"}"), 400,
                        "request_invalid");
                assertThat(a.store.responses().active(Instant.now())).isEmpty();

                HttpResponse<String> made = admin(a, "POST", "/admin/v1/incidents", operator, body);
                assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
                String id = new JsonObject(made.body()).getString("id");
                Eventually.until("node b suspends acme by broadcast", () -> get(b, "/api/x", acme, null).statusCode() == 403);
                refused(get(b, "/api/x", acme, null), 403, "org_suspended");
                assertThat(get(b, "/api/x", beta, null).statusCode()).isEqualTo(200);
                refused(get(a, "/api/x", acme, null), 403, "org_suspended");

                HttpResponse<String> list = admin(a, "GET", "/admin/v1/incidents", operator, null);
                assertThat(list.statusCode()).isEqualTo(200);
                JsonObject listed = new JsonObject(list.body()).getJsonArray("items").getJsonObject(0);
                assertThat(new JsonObject(list.body()).getValue("next_cursor")).isNull();
                assertThat(listed.getString("id")).isEqualTo(id);
                assertThat(listed.getString("reason")).isEqualTo("abusive tenant");
                refused(admin(a, "GET", "/admin/v1/incidents", tenantAdmin, null), 403, "scope_missing");
                refused(admin(a, "DELETE", "/admin/v1/incidents/" + id, tenantAdmin, null), 403, "scope_missing");

                assertThat(admin(b, "DELETE", "/admin/v1/incidents/" + id, operator, null).statusCode()).isEqualTo(200);
                Eventually.until("node a lifts by broadcast", () -> get(a, "/api/x", acme, null).statusCode() == 200);
                refused(admin(b, "DELETE", "/admin/v1/incidents/" + id, operator, null), 404, "not_found");

                AuditRow thrown = events(a, "incident.switch").getFirst();
                assertThat(thrown.actorKind()).isEqualTo("operator");
                assertThat(thrown.fields()).contains("\"via\":\"admin_api\"").contains("\"switch_id\":\"" + id + "\"");
                assertThat(thrown.actorOrg()).isEqualTo("platform");
                assertThat(thrown.requestId()).isEqualTo(made.headers().firstValue("X-Request-Id").orElseThrow());
                assertThat(events(a, "incident.lifted")).hasSize(1);
            }
        }
    }
}
