package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * W6 through a gateway: a burst of attacks gets every 403, but only the configured number of
 * {@code waf.block} records a second; the next record says how many went unrecorded, the counter counts
 * them, and no record holds the payload.
 */
class BlockedRequestLogTest {
    @Test
    void aBurstOfAttacksIsRefusedWhole() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
                """) + """
                limits: { per_ip: off }
                waf:
                  rules: { mode: block, blocked_log_per_second: 3 }
                """); LogCapture logs = LogCapture.capture()) {
            String key = gw.createKey("acme", "invoke");
            String attack = "/api/x?q=" + URLEncoder.encode("1 UNION SELECT password FROM users", StandardCharsets.UTF_8);
            for (int i = 0; i < 40; i++) assertThat(gw.get(attack, key).statusCode()).isEqualTo(403);
            long records = logs.lines().stream().filter(l -> l.contains("waf.block")).count();
            // 3 at once, and at most one more per third of a second while the burst lasted.
            assertThat(records).isBetween(3L, 3L + 40 / 3);
            assertThat(gw.accessLines().stream().filter(l -> l.contains("\"action\":\"block\"")).count()).as("every refusal has its access line").isEqualTo(40);
            Thread.sleep(1100);
            assertThat(gw.get(attack, key).statusCode()).isEqualTo(403);
            String last = logs.lines().stream().filter(l -> l.contains("waf.block")).reduce((a, b) -> b).orElseThrow();
            assertThat(last).contains("unrecorded_before").doesNotContain("UNION", "password");
            String metrics = gw.send(java.net.http.HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
            assertThat(metrics).containsPattern("bastion_waf_blocks_unrecorded_total(\\{[^}]*\\})? " + (40 - records) + "\\.0");
        }
    }
}
