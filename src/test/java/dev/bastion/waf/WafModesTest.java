package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.Scaling;
import dev.bastion.testing.TestGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Detect mode passes traffic and records it, off inspects nothing; the numeric and length operators;
 * and a large benign JSON body costs time linear in its size.
 */
class WafModesTest {
    static final String ATTACK = "/api/x?q=" + URLEncoder.encode("1 UNION SELECT password FROM users", StandardCharsets.UTF_8);

    static String config(String mode) {
        return TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
                """) + "limits: { per_ip: off }\nwaf:\n  rules: { mode: " + mode + " }\n";
    }

    @Test
    void detectModePassesTheAttackAndRecordsWhatWouldHaveBeenRefused() throws Exception {
        try (TestGateway gw = TestGateway.start(config("detect")); LogCapture logs = LogCapture.capture()) {
            String key = gw.createKey("acme", "invoke");
            int before = gw.upstream.seen().size();
            assertThat(gw.get(ATTACK, key).statusCode()).isEqualTo(200);
            assertThat(gw.upstream.seen()).hasSize(before + 1);
            Thread.sleep(100);
            assertThat(gw.accessLines().getLast()).contains("\"waf\":{\"action\":\"detect\"").contains("942100").doesNotContain("UNION");
            assertThat(logs.all()).doesNotContain("waf.block");
            String metrics = gw.send(java.net.http.HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
            assertThat(metrics).containsPattern("bastion_waf_rule_matches_total\\{action=\"detect\",rule=\"942100\"\\} 1\\.0");
        }
    }

    @Test
    void offInspectsNothing() throws Exception {
        try (TestGateway gw = TestGateway.start(config("off"))) {
            String key = gw.createKey("acme", "invoke");
            assertThat(gw.get(ATTACK, key).statusCode()).isEqualTo(200);
            Thread.sleep(100);
            assertThat(gw.accessLines().getLast()).doesNotContain("\"waf\"");
        }
    }

    @Test
    void aModeThatIsNoneOfThemIsAConfigError() {
        assertThatThrownBy(() -> TestGateway.start(config("sometimes"))).hasMessageContaining("off, detect or block");
    }

    @Test
    void numericAndLengthOperators() throws Exception {
        RuleSet set = RuleSet.of("""
                rules:
                  - { id: 1, targets: ["args:seats"], greater_than: 100 }
                  - { id: 2, targets: ["headers:x-note"], longer_than: 5 }
                """);
        Inspector in = new Inspector(set, 1);
        for (var c : List.of(Map.entry("seats=101", 5), Map.entry("seats=100", 0), Map.entry("seats=+250", 5), Map.entry("seats=-7", 0),
                Map.entry("seats=99999999999999999999999", 5), Map.entry("seats=1e9", 0), Map.entry("seats=ten", 0))) {
            RequestTargets t = RequestTargets.of("GET", "/", c.getKey(), List.of(), null, null, x -> Set.of());
            assertThat(in.inspect(t, List.of()).score()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(in.inspect(RequestTargets.of("GET", "/", null, List.of(Map.entry("X-Note", "123456")), null, null, x -> Set.of()), List.of()).score()).isEqualTo(5);
        assertThat(in.inspect(RequestTargets.of("GET", "/", null, List.of(Map.entry("X-Note", "12345")), null, null, x -> Set.of()), List.of()).score()).isZero();
        assertThatThrownBy(() -> RuleSet.of("rules: [{ id: 3, targets: [path], longer_than: -1 }]")).hasMessageContaining("longer_than: '-1'");
        assertThatThrownBy(() -> RuleSet.of("rules: [{ id: 4, targets: [path], longer_than: 5, rx: a }]")).hasMessageContaining("exactly one operator");
    }

    /** Eight times the messages, not much more than eight times the time (quadratic would be 64×). */
    @Test
    void aLargeBenignJsonBodyCostsLinearTime() {
        Inspector in = new Inspector(RuleSet.load(List.of()), 1);
        String paragraph = "Our service returns intermittent 502 errors from the load balancer during deploys; what should we check first? ";
        assertThat(inspect(in, json(paragraph, 4_000))).as("benign").isZero();
        Scaling.assertLinear("chat messages", 500, n -> json(paragraph, n), body -> inspect(in, body));
    }

    static byte[] json(String paragraph, int messages) {
        StringBuilder b = new StringBuilder("{\"model\":\"gpt-4o\",\"messages\":[");
        for (int i = 0; i < messages; i++) b.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"").append(paragraph).append(i).append("\"}");
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The anomaly score of a chat body. */
    static int inspect(Inspector in, byte[] body) {
        RequestTargets t = RequestTargets.of("POST", "/v1/chat/completions", null, List.of(), "application/json", body, x -> Set.of());
        return in.inspect(t, List.of()).score();
    }
}
