package dev.bastion.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void fieldsCannotForgeExtraLogLinesOrJsonFields() {
        Exchange ex = Exchange.builder().requestId("id-12345678").path("/a\"},\"status\":200,\"x\":\"\n{\"forged\":true}\u2028").build();
        ex.status(404);
        String line = AccessLog.line(ex, ex.startNanos() + 1_500_000);
        assertThat(line).doesNotContain("\n").doesNotContain("\u2028");
        JsonObject parsed = new JsonObject(line);
        assertThat(parsed.getInteger("status")).isEqualTo(404);
        assertThat(parsed.getString("path")).startsWith("/a\"}");
        assertThat(parsed.getValue("latency_ms")).isEqualTo(1.5);
        assertThat(parsed.getValue("upstream_ms")).isNull();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"2026-12-06T09:55:42.026092Z", "1999-12-31T23:59:59.999999Z",
            "2026-01-01T00:00:00Z", "2026-06-30T12:00:00.000001Z"})
    void timestampsAreIsoUtcWithMicroseconds(String iso) {
        java.time.Instant t = java.time.Instant.parse(iso);
        String written = Timestamps.append(new StringBuilder(), t).toString();
        assertThat(java.time.Instant.parse(written)).isEqualTo(t);
        assertThat(written).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
        // The cached second of one call must not leak into the next second's text.
        java.time.Instant next = t.plusSeconds(1);
        assertThat(java.time.Instant.parse(Timestamps.append(new StringBuilder(), next).toString())).isEqualTo(next);
    }
}
