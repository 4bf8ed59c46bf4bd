package dev.bastion.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budget meters exist from the start for every rule, count settled usage, alerts and refusals, and never carry a subject. */
class BudgetEventsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> audited = new ArrayList<>();
    private final BudgetEvents events = new BudgetEvents((event, fields) -> audited.add(event), registry, List.of(1.0, 0.8), List.of("daily", "monthly"));

    private static Account account(String rule) {
        Instant start = Instant.parse("2026-12-06T00:00:00Z");
        return new Account(rule, "key:alice", "acme", start, start.plusSeconds(86_400), 1_000, -1);
    }

    @Test
    void everyRulesMetersAreThereBeforeAnyTraffic() {
        for (String rule : List.of("daily", "monthly")) {
            assertThat(registry.get("bastion.budget.tokens").tag("rule", rule).counter().count()).isZero();
            assertThat(registry.get("bastion.budget.cost_micros").tag("rule", rule).counter().count()).isZero();
            assertThat(registry.get("bastion.budget.refused").tag("rule", rule).counter().count()).isZero();
            assertThat(registry.get("bastion.budget.alerts").tag("rule", rule).counters()).hasSize(2);
        }
    }

    @Test
    void settlementsCountTokensAndCostAndEachThresholdOnce() {
        events.settled(List.of(new Ledger.Settled(account("daily"), new Amount(700, 10), new Amount(850, 25))));
        events.settled(List.of(new Ledger.Settled(account("daily"), new Amount(850, 25), new Amount(900, 30))));
        assertThat(registry.get("bastion.budget.tokens").tag("rule", "daily").counter().count()).isEqualTo(200);
        assertThat(registry.get("bastion.budget.cost_micros").tag("rule", "daily").counter().count()).isEqualTo(20);
        assertThat(registry.get("bastion.budget.alerts").tag("rule", "daily").tag("threshold", "0.8").counter().count()).isEqualTo(1);
        assertThat(registry.get("bastion.budget.alerts").tag("rule", "daily").tag("threshold", "1.0").counter().count()).isZero();
        assertThat(registry.get("bastion.budget.tokens").tag("rule", "monthly").counter().count()).isZero();
        assertThat(audited).containsExactly("budget.threshold");
    }

    @Test
    void refusalsCountPerRuleAndTheFirstIsAudited() {
        events.refused(account("monthly"), true);
        events.refused(account("monthly"), false);
        assertThat(registry.get("bastion.budget.refused").tag("rule", "monthly").counter().count()).isEqualTo(2);
        assertThat(audited).containsExactly("budget.exhausted");
    }

    @Test
    void aRuleOnlyAReplayNamesGetsItsMetersOnce() {
        events.settled(List.of(new Ledger.Settled(account("removed"), new Amount(0, 0), new Amount(5, 0))));
        events.settled(List.of(new Ledger.Settled(account("removed"), new Amount(5, 0), new Amount(9, 0))));
        assertThat(registry.get("bastion.budget.tokens").tag("rule", "removed").counter().count()).isEqualTo(9);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("alice").doesNotContain("acme"));
    }
}
