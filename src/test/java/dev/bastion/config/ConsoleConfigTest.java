package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@code console:}: defaults, and each broken setting refused at load with a message naming the key. */
class ConsoleConfigTest {
    private static final String BASE = """
            store: { url: "sqlite:/tmp/console-config-test.db" }
            upstreams: { app: { url: "https://api.example.com" } }
            routes:
              - { id: r, match: { methods: [GET], path: /v1/* }, upstream: app, public: true }
            """;
    private static final String OIDC = "console: { oidc: { issuer: \"https://idp.example.com\", client_id: c, client_secret: %s, %s } }\n";

    private static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "console-test.yaml");
    }

    @Test
    void theDefaultsServeTheConsoleOnTheAdminListenersOrigin() throws Exception {
        ConsoleConfig c = parse(BASE).console();
        assertThat(c.enabled()).isTrue();
        assertThat(c.oidc()).isNull();
        assertThat(c.session().idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.session().maxAge()).isEqualTo(Duration.ofHours(8));
        assertThat(c.bootstrap().ttl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.origin(new AdminListenerConfig(null, null, null, null), 9090)).isEqualTo("http://127.0.0.1:9090");
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("bastion-console", ".pem"); // with its own TLS, the admin listener's origin is https
        assertThat(c.origin(new AdminListenerConfig(null, null, null, null, new TlsConfig(pem, pem)), 9090)).isEqualTo("https://127.0.0.1:9090");
        assertThat(parse(BASE + "console: { public_url: \"https://console.example.com/\" }\n").console().origin(null, 0)).isEqualTo("https://console.example.com");
        ConsoleConfig.Oidc oidc = parse(BASE + OIDC.formatted("env:SECRET", "roles: { claim: groups, operator: [ops] }")).console().oidc();
        assertThat(oidc.scopes()).containsExactly("openid", "profile", "email");
        assertThat(oidc.orgClaim()).isEqualTo("org_id");
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("public_url with a path", "console: { public_url: \"https://c.example.com/console\" }\n", "public_url"),
                Arguments.of("public_url not http", "console: { public_url: \"ftp://c.example.com\" }\n", "public_url"),
                Arguments.of("idle_timeout too short", "console: { session: { idle_timeout: 10s } }\n", "idle_timeout"),
                Arguments.of("max_age below idle_timeout", "console: { session: { idle_timeout: 1h, max_age: 30m } }\n", "max_age"),
                Arguments.of("bootstrap ttl too long", "console: { bootstrap: { ttl: 2d } }\n", "ttl"),
                Arguments.of("a literal client secret", OIDC.formatted("hunter2-literal", "roles: { claim: groups, operator: [ops] }"), "client_secret"),
                Arguments.of("no openid scope", OIDC.formatted("env:S", "scopes: [profile], roles: { claim: groups, operator: [ops] }"), "scopes"),
                Arguments.of("no role values", OIDC.formatted("env:S", "roles: { claim: groups }"), "operator, org_admin"),
                Arguments.of("no roles", OIDC.formatted("env:S", "org_claim: org"), "roles"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void aBrokenSettingIsRefusedAtLoad(String name, String yaml, String key) {
        assertThatThrownBy(() -> parse(BASE + yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageNotContaining("hunter2");
    }
}
