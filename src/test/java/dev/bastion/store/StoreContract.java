package dev.bastion.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.authn.ApiKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The store behaviour every backend must have. Run against SQLite and PostgreSQL by the subclasses. */
abstract class StoreContract {
    protected abstract Store store();

    /** A second, independent connection pool on the same database: another process, as far as the store knows. */
    protected abstract Store secondStore();

    private ApiKeyService service() {
        return new ApiKeyService(store(), Clock.systemUTC());
    }

    @Test
    void createdKeyIsFoundByHashOnlyAndNeverStoredInPlaintext() {
        ApiKeyService.CreatedKey k = service().create("org-" + System.nanoTime(), Set.of("invoke", "admin"), "ci", Duration.ofDays(90));
        ApiKeyRecord found = store().apiKeys().findByHash(ApiKeys.hash(k.plaintext())).orElseThrow();
        assertThat(found.id()).isEqualTo(k.record().id());
        assertThat(found.scopes()).containsExactlyInAnyOrder("invoke", "admin");
        assertThat(found.expiresAt()).isCloseTo(Instant.now().plus(90, ChronoUnit.DAYS), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
        assertThat(found.keyHash()).isNotEqualTo(k.plaintext()).doesNotContain(k.plaintext().substring(4));
        assertThat(store().apiKeys().findByHash(ApiKeys.hash(ApiKeys.generate()))).isEmpty();
        assertThat(k.toString()).doesNotContain(k.plaintext());
    }

    @Test
    void listIsPerOrgAndRevokeIsFinal() {
        String org = "org-" + System.nanoTime();
        String other = "other-" + System.nanoTime();
        ApiKeyService.CreatedKey a = service().create(org, Set.of("invoke"), null, null);
        service().create(other, Set.of("invoke"), null, null);
        List<ApiKeyRecord> listed = service().list(org);
        assertThat(listed).extracting(ApiKeyRecord::id).containsExactly(a.record().id());
        assertThat(service().revoke(a.record().id())).isTrue();
        assertThat(service().revoke(a.record().id())).as("already revoked").isFalse();
        assertThat(service().revoke("key_doesnotexist")).isFalse();
        assertThat(store().apiKeys().findById(a.record().id()).orElseThrow().revoked()).isTrue();
    }

    @Test
    void responseActionsAreActiveUntilLiftedOrExpiredAndAreLiftedOnceAcrossProcesses() {
        Instant now = Instant.now();
        String ip = "203.0.113." + (System.nanoTime() % 200);
        ResponseAction block = new ResponseAction("rsp_" + System.nanoTime(), "brute", ResponseAction.BLOCK_IP, ip, null, "n1", now, now.plusSeconds(600), null, null, null);
        ResponseAction past = new ResponseAction("rsp_past" + System.nanoTime(), "brute", ResponseAction.BLOCK_IP, ip, null, "n1", now.minusSeconds(60),
                now.minusSeconds(1), null, null, null);
        store().responses().insert(block);
        store().responses().insert(past);
        assertThat(secondStore().responses().active(now)).extracting(ResponseAction::id).contains(block.id()).doesNotContain(past.id());
        assertThat(secondStore().responses().changedSince(now.minusSeconds(1))).extracting(ResponseAction::id).contains(block.id());
        assertThat(store().responses().expiredUnmarked(now)).extracting(ResponseAction::id).contains(past.id()).doesNotContain(block.id());
        // Two processes lift at once: exactly one of them did it (so one response.lifted event is written).
        Instant later = now.plusSeconds(5);
        boolean first = store().responses().lift(block.id(), "alice", later);
        boolean second = secondStore().responses().lift(block.id(), "bob", later);
        assertThat(first ^ second).isTrue();
        ResponseAction lifted = store().responses().find(block.id()).orElseThrow();
        assertThat(lifted.liftedBy()).isEqualTo("alice");
        assertThat(lifted.activeAt(later)).isFalse();
        assertThat(store().responses().active(later)).extracting(ResponseAction::id).doesNotContain(block.id());
        assertThat(store().responses().changedSince(later)).extracting(ResponseAction::id).as("a lift is a change the nodes poll").contains(block.id());
    }

    @Test
    void orgsAreCreatedOnceAndKeysNeedAValidOrg() {
        String org = "org-" + System.nanoTime();
        assertThat(store().orgs().ensure(org)).isTrue();
        assertThat(store().orgs().ensure(org)).isFalse();
        assertThat(store().orgs().find(org)).isPresent();
        assertThatThrownBy(() -> service().create("Bad Org!", Set.of("invoke"), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> service().create(org, Set.of("INVOKE ALL"), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> service().create(org, Set.of(), null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyRowCannotPointAtAMissingOrg() {
        ApiKeyRecord orphan = new ApiKeyRecord(ApiKeys.newId(), "no-such-org", null, ApiKeys.hash(ApiKeys.generate()), Set.of("x"),
                Instant.now(), null, null);
        assertThatThrownBy(() -> store().apiKeys().insert(orphan)).isInstanceOf(StoreException.class);
    }

    @Test
    void aSecondProcessSeesWritesAndCanRevoke() {
        try (Store other = secondStore()) {
            ApiKeyService.CreatedKey k = new ApiKeyService(other, Clock.systemUTC()).create("org-" + System.nanoTime(), Set.of("invoke"), null, null);
            assertThat(store().apiKeys().findByHash(ApiKeys.hash(k.plaintext()))).isPresent();
            assertThat(service().revoke(k.record().id())).isTrue();
            assertThat(other.apiKeys().findById(k.record().id()).orElseThrow().revoked()).isTrue();
        }
    }

    @Test
    void lookupsScopedToAnOrgNeverReturnAnotherOrgsRows() {
        String a = "org-a-" + System.nanoTime(), b = "org-b-" + System.nanoTime();
        ApiKeyService.CreatedKey key = service().create(b, Set.of("invoke"), null, null);
        assertThat(store().apiKeys().findById(b, key.record().id())).isPresent();
        assertThat(store().apiKeys().findById(a, key.record().id())).isEmpty();
        assertThat(store().apiKeys().revoke(a, key.record().id(), Instant.now())).as("cross-org revoke").isFalse();
        assertThat(store().apiKeys().findById(key.record().id()).orElseThrow().revoked()).isFalse();
        assertThat(store().apiKeys().list(a)).isEmpty();

        var client = new dev.bastion.tokens.ClientService(store(), Clock.systemUTC()).create(b, Set.of("invoke"), null, null);
        assertThat(store().clients().findById(a, client.client().id())).isEmpty();
        assertThat(store().clients().disable(a, client.client().id(), Instant.now())).isFalse();
        assertThat(store().clients().findById(b, client.client().id()).orElseThrow().disabled()).isFalse();

        store().orgs().ensure(a);
        User u = store().users().insertIfAbsent(new User("usr_" + System.nanoTime(), b, "https://idp", "sub-" + System.nanoTime(), "reader", Instant.now(), Instant.now()));
        assertThat(store().users().findById(b, u.id())).isPresent();
        assertThat(store().users().findById(a, u.id())).isEmpty();

        store().issuedTokens().insert(new IssuedTokenRepository.IssuedToken("jti-" + System.nanoTime(), b, "cli_x", Instant.now().plusSeconds(60)));
    }

    @Test
    void tiersAreOptionalAndAKeysTierIsScopedToItsOrg() {
        String org = "org-t-" + System.nanoTime();
        ApiKeyService.CreatedKey k = service().create(org, Set.of("invoke"), null, null);
        assertThat(store().orgs().tierOf(org)).isEmpty();
        assertThat(store().apiKeys().tierOf(k.record().id())).isEmpty();
        assertThat(store().orgs().setTier(org, "pro")).isTrue();
        assertThat(store().orgs().tierOf(org)).hasValue("pro");
        assertThat(store().apiKeys().setTier("someone-else", k.record().id(), "enterprise")).as("another org's key").isFalse();
        assertThat(store().apiKeys().setTier(org, k.record().id(), "enterprise")).isTrue();
        assertThat(store().apiKeys().tierOf(k.record().id())).hasValue("enterprise");
        assertThat(store().orgs().setTier("no-such-org-" + System.nanoTime(), "pro")).isFalse();
        store().orgs().setTier(org, null);
        assertThat(store().orgs().tierOf(org)).isEmpty();
    }

    @Test
    void usageAddsUpPerRuleSubjectAndPeriod() {
        String org = "org-usage-" + System.nanoTime();
        store().orgs().ensure(org);
        Instant day = Instant.parse("2026-11-23T00:00:00Z");
        store().usage().add("daily", "org:" + org, org, day, 100, 2500, Instant.now());
        store().usage().add("daily", "org:" + org, org, day, 50, 500, Instant.now());
        store().usage().add("daily", "org:" + org, org, day.plus(Duration.ofDays(1)), 7, 0, Instant.now());
        var u = store().usage().find("daily", "org:" + org, day).orElseThrow();
        assertThat(u.tokens()).isEqualTo(150);
        assertThat(u.costMicros()).isEqualTo(3000);
        assertThat(store().usage().forOrg(org, day)).hasSize(2);
        assertThat(store().usage().forOrg("other-" + org, day)).isEmpty();
    }

    @Test
    void usersAreCreatedOncePerProviderIdentity() {
        String org = "org-u-" + System.nanoTime();
        store().orgs().ensure(org);
        String sub = "sub-" + System.nanoTime();
        User first = store().users().insertIfAbsent(new User("usr_a" + System.nanoTime(), org, "https://idp", sub, null, Instant.now(), Instant.now()));
        User again = store().users().insertIfAbsent(new User("usr_b" + System.nanoTime(), org, "https://idp", sub, "admin", Instant.now(), Instant.now()));
        assertThat(again.id()).isEqualTo(first.id());
        store().users().seen(first.id(), org, "admin", Instant.now());
        assertThat(store().users().findById(org, first.id()).orElseThrow().role()).isEqualTo("admin");
    }

    @Test
    void revocationsArePolledByCreationTimeAndPrunedWhenExpired() {
        Instant now = Instant.now();
        String subject = "jti-" + System.nanoTime();
        store().revocations().insert(new Revocation("rev_" + System.nanoTime(), Revocation.Kind.TOKEN, subject, null, now, now.plusSeconds(60)));
        String gone = "jti-old-" + System.nanoTime();
        store().revocations().insert(new Revocation("rev_old" + System.nanoTime(), Revocation.Kind.TOKEN, gone, null, now.minusSeconds(120), now.minusSeconds(60)));
        assertThat(store().revocations().since(now.minusSeconds(1), now)).extracting(Revocation::subject).contains(subject).doesNotContain(gone);
        assertThat(store().revocations().pruneExpired(now)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void signingKeysArePublishedUntilTheyExpire() {
        Instant now = Instant.now();
        String kid = "k-" + System.nanoTime();
        store().signingKeys().insert(new SigningKeyRecord(kid, "ES256", "{}", "c2VhbGVk", now, null, null));
        String newer = "k-new-" + System.nanoTime();
        store().signingKeys().insert(new SigningKeyRecord(newer, "ES256", "{}", "c2VhbGVk", now.plusMillis(1), null, null));
        store().signingKeys().retireOlderThan(now.plusMillis(1), now, now.plusSeconds(3600));
        var published = store().signingKeys().published(now);
        assertThat(published).extracting(SigningKeyRecord::kid).contains(kid, newer);
        assertThat(published.stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow().retiredAt()).isNotNull();
        assertThat(store().signingKeys().published(now.plusSeconds(7200))).extracting(SigningKeyRecord::kid).doesNotContain(kid).contains(newer);
    }

    @Test
    void pingAnswers() {
        assertThat(store().ping()).isTrue();
    }

    @Test
    void mcpPinsAreDecidedOnceAcrossNodesAndApprovedOnlyForTheReviewedFingerprint() {
        String route = "r" + System.nanoTime();
        String a = "sha256:" + "a".repeat(64), b = "sha256:" + "b".repeat(64), c = "sha256:" + "c".repeat(64);
        Instant now = Instant.now();
        assertThat(store().mcpPins().pinFirst(route, "s__t", a, null, now)).isTrue();
        assertThat(secondStore().mcpPins().pinFirst(route, "s__t", b, null, now)).as("the first node's pin stands").isFalse();
        assertThat(store().mcpPins().find(route, "s__t").orElseThrow().pinnedFp()).isEqualTo(a);

        assertThat(store().mcpPins().hold(route, "s__t", b, null, "changed", null, "{\"name\":\"t\"}", now)).isTrue();
        assertThat(secondStore().mcpPins().hold(route, "s__t", b, null, "changed", null, "{\"name\":\"t\"}", now)).as("recorded (and audited) once").isFalse();
        assertThat(store().mcpPins().approve(route, "s__t", c, "op", now)).as("not what is pending").isFalse();
        assertThat(store().mcpPins().approve(route, "s__t", b, "op", now)).isTrue();
        McpPin approved = secondStore().mcpPins().find(route, "s__t").orElseThrow();
        assertThat(approved.pinnedFp()).isEqualTo(b);
        assertThat(approved.pendingFp()).isNull();
        assertThat(approved.decidedBy()).isEqualTo("op");

        assertThat(store().mcpPins().hold(route, "s__t", c, null, "changed", null, "{}", now)).isTrue();
        assertThat(store().mcpPins().reject(route, "s__t", c, "op", now)).isTrue();
        assertThat(store().mcpPins().hold(route, "s__t", c, null, "changed", null, "{}", now)).as("a rejected definition is not raised again").isFalse();
        assertThat(store().mcpPins().find(route, "s__t").orElseThrow().pinnedFp()).as("rejecting keeps the pin").isEqualTo(b);
        assertThat(store().mcpPins().all()).extracting(McpPin::routeId).contains(route);
    }

    @Test
    void mcpApprovalsAreSettledOnceAcrossNodes() {
        String org = "o" + System.nanoTime();
        Instant now = Instant.now();
        McpApprovalRequest held = new McpApprovalRequest(java.util.UUID.randomUUID().toString(), "node-a", "r", "s__pay", org, "agent",
                "{\"amount\":\"number\"}", now, now.plusSeconds(60), McpApprovalRequest.PENDING, null);
        store().mcpApprovals().insert(held);
        assertThat(secondStore().mcpApprovals().pending(org, now)).extracting(McpApprovalRequest::id).containsExactly(held.id());
        assertThat(secondStore().mcpApprovals().pending("other", now)).isEmpty();
        assertThat(secondStore().mcpApprovals().pending(org, now.plusSeconds(61))).as("expired").isEmpty();
        assertThat(secondStore().mcpApprovals().decide(held.id(), "other", "approved", "op", now)).as("another org's").isFalse();
        assertThat(secondStore().mcpApprovals().decide(held.id(), org, "approved", "op", now)).isTrue();
        assertThat(store().mcpApprovals().decide(held.id(), org, "denied", "op2", now)).as("decided once").isFalse();
        assertThat(store().mcpApprovals().close(held.id(), "timed_out", now)).as("a decision beats the timeout").isFalse();
        McpApprovalRequest decided = store().mcpApprovals().find(held.id()).orElseThrow();
        assertThat(decided.state()).isEqualTo("approved");
        assertThat(decided.decidedBy()).isEqualTo("op");
        assertThat(store().mcpApprovals().pending(org, now)).isEmpty();

        McpApprovalRequest late = new McpApprovalRequest(java.util.UUID.randomUUID().toString(), "node-a", "r", "s__pay", org, "agent", "{}",
                now, now.plusSeconds(1), McpApprovalRequest.PENDING, null);
        store().mcpApprovals().insert(late);
        assertThat(secondStore().mcpApprovals().decide(late.id(), org, "approved", "op", now.plusSeconds(2))).as("past its expiry").isFalse();
        assertThat(store().mcpApprovals().close(late.id(), "timed_out", now.plusSeconds(2))).isTrue();
        assertThat(store().mcpApprovals().purge(now.plusSeconds(3))).isGreaterThanOrEqualTo(1);
        assertThat(store().mcpApprovals().find(late.id())).as("settled and old: purged").isEmpty();
    }

    @Test
    void statsRowsOfTwoNodesAreReadTogetherAndUsageAddsUp() {
        long t = 1_800_000_000_000L + (System.nanoTime() % 1000) * 3_600_000L; // an hour of this run's own
        String org = "stats-" + System.nanoTime();
        store().stats().insertTraffic("n1", List.of(new StatsRepository.Traffic(t, org, "api", "", 3, 1, "{\"waf\":1}", "{}", "{}", "10:3")));
        store().stats().addUsage("n1", List.of(new StatsRepository.Usage(t, org, "key:a", "m", 10, 20, 300, 1)));
        store().stats().addUsage("n1", List.of(new StatsRepository.Usage(t, org, "key:a", "m", 1, 2, 3, 1)));
        try (Store second = secondStore()) { // another node
            second.stats().insertTraffic("n2", List.of(new StatsRepository.Traffic(t + 60_000, org, "api", "", 2, 0, "{}", "{}", "{}", "12:2"),
                    new StatsRepository.Traffic(t, org, "other-route", "", 5, 0, "{}", "{}", "{}", "3:5")));
            second.stats().addUsage("n2", List.of(new StatsRepository.Usage(t, org, "key:a", "m", 100, 0, 0, 1)));
        }
        assertThat(store().stats().traffic(t, t + 120_000, org, "api")).extracting(StatsRepository.Traffic::requests).containsExactly(3L, 2L);
        assertThat(store().stats().traffic(t, t + 60_000, org, null)).hasSize(2);
        assertThat(store().stats().usage(t, t + 3_600_000, org, "key:a", "m")).containsExactly(new StatsRepository.Usage(t, org, "key:a", "m", 111, 22, 303, 3));
        assertThat(store().stats().activeKeys(t, t + 3_600_000, org)).isEqualTo(1);
        assertThat(store().stats().auditCounts(t, t + 1, org)).isEmpty();
        assertThat(store().stats().prune(t + 60_000, t)).isEqualTo(2); // the two traffic rows of minute t
        assertThat(store().stats().traffic(t, t + 120_000, org, null)).hasSize(1);
    }

    @Test
    void consoleBootstrapTokensAndLoginStatesAreUsedOnceAcrossNodesAndSessionsAreFoundByHash() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String n = Long.toString(System.nanoTime());
        store().orgs().ensure("console-org");
        String token = ApiKeys.hash("token-" + n), state = ApiKeys.hash("state-" + n), browser = ApiKeys.hash("browser-" + n);
        store().console().insertBootstrap(token, "console-org", now, now.plusSeconds(60));
        assertThat(store().console().useBootstrap(token, now)).hasValue("console-org");
        assertThat(secondStore().console().useBootstrap(token, now)).as("used on the other node").isEmpty();
        String late = ApiKeys.hash("late-" + n);
        store().console().insertBootstrap(late, "console-org", now.minusSeconds(120), now.minusSeconds(60));
        assertThat(store().console().useBootstrap(late, now)).as("expired").isEmpty();

        store().console().insertLogin(state, browser, now.plusSeconds(60), now);
        assertThat(secondStore().console().takeLogin(state, now)).hasValue(browser);
        assertThat(store().console().takeLogin(state, now)).as("taken once").isEmpty();

        String id = ApiKeys.hash("session-" + n);
        store().console().insert(new ConsoleSession(id, "console-org", "usr_" + n.substring(0, 8), "sub", "operator", "oidc", now, now));
        assertThat(secondStore().console().find(id).orElseThrow().role()).isEqualTo("operator");
        secondStore().console().touch(id, now.plusSeconds(5));
        assertThat(store().console().find(id).orElseThrow().lastSeen()).isEqualTo(now.plusSeconds(5));
        store().console().deleteExpired(now.minusSeconds(1), now.minusSeconds(1), now);
        assertThat(store().console().find(id)).as("within both limits: kept").isPresent();
        assertThat(secondStore().console().delete(id)).isTrue();
        assertThat(store().console().find(id)).isEmpty();
    }
}
