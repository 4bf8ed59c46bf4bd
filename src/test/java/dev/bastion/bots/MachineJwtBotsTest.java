package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.IssuerConfig;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity-provider tokens that their issuer marks as a machine's ({@code identity.issuers[].machine}) are never
 * scored, like API keys; a person's token from the same issuer, and a machine-looking token from an issuer without
 * the rule, are. Real tokens signed by a fake IdP whose keys the gateway fetches over loopback.
 */
class MachineJwtBotsTest {
    private static final String PYTHON = "python-requests/2.32.3";
    static Vertx idpVertx;
    static FakeIdp machines, people;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        machines = new FakeIdp(idpVertx);
        people = new FakeIdp(idpVertx);
        gw = TestGateway.start("""
                identity:
                  issuers:
                    - { name: auth0, issuer: "MACHINES", jwks_uri: "MACHINES/keys", audiences: [api], machine: { claim: gty, values: [client-credentials] } }
                    - { name: people, issuer: "PEOPLE", jwks_uri: "PEOPLE/keys", audiences: [api] }
                """.replace("MACHINES", machines.issuer()).replace("PEOPLE", people.issuer()) + TestGateway.config("""
                  - id: api
                    match: { methods: [GET], path: /api/* }
                    upstream: app
                    auth: { methods: [jwt] }
                    bots: { mode: block }
                """));
        gw.store.orgs().ensure("acme");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        machines.close();
        people.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> call(String token) throws Exception {
        return gw.send(gw.request("/api/x").header("User-Agent", PYTHON).header("Authorization", "Bearer " + token).build());
    }

    private static String line(HttpResponse<?> r) throws InterruptedException {
        return gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aClientCredentialsTokenIsAMachineAndNeverScored() throws Exception {
        String token = machines.sign(machines.rsa, machines.claims("svc@clients", "api", "acme").claim("gty", "client-credentials").build());
        HttpResponse<String> r = call(token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(line(r)).doesNotContain("\"bot\"");
        // the claim as a list holding the value counts too
        String listed = machines.sign(machines.ec, machines.claims("svc2@clients", "api", "acme").claim("gty", List.of("client-credentials")).build());
        assertThat(call(listed).statusCode()).isEqualTo(200);
    }

    @Test
    void aPersonsTokenFromTheSameIssuerIsScored() throws Exception {
        String password = machines.sign(machines.rsa, machines.claims("ann", "api", "acme").claim("gty", "password").build());
        HttpResponse<String> r = call(password);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":\"bot_blocked\"");
        assertThat(line(r)).contains("\"signals\":[\"ua_automation\"]");
        String none = machines.sign(machines.rsa, machines.claims("bob", "api", "acme").build());
        assertThat(call(none).statusCode()).isEqualTo(403);
    }

    @Test
    void theMarkCountsOnlyFromAnIssuerWhoseRuleSaysSo() throws Exception {
        // the attack: a token from another issuer wearing the machine claim — its issuer has no machine rule
        String token = people.sign(people.rsa, people.claims("mallory", "api", "acme").claim("gty", "client-credentials").build());
        HttpResponse<String> r = call(token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("bot_blocked");
    }

    @Test
    void aMachineRuleNeedsAClaimAndValues() {
        assertThatThrownBy(() -> new IssuerConfig.Machine(null, List.of("x"))).hasMessageContaining("machine.claim");
        assertThatThrownBy(() -> new IssuerConfig.Machine("gty", List.of())).hasMessageContaining("machine.values");
        assertThatThrownBy(() -> new IssuerConfig.Machine("gty", null)).hasMessageContaining("machine.values");
    }
}
