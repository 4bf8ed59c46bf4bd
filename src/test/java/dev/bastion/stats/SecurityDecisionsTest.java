package dev.bastion.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the security summary counts, read from the decisions the controls put on the access line: names, never values. */
class SecurityDecisionsTest {
    @Test
    void wafRulesGuardTypesAndBotActionsAreCountedByName() {
        Counts c = new Counts();
        SecurityDecisions.count(Map.of(
                "waf", Map.of("action", "block", "score", 10, "rules", List.of(942100, 941100), "targets", List.of("args:q")),
                "guard", Map.of("action", "redact", "entities", Map.of("EMAIL", 2, "PHONE", 1), "injection_signals", List.of("ignore_previous")),
                "guard_answer", Map.of("action", "block", "entities", Map.of("AWS_KEY", 1), "stopped", true),
                "bot", Map.of("action", "challenge", "score", 70)), c);
        assertThat(c.asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "waf:942100:block", 1L, "waf:941100:block", 1L,
                "guard:EMAIL:redact", 1L, "guard:PHONE:redact", 1L, "guard:injection:redact", 1L,
                "guard_answer:AWS_KEY:block", 1L,
                "bot:challenge", 1L));
        assertThat(c.encode()).as("no target, no score: names and counts").doesNotContain("args:q").doesNotContain("score");
    }

    @Test
    void anAllowedBotAndAnEmptyLineCountNothing() {
        Counts c = new Counts();
        SecurityDecisions.count(Map.of("bot", Map.of("action", "allow")), c);
        SecurityDecisions.count(Map.of(), c);
        SecurityDecisions.count(Map.of("guard", "not a decision"), c);
        assertThat(c.asMap()).isEmpty();
    }
}
