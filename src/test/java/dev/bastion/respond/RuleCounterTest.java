package dev.bastion.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.ConfigLoader;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ResponsesConfig;
import dev.bastion.config.ResponsesConfig.Action;
import dev.bastion.config.ResponsesConfig.By;
import dev.bastion.config.ResponsesConfig.On;
import dev.bastion.config.ResponsesConfig.Rule;
import dev.bastion.respond.RuleCounter.Outcome;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The counting of automatic-response rules in this process, and the rules' config. */
class RuleCounterTest {
    static final Rule FIVE_A_MINUTE = new Rule("brute", On.AUTH_FAILURE, By.IP, 5, Duration.ofMinutes(1), Action.BLOCK_IP, Duration.ofMinutes(15));

    @Test
    void theCountThHitWithinTheWindowFiresOnceAndTheSubjectIsNotCountedForTheActionsDuration() {
        RuleCounter c = new RuleCounter(null);
        long t = 60_000 * 1000L;
        for (int i = 0; i < 4; i++) assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + i)).isEqualTo(Outcome.COUNTED);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + 4)).isEqualTo(Outcome.FIRE);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + 5)).isEqualTo(Outcome.ALREADY_FIRED);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.2", t + 5)).as("another subject").isEqualTo(Outcome.COUNTED);
        // After the action's duration the subject is counted afresh, from zero.
        long later = t + 4 + Duration.ofMinutes(15).toMillis();
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", later)).isEqualTo(Outcome.COUNTED);
    }

    @Test
    void hitsSpreadBeyondTheWindowDoNotFire() {
        RuleCounter c = new RuleCounter(null);
        long t = 60_000 * 1000L;
        // One every 30 s: never five within a minute (the two-bucket estimate stays below five).
        for (int i = 0; i < 20; i++) assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + i * 30_000L)).as("hit %d", i).isEqualTo(Outcome.COUNTED);
    }

    @Test
    void hitsAcrossABucketBoundaryStillCountWithinTheSlidingWindow() {
        RuleCounter c = new RuleCounter(null);
        long boundary = 60_000 * 1000L;
        for (int i = 0; i < 4; i++) c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", boundary - 100 + i);
        // 4 in the previous bucket, 100 ms ago; the fifth just after the boundary: the estimate is about 5.
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", boundary + 1)).isIn(Outcome.FIRE, Outcome.COUNTED);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", boundary + 2)).as("the sixth at the latest").isIn(Outcome.FIRE, Outcome.ALREADY_FIRED);
    }

    @Test
    void forgetLetsALiftedSubjectBeCountedAgainAtOnce() {
        RuleCounter c = new RuleCounter(null);
        long t = 60_000 * 1000L;
        for (int i = 0; i < 5; i++) c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + i);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + 10)).isEqualTo(Outcome.ALREADY_FIRED);
        c.forget("brute", "192.0.2.1");
        for (int i = 0; i < 4; i++) assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + 20 + i)).isEqualTo(Outcome.COUNTED);
        assertThat(c.hitLocally(FIVE_A_MINUTE, "192.0.2.1", t + 30)).isEqualTo(Outcome.FIRE);
    }

    @Test
    void anAddressSprayDoesNotGrowTheCountersBeyondTheirBound() {
        RuleCounter c = new RuleCounter(null);
        long t = 60_000 * 1000L;
        for (int i = 0; i < RuleCounter.MAX_SUBJECTS + 1000; i++) c.hitLocally(FIVE_A_MINUTE, "s" + i, t);
        assertThat(c.tracked()).isLessThanOrEqualTo(RuleCounter.MAX_SUBJECTS);
        // Once the old windows are idle, new subjects are counted again.
        assertThat(c.hitLocally(FIVE_A_MINUTE, "fresh", t + 3 * 60_000)).isEqualTo(Outcome.COUNTED);
        assertThat(c.tracked()).isLessThan(RuleCounter.MAX_SUBJECTS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "block_ip counted by key|{id: r, on: auth.failure, by: key, count: 3, within: 1m, action: block_ip, for: 1m}|block_ip counts by: ip",
            "suspend_key counted by ip|{id: r, on: waf.block, by: ip, count: 3, within: 1m, action: suspend_key, for: 1m}|suspend_key counts by: key",
            "a block without for|{id: r, on: auth.failure, by: ip, count: 3, within: 1m, action: block_ip}|for: required",
            "a block longer than 30 days|{id: r, on: auth.failure, by: ip, count: 3, within: 1m, action: block_ip, for: 31d}|at most 30d",
            "count zero|{id: r, on: auth.failure, by: ip, count: 0, within: 1m, action: block_ip, for: 1m}|count: 0",
            "an unknown event|{id: r, on: auth.success, by: ip, count: 3, within: 1m, action: block_ip, for: 1m}|auth.success",
            "no window|{id: r, on: auth.failure, by: ip, count: 3, action: block_ip, for: 1m}|within: required",
    })
    void brokenRulesAreRefusedAtLoad(String name, String rule, String message) {
        String yaml = "responses:\n  rules:\n    - " + rule + "\n";
        assertThatThrownBy(() -> new ConfigLoader().parse(yaml, "t.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void anExemptRangeMustBeARange() {
        assertThatThrownBy(() -> new ConfigLoader().parse("responses:\n  exempt: [not-an-ip]\n", "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("exempt[0]");
    }

    @Test
    void aValidRuleLoadsWithItsDefaults() {
        Rule notify = new Rule("budget", On.BUDGET_EXHAUSTED, By.ORG, 3, Duration.ofDays(1), Action.NOTIFY, null);
        assertThat(notify.duration()).as("notify: quiet for the window").isEqualTo(Duration.ofDays(1));
        ResponsesConfig r = new ResponsesConfig(java.util.List.of(notify), null, null, null);
        assertThat(r.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new ResponsesConfig(java.util.List.of(notify, notify), null, null, null)).hasMessageContaining("twice");
    }
}
