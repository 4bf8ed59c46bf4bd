package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.OtlpReceiver;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the trail used to miss (issue 18): the trace id of the request an event happened on (tracing on, a real
 * OTLP receiver), a user made on first sight of its token, and a tenant admin reading its org's credentials.
 */
class AuditGapsTest {
    static Vertx idpVertx;
    static FakeIdp idp;
    static OtlpReceiver otlp;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        otlp = new OtlpReceiver();
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - { name: main, issuer: "IDP", jwks_uri: "IDP/keys", audiences: [bastion-api] }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [jwt, api_key] } }
                waf:
                  rules: { mode: block }
                observability:
                  tracing: { enabled: true, endpoint: "OTLP" }
                """.replace("IDP", idp.issuer()).replace("OTLP", otlp.endpoint()));
        gw.store.orgs().ensure("acme");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        otlp.close();
        idp.close();
        idpVertx.close();
    }

    static List<AuditRow> events(String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 100, false, false);
    }

    static AuditRow byRequest(String type, String requestId) throws Exception {
        AuditRow[] found = new AuditRow[1];
        Eventually.until(type + " of " + requestId, () -> {
            for (AuditRow r : events(type)) if (requestId.equals(r.requestId())) found[0] = r;
            return found[0] != null;
        });
        return found[0];
    }

    @Test
    void anAuthenticationFailureAndAWafBlockCarryTheRequestsTraceId() throws Exception {
        HttpResponse<String> refused = gw.get("/app/x", "bst_" + "live_not_a_real_key_000000000000");
        assertThat(refused.statusCode()).isEqualTo(401);
        String rid = refused.headers().firstValue("X-Request-Id").orElseThrow();
        String traceId = new JsonObject(gw.accessLine(rid)).getString("trace_id");
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(byRequest("auth.failure", rid).traceId()).isEqualTo(traceId);

        String key = gw.createKey("acme", "invoke");
        HttpResponse<String> attack = gw.get("/app/x?q=" + URLEncoder.encode("1' OR '1'='1", StandardCharsets.UTF_8), key);
        assertThat(attack.statusCode()).isEqualTo(403);
        String wafRid = attack.headers().firstValue("X-Request-Id").orElseThrow();
        String wafTrace = new JsonObject(gw.accessLine(wafRid)).getString("trace_id");
        assertThat(byRequest("waf.block", wafRid).traceId()).isEqualTo(wafTrace).isNotEqualTo(traceId);
    }

    @Test
    void aUserSeenForTheFirstTimeIsRecordedOnceByIdNeverByWhatTheProviderCallsIt() throws Exception {
        String subject = "alice.first-sight@example.com";
        String token = idp.sign(idp.rsa, idp.claims(subject, "bastion-api", "acme").build());
        assertThat(gw.get("/app/x", token).statusCode()).isEqualTo(200);
        assertThat(gw.get("/app/y", token).statusCode()).isEqualTo(200);
        String userId = gw.store.users().findByExternal(idp.issuer(), subject).orElseThrow().id();
        Eventually.until("user.created", () -> events("user.created").stream().anyMatch(r -> userId.equals(r.target())));
        assertThat(events("user.created").stream().filter(r -> userId.equals(r.target()))).hasSize(1);
        for (AuditRow r : gw.store.audit().search(AuditRepository.Filter.ALL, 1000, false, false)) {
            assertThat(r.toString()).doesNotContain(subject).doesNotContain(token);
        }
    }

    @Test
    void aTenantAdminListingItsKeysIsRecordedWithoutTheList() throws Exception {
        String admin = gw.createKey("acme", "admin");
        HttpResponse<String> list = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/keys")).header("Authorization", "Bearer " + admin).GET().build());
        assertThat(list.statusCode()).isEqualTo(200);
        String rid = list.headers().firstValue("X-Request-Id").orElseThrow();
        AuditRow read = byRequest("admin.read", rid);
        assertThat(read.target()).isEqualTo("keys");
        assertThat(read.actorOrg()).isEqualTo("acme");
        assertThat(read.fields()).contains("\"count\":");
        assertThat(read.toString()).doesNotContain(admin);
    }
}
