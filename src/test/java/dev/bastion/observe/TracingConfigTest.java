package dev.bastion.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.SecretPlaces;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code observability.tracing} as YAML, and the access line's trace, user and operation fields. */
class TracingConfigTest {
    static final String ROUTES = dev.bastion.testing.TestGateway.config("""
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: app
                auth: { methods: [api_key] }
            """).replace("{{store}}", "sqlite:/tmp/x.db").replace("{{upstream}}", "http://127.0.0.1:9");
    static final String BASE = ROUTES + "observability:\n  tracing:\n";

    private static BastionConfig parse(String tracing) {
        return new ConfigLoader().parse(BASE + tracing.indent(4), "t.yaml");
    }

    @Test
    void offByDefaultWithDefaults() {
        BastionConfig c = new ConfigLoader().parse(ROUTES, "t.yaml");
        var t = c.observability().tracing();
        assertThat(t.enabled()).isFalse();
        assertThat(t.sampleRatio()).isEqualTo(1.0);
        assertThat(t.serviceName()).isEqualTo("bastion");
        assertThat(t.maxQueue()).isEqualTo(2048);
        assertThat(t.exportTimeout()).hasSeconds(10);
        assertThat(Tracing.create(t, java.util.Map::of)).isSameAs(Tracing.OFF);
    }

    @Test
    void everyKeyMapsAndSecretHeadersAreSecretPlaces() {
        BastionConfig c = parse("""
                enabled: true
                endpoint: http://collector:4318/v1/traces
                sample_ratio: 0.25
                service_name: edge
                headers: { Authorization: "env:OTEL_TOKEN", X-Scope: tenant-a }
                max_queue: 100
                export_timeout: 2s
                trusted_callers: [10.0.0.0/8]
                """);
        var t = c.observability().tracing();
        assertThat(t.endpoint().toString()).isEqualTo("http://collector:4318/v1/traces");
        assertThat(t.sampleRatio()).isEqualTo(0.25);
        assertThat(t.maxQueue()).isEqualTo(100);
        assertThat(t.secretHeaders()).containsOnlyKeys("Authorization");
        assertThat(SecretPlaces.of(c)).containsKey("observability.tracing.headers.Authorization");
    }

    @Test
    void refusesWhatCannotWorkOrWouldLeak() {
        assertThatThrownBy(() -> parse("enabled: true\n")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> parse("enabled: true\nendpoint: ftp://x/v1/traces\n")).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> parse("enabled: true\nendpoint: http://u:p@x/v1/traces\n")).hasMessageContaining("user info");
        assertThatThrownBy(() -> parse("sample_ratio: 1.5\n")).hasMessageContaining("sample_ratio");
        assertThatThrownBy(() -> parse("max_queue: 0\n")).hasMessageContaining("max_queue");
        assertThatThrownBy(() -> parse("trusted_callers: [not-a-cidr]\n")).hasMessageContaining("trusted_callers");
        assertThatThrownBy(() -> parse("headers: { Authorization: Bearer literal-token-123 }\n"))
                .hasMessageContaining("secret reference").message().doesNotContain("literal-token-123");
        assertThatThrownBy(() -> parse("headers: { X-Api-Key: abc }\n")).hasMessageContaining("secret reference");
        assertThatThrownBy(() -> parse("unknown_key: 1\n")).hasMessageContaining("unknown_key");
    }

    @Test
    void theAccessLineCarriesTraceUserAndOperation() {
        Exchange ex = Exchange.builder().requestId("id-12345678").identity(new Identity("sub-1", "acme", Set.of(), Set.of(), "bastion_token",
                null, "bastion", "usr_abc", null, "jti")).build();
        ex.traceId("4bf92f3577b34da6a3ce929d0e0e4736");
        ex.operation("chat");
        ex.status(200);
        JsonObject line = new JsonObject(AccessLog.line(ex, ex.startNanos()));
        assertThat(line.getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line.getString("user_id")).isEqualTo("usr_abc");
        assertThat(line.getString("operation")).isEqualTo("chat");
        JsonObject bare = new JsonObject(AccessLog.line(Exchange.builder().build(), 0));
        assertThat(bare.fieldNames()).contains("trace_id", "user_id", "operation");
        assertThat(bare.getString("trace_id")).isNull();
    }
}
