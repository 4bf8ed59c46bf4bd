package dev.bastion.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.IncidentsConfig;
import dev.bastion.store.ResponseAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What a thrown switch refuses, and how a target is brought to its one spelling (no server, no store). */
class ActiveSwitchesTest {
    static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");
    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    final ActiveSwitches active = new ActiveSwitches(clock);

    static ResponseAction thrown(String id, Switch kind, String subject, Duration d) {
        return new ResponseAction(id, ResponseAction.INCIDENT, kind.wire(), subject, null, "n1", T0, T0.plus(d), null, null, "why");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"203.0.113.7, 203.0.113.7", "::ffff:203.0.113.7, 203.0.113.7", "203.0.113.0/24, 203.0.113.0/24", "2001:db8::/32, 2001:db8::/32",
            "2001:db8::1/128, 2001:db8::1"})
    void anAddressOrRangeHasOneSpelling(String given, String stored) {
        assertThat(Switch.BLOCK_IP.target(given)).isEqualTo(stored);
    }

    @Test
    void aBadTargetIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> Switch.BLOCK_IP.target("10.1.2.3/8")).hasMessageContaining("host bits");
        String secret = "bst_live_Zq8Xw3Vb7Nm2Kp5Rt9Ys4Lc6Hd1Fg0Ja8";
        assertThatThrownBy(() -> Switch.BLOCK_KEY.target(secret)).hasMessageContaining("never the key itself").message().doesNotContain(secret);
        assertThatThrownBy(() -> Switch.SUSPEND_ORG.target("acme; drop table")).hasMessageContaining("expected an id").message().doesNotContain("drop");
        assertThatThrownBy(() -> Switch.allowList(Set.of(), Set.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Switch.LOCKDOWN.target("org:acme,user:x")).hasMessageContaining("org:ID and key:ID");
        assertThatThrownBy(() -> Switch.LOCKDOWN.target("org:acme,key:bst_live_x")).hasMessageContaining("never the key itself");
        assertThat(Switch.LOCKDOWN.target("key:key_b,org:acme")).isEqualTo("key:key_b,org:acme");
        assertThatThrownBy(() -> Switch.allowList(Set.of("a".repeat(120), "b".repeat(120)), Set.of())).hasMessageContaining("200 characters");
    }

    @Test
    void aBlockedRangeRefusesItsAddressesAndNoOther() {
        active.apply(thrown("inc_1", Switch.BLOCK_IP, "203.0.113.0/24", Duration.ofHours(1)));
        active.apply(thrown("inc_2", Switch.BLOCK_IP, "2001:db8::/32", Duration.ofHours(1)));
        assertThat(active.blockedAddress("203.0.113.200")).isNotNull();
        assertThat(active.blockedAddress("::ffff:203.0.113.9")).as("IPv4-mapped").isNotNull();
        assertThat(active.blockedAddress("203.0.114.1")).as("just outside").isNull();
        assertThat(active.blockedAddress("2001:db8:ffff::1")).isNotNull();
        assertThat(active.blockedAddress("2001:db9::1")).isNull();
    }

    @Test
    void aRowWithAnUnreadableTargetIsSkippedAndStopsNoOther() {
        active.apply(thrown("inc_bad", Switch.BLOCK_IP, "not-an-address", Duration.ofHours(1)));
        active.apply(thrown("inc_ok", Switch.SUSPEND_ORG, "acme", Duration.ofHours(1)));
        assertThat(active.suspendedOrg("acme")).isNotNull();
        assertThat(active.blockedAddress("203.0.113.7")).isNull();
    }

    @Test
    void twoLockdownsAdmitOnlyWhoIsOnBothAndNobodyAnonymous() {
        active.apply(thrown("inc_1", Switch.LOCKDOWN, Switch.allowList(Set.of("acme", "beta"), Set.of()), Duration.ofHours(1)));
        assertThat(active.lockedOut("acme")).isNull();
        assertThat(active.lockedOut(null)).as("anonymous").isNotNull();
        active.apply(thrown("inc_2", Switch.LOCKDOWN, Switch.allowList(Set.of("acme"), Set.of("key_g")), Duration.ofHours(1)));
        assertThat(active.lockedOut("acme")).isNull();
        assertThat(active.lockedOut("beta")).as("not on the second list").isNotNull();
        assertThat(active.lockedOut("gamma", "key_g")).as("on the second by key, not on the first").isNotNull();
    }

    @Test
    void aSwitchEndsAtItsExpiryWithoutAMessageAndALiftRemovesIt() {
        ResponseAction org = thrown("inc_1", Switch.SUSPEND_ORG, "acme", Duration.ofMinutes(5));
        active.apply(org);
        active.apply(thrown("inc_2", Switch.DISABLE_ROUTE, "api", Duration.ofHours(1)));
        assertThat(active.suspendedOrg("acme")).isNotNull();
        assertThat(active.suspendedOrg("beta")).isNull();
        now.set(T0.plus(Duration.ofMinutes(5)));
        assertThat(active.suspendedOrg("acme")).as("at its expiry").isNull();
        assertThat(active.disabledRoute("api")).isNotNull();
        ResponseAction route = thrown("inc_2", Switch.DISABLE_ROUTE, "api", Duration.ofHours(1));
        active.apply(new ResponseAction(route.id(), route.rule(), route.action(), route.subject(), null, "n1", T0, route.expiresAt(), now.get(), "operator:x", "why"));
        assertThat(active.disabledRoute("api")).isNull();
        assertThat(active.any()).isFalse();
    }

    @Test
    void aRulesActionIsNotASwitchAndASwitchIsNotARulesAction() {
        ResponseAction rule = new ResponseAction("rsp_1", "brute-force", ResponseAction.BLOCK_IP, "203.0.113.7", null, "n1", T0, T0.plusSeconds(60), null, null, null);
        active.apply(rule);
        assertThat(active.blockedAddress("203.0.113.7")).isNull();
        ActiveResponses responses = new ActiveResponses(clock);
        responses.apply(thrown("inc_1", Switch.BLOCK_IP, "203.0.113.8", Duration.ofHours(1)));
        assertThat(responses.blocked("203.0.113.8")).isNull();
    }

    @Test
    void aSwitchNeedsAReasonAndAnExpiryWithinMaxFor() {
        Incidents incidents = new Incidents(null, new IncidentsConfig(Duration.ofDays(1), null), e -> {}, a -> {}, "n1", clock);
        Incidents.Operator by = new Incidents.Operator("ops", null, "cli", null, null);
        assertThatThrownBy(() -> incidents.open(Switch.SUSPEND_ORG, "acme", " ", Duration.ofHours(1), by)).hasMessageContaining("reason: required");
        assertThatThrownBy(() -> incidents.open(Switch.SUSPEND_ORG, "acme", "x", Duration.ofDays(2), by)).hasMessageContaining("exceeds incidents.max_for (1d)");
        assertThatThrownBy(() -> incidents.duration(null, null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> incidents.duration("1h", "2026-12-08T00:00:00Z")).hasMessageContaining("exactly one");
        assertThat(incidents.duration(null, "2026-12-07T06:00:00Z")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> incidents.duration(null, "tomorrow")).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> new IncidentsConfig(Duration.ofDays(400), null)).hasMessageContaining("max_for: 400d (expected: at most 365d)");
    }
}
