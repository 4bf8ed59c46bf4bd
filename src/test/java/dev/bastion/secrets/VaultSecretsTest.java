package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.HonouredKeys;
import dev.bastion.testing.TestGateway;
import dev.bastion.testing.VaultStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vault:} references against a Vault stand-in on loopback HTTPS (its own CA, {@code ca_file}): reads,
 * token and AppRole auth, renewal and re-login, Vault's error answers, and rotation through a running gateway.
 */
class VaultSecretsTest {
    static final String OLD = "sk-vault-old-aaaaaaaaaaaaaaaa";
    static final String NEW = "sk-vault-new-bbbbbbbbbbbbbbbb";
    static final String ROLE_SECRET = "approle-secret-id-3c1f9e0d7b";

    Vertx vertx;
    VaultStandIn vault;
    OutboundConnector connector;
    final List<String> audit = new CopyOnWriteArrayList<>();
    final List<SecretResolver> resolvers = new ArrayList<>();
    TestGateway gw;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        vault = new VaultStandIn(vertx, true);
        connector = new OutboundConnector(vertx, EgressPolicy.of(List.of("localhost"), List.of()), (e, f) -> audit.add(e + " " + f), new SimpleMeterRegistry());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gw != null) gw.close();
        resolvers.forEach(SecretResolver::close);
        connector.close();
        vault.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    SecretResolver resolver(SecretsConfig.VaultAuth auth, String namespace, Map<String, String> env) {
        SecretsConfig.Vault config = new SecretsConfig.Vault(URI.create(vault.address()), namespace, vault.caFile(), auth);
        SecretResolver base = new SecretResolver(env);
        VaultSource source = new VaultSource(vertx, connector, config, Duration.ofSeconds(5), base, Clock.systemUTC());
        SecretResolver r = base.withSources(Map.of(SecretRef.Kind.VAULT, source), Duration.ofSeconds(5));
        resolvers.add(r);
        return r;
    }

    SecretResolver tokenResolver(String token) {
        return resolver(new SecretsConfig.VaultAuth(SecretRef.parse("env:VAULT_TOKEN"), null), null, Map.of("VAULT_TOKEN", token));
    }

    SecretResolver approleResolver(String secretId) {
        return resolver(new SecretsConfig.VaultAuth(null, new SecretsConfig.AppRole("role-1", SecretRef.parse("env:ROLE_SECRET"), null)), null,
                Map.of("ROLE_SECRET", secretId));
    }

    @Test
    void readsAFieldOfTheLatestVersionOverTlsWithItsVersionAndDate() {
        vault.put("secret/prod/openai", Map.of("api_key", OLD, "value", "sk-other-field-cccccccccccc"));
        SecretResolver r = tokenResolver(vault.token(0, 0, false, null));
        SecretResolver.Resolved got = r.await(SecretRef.parse("vault:secret/data/prod/openai#api_key"), "upstreams.openai.api_key");
        assertThat(got.secret().reveal()).isEqualTo(OLD);
        assertThat(got.version()).isEqualTo("1");
        assertThat(got.changedAt()).isEqualTo(vault.versions("secret/prod/openai").getFirst().created());
        // without '#', the field "value"
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/prod/openai"), "x").reveal()).isEqualTo("sk-other-field-cccccccccccc");
        vault.put("secret/prod/openai", Map.of("api_key", NEW));
        assertThat(r.await(SecretRef.parse("vault:secret/data/prod/openai#api_key"), "x").version()).isEqualTo("2");
    }

    @Test
    void sendsTheNamespaceWhenConfigured() {
        vault.requireNamespace("team-a");
        vault.put("secret/k", Map.of("value", OLD));
        String token = vault.token(0, 0, false, null);
        SecretResolver with = resolver(new SecretsConfig.VaultAuth(SecretRef.parse("env:T"), null), "team-a", Map.of("T", token));
        assertThat(with.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        assertThatThrownBy(() -> tokenResolver(token).resolve(SecretRef.parse("vault:secret/data/k"), "x"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void missingSecretsMissingFieldsAndDeletedVersionsAreMissingNotDenied() {
        SecretResolver r = tokenResolver(vault.token(0, 0, false, null));
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:secret/data/nope#api_key"), "upstreams.a.api_key"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.MISSING))
                .hasMessageContaining("upstreams.a.api_key").hasMessageContaining("404");
        vault.put("secret/k", Map.of("api_key", OLD));
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:secret/data/k#other"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.MISSING))
                .hasMessageContaining("no text field 'other'").hasMessageNotContaining(OLD);
        vault.deleteLatest("secret/k");
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:secret/data/k#api_key"), "x")).hasMessageContaining("deleted (404)")
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.MISSING));
    }

    @Test
    void permissionDeniedIsAClearErrorWithoutTheToken() {
        vault.put("secret/team-b/openai", Map.of("value", OLD));
        String token = vault.token(0, 0, false, Set.of("secret/team-a/"));
        assertThatThrownBy(() -> tokenResolver(token).resolve(SecretRef.parse("vault:secret/data/team-b/openai"), "upstreams.b.api_key"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.DENIED))
                .hasMessageContaining("permission denied (403)").hasMessageNotContaining(token).hasMessageNotContaining(OLD);
    }

    @Test
    void aSealedVaultIsUnavailableAndServerErrorsAreRetried() {
        vault.put("secret/k", Map.of("value", OLD));
        SecretResolver r = tokenResolver(vault.token(0, 0, false, null));
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD); // the token is looked up
        vault.failNext(2, 502);
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        assertThat(vault.calls("GET /v1/secret/data/k")).isEqualTo(4);
        vault.failNext(1, 429);
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        vault.seal(true);
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:secret/data/k"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.UNAVAILABLE))
                .hasMessageContaining("sealed");
    }

    @Test
    void appRoleLogsInAndABadSecretIdIsRefusedWithoutEchoingIt() {
        vault.approle("role-1", ROLE_SECRET, 3600, 0, true, null);
        vault.put("secret/k", Map.of("value", OLD));
        assertThat(approleResolver(ROLE_SECRET).resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        assertThat(vault.calls("POST /v1/auth/approle/login")).isEqualTo(1);
        assertThatThrownBy(() -> approleResolver("wrong-secret-id-zzzzzzzz").resolve(SecretRef.parse("vault:secret/data/k"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.DENIED))
                .hasMessageContaining("invalid role_id or secret_id").hasMessageNotContaining("wrong-secret-id");
    }

    @Test
    void aTokenIsRenewedBeforeItsLeaseEndsAndALoginReplacesItAtItsMaxTtl() throws Exception {
        // lease 3s, renewed at 2s; the max TTL of 4s caps the renewal, so a new login follows
        try (LogCapture logs = LogCapture.capture()) {
            vault.approle("role-1", ROLE_SECRET, 3, 4, true, null);
            vault.put("secret/k", Map.of("value", OLD));
            SecretResolver r = approleResolver(ROLE_SECRET);
            assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
            Eventually.until("a renewal", () -> vault.calls("POST /v1/auth/token/renew-self") >= 1);
            Eventually.until("a second login at the max TTL", () -> vault.calls("POST /v1/auth/approle/login") >= 2);
            Thread.sleep(3500); // past the first token's max TTL: reads use the new one
            int logins = vault.calls("POST /v1/auth/approle/login");
            assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
            assertThat(vault.calls("POST /v1/auth/approle/login")).as("the read needed no extra login").isEqualTo(logins);
            assertThat(logs.all()).contains("Vault token reached its max TTL: logging in again");
            List<String> secrets = new ArrayList<>(vault.issuedTokens());
            secrets.addAll(List.of(ROLE_SECRET, OLD));
            for (String secret : secrets) {
                assertThat(logs.all()).doesNotContain(secret);
                assertThat(String.join("\n", logs.rendered())).doesNotContain(secret);
            }
            assertThat(audit).allSatisfy(a -> secrets.forEach(x -> assertThat(a).doesNotContain(x)));
        }
    }

    @Test
    void aStaticTokensTtlIsLookedUpAndItIsRenewed() throws Exception {
        vault.put("secret/k", Map.of("value", OLD));
        SecretResolver r = tokenResolver(vault.token(3, 0, true, null));
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        assertThat(vault.calls("GET /v1/auth/token/lookup-self")).isEqualTo(1);
        Eventually.until("two renewals", () -> vault.calls("POST /v1/auth/token/renew-self") >= 2);
        Thread.sleep(1200);
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).as("the token is alive past its first lease").isEqualTo(OLD);
    }

    @Test
    void anExpiredOrRevokedAppRoleTokenIsReplacedByANewLogin() {
        vault.approle("role-1", ROLE_SECRET, 3600, 0, false, null);
        vault.put("secret/k", Map.of("value", OLD));
        SecretResolver r = approleResolver(ROLE_SECRET);
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        vault.issuedTokens().forEach(vault::revoke);
        assertThat(r.resolve(SecretRef.parse("vault:secret/data/k"), "x").reveal()).isEqualTo(OLD);
        assertThat(vault.calls("POST /v1/auth/approle/login")).isEqualTo(2);
    }

    @Test
    void aVaultAddressTheEgressPolicyRefusesIsNeverContacted() {
        OutboundConnector strict = new OutboundConnector(vertx, EgressPolicy.of(List.of(), List.of()), (e, f) -> {}, new SimpleMeterRegistry());
        try {
            SecretsConfig.Vault config = new SecretsConfig.Vault(URI.create(vault.address()), null, vault.caFile(),
                    new SecretsConfig.VaultAuth(SecretRef.parse("env:T"), null));
            SecretResolver base = new SecretResolver(Map.of("T", vault.token(0, 0, false, null)));
            SecretResolver r = base.withSources(Map.of(SecretRef.Kind.VAULT, new VaultSource(vertx, strict, config, Duration.ofSeconds(5), base, Clock.systemUTC())),
                    Duration.ofSeconds(5));
            assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:secret/data/k"), "x")).hasMessageContaining("egress_denied: loopback");
            assertThat(vault.callsStartingWith("")).isZero();
        } finally {
            strict.close();
        }
    }

    // ---- through a running gateway ----

    HonouredKeys provider;
    String clientKey;
    String token;

    void startGateway() throws Exception {
        token = vault.token(0, 0, false, null);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                secrets:
                  remote_poll_interval: 150ms
                  vault:
                    address: "%s"
                    ca_file: "%s"
                    auth: { token: env:VAULT_TOKEN }
                upstreams:
                  app:
                    url: "{{upstream}}"
                    api_key: "vault:secret/data/prod/openai#api_key"
                routes:
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    strip_prefix: /app
                    auth: { methods: [api_key] }
                """.formatted(vault.address(), vault.caFile()), 1, Map.of("VAULT_TOKEN", token));
        clientKey = gw.createKey("acme", "invoke");
        provider = new HonouredKeys(gw.upstream, OLD);
    }

    @Test
    void aNewVersionInVaultRotatesTheKeyUnderLoadWithoutAFailedRequestAndNoLogHoldsASecret() throws Exception {
        vault.put("secret/prod/openai", Map.of("api_key", OLD));
        try (LogCapture logs = LogCapture.capture()) {
            startGateway();
            provider.rotateUnderLoad(gw, "/app/x", clientKey, OLD, NEW, () -> vault.put("secret/prod/openai", Map.of("api_key", NEW)));
            assertThat(logs.all()).contains("secret upstreams.app.api_key rotated (vault version 2)");
            assertThat(logs.all()).contains("secret_rotated");
            for (String secret : List.of(OLD, NEW, token, clientKey)) {
                assertThat(logs.all()).doesNotContain(secret);
                assertThat(String.join("\n", logs.rendered())).doesNotContain(secret);
                assertThat(String.join("\n", gw.accessLines())).doesNotContain(secret);
            }
        }
        assertThat(metrics()).contains("bastion_secret_rotations_total{ref=\"upstreams.app.api_key\"} 1.0");
    }

    @Test
    void aSealedVaultKeepsTheLastGoodKeyLogsOnceAndCounts() throws Exception {
        vault.put("secret/prod/openai", Map.of("api_key", OLD));
        startGateway();
        try (LogCapture logs = LogCapture.capture()) {
            vault.seal(true);
            Eventually.until("failed re-reads are counted", () -> reloadFailures() >= 3);
            HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(provider.last()).isEqualTo(OLD);
            List<String> warnings = logs.lines().stream().filter(l -> l.contains("keeping the last good value")).toList();
            assertThat(warnings).as("one line per outage").hasSize(1);
            assertThat(warnings.getFirst()).contains("upstreams.app.api_key").contains("sealed");
            provider.honour(NEW);
            vault.put("secret/prod/openai", Map.of("api_key", NEW));
            vault.seal(false);
            Eventually.until("the key rotates once Vault is unsealed", () -> {
                gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
                return provider.last().equals(NEW);
            });
            assertThat(logs.all()).contains("secret upstreams.app.api_key readable again").doesNotContain(OLD).doesNotContain(NEW).doesNotContain(token);
        }
    }

    @Test
    void aMissingVaultSecretStopsTheStartNamingThePlace() {
        assertThatThrownBy(this::startGateway).hasMessageContaining("upstreams.app.api_key").hasMessageContaining("404");
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
