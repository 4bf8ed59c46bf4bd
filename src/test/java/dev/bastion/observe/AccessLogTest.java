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
}
