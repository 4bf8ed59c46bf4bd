package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-tool settings of {@code mcp:} (guard, limits, approval) as loaded from YAML: typed 1:1, refused at load with the key named. */
class McpToolSettingsConfigTest {
    static BastionConfig parse(String mcpExtra) {
        return new ConfigLoader().parse(McpConfigTest.config(McpConfigTest.ROUTE + mcpExtra.indent(4)), "t.yaml");
    }

    @Test
    void theDefaultsGuardArgumentsAndResultsWithTheDefaultPolicyAndNothingElse() {
        McpConfig m = parse("").routes().getFirst().mcp();
        assertThat(m.guard()).isEqualTo(new McpConfig.Guard("default", true, true));
        assertThat(m.guard().off()).isFalse();
        assertThat(m.limits()).isEmpty();
        assertThat(m.approval()).isNull();
    }

    @Test
    void limitsAndApprovalLoadTyped() {
        McpConfig m = parse("""
                guard: { policy: "off" }
                limits:
                  - { tools: ["search__*"], per: user, rate: 10/1m, quota: 1000/1d }
                approval: { tools: [files__delete], timeout: 30s }
                """).routes().getFirst().mcp();
        assertThat(m.guard().off()).isTrue();
        // written bare, YAML 1.1 reads off as false: it still means off
        assertThat(parse("guard: { policy: off }\npinning: { mode: off }").routes().getFirst().mcp())
                .satisfies(bare -> assertThat(bare.guard().off()).isTrue())
                .satisfies(bare -> assertThat(bare.pinning().mode()).isEqualTo(McpConfig.PinMode.OFF));
        McpConfig.ToolLimit l = m.limits().getFirst();
        assertThat(l.per()).isEqualTo(RouteConfig.LimitKey.USER);
        assertThat(l.rate()).isEqualTo(new Rate(10, Duration.ofMinutes(1)));
        assertThat(l.quota()).isEqualTo(new Rate(1000, Duration.ofDays(1)));
        assertThat(l.covers("search__lookup")).isTrue();
        assertThat(l.covers("files__lookup")).isFalse();
        assertThat(m.approval().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.approval().pending()).isEqualTo(100);
        assertThat(m.approval().pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.approval().covers("files__delete")).isTrue();
        assertThat(m.approval().covers("files__delete2")).as("no wildcard, no prefix match").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            limits: [{ tools: [a], per: ip, rate: 1/1m }]                       | limits.per: 'ip'
            limits: [{ tools: [a], per: route, rate: 1/1m }]                    | limits.per: 'route'
            limits: [{ tools: [a], per: user }]                                 | give a rate
            limits: [{ tools: [], per: user, rate: 1/1m }]                      | limits.tools: missing
            limits: [{ tools: [a], per: user, rate: 1/1m, name: x }, { tools: [b], per: org, rate: 1/1m, name: x }] | named 'x'
            approval: { tools: [a], timeout: 16m }                              | approval.timeout: 960s
            approval: { tools: [a], timeout: 0s }                               | approval.timeout
            approval: { tools: [a], pending: 0 }                                | approval.pending: 0
            approval: { tools: [a], poll_interval: 10ms }                       | approval.poll_interval: 10ms
            approval: { tools: [a], poll_interval: 2m }                         | approval.poll_interval: 120000ms
            approval: { timeout: 1m }                                           | approval.tools: missing
            guard: { policy: strict }                                           | mcp.guard.policy: unknown policy 'strict'
            """)
    void unsafeOrUnworkableSettingsAreRefusedAtLoad(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining(message);
    }

    @Test
    void wildcardsMatchAnyRunOfCharacters() {
        assertThat(McpConfig.matches("*", "x")).isTrue();
        assertThat(McpConfig.matches("a*c", "abbbc")).isTrue();
        assertThat(McpConfig.matches("a*c", "abcd")).isFalse();
        assertThat(McpConfig.matches("a*b*a", "aba")).isTrue();
        assertThat(McpConfig.matches("ab*ba", "aba")).as("the two ends may not overlap").isFalse();
        assertThat(McpConfig.matches("search__*", List.of("search__").getFirst())).isTrue();
    }
}
