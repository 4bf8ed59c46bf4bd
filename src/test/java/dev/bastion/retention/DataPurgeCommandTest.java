package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditRecords;
import dev.bastion.audit.AuditType;
import dev.bastion.audit.CheckpointSigner;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bastion data purge [--dry-run] [--class X]} on a real SQLite store: the dry run prints each class's
 * cutoff and count and deletes nothing; a purge removes what is due, signs the audit cut on the CLI's chain,
 * records {@code data.purge}, and leaves {@code audit verify} passing.
 */
class DataPurgeCommandTest {
    record Run(int exit, String out, String err) {}

    @TempDir
    Path dir;
    String url;

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Store open() {
        return Store.open(new StoreConfig(url, null, null, null), new SecretResolver(Map.of()));
    }

    /** A usage record 450 days old, a recent one, and on node gw1 ten events with checkpoints 400 and 10 days ago. */
    @BeforeEach
    void fixture() throws Exception {
        url = "sqlite:" + dir.resolve("bastion.db");
        Instant now = Instant.now();
        try (Store s = open()) {
            s.orgs().ensure("acme");
            s.usage().add("r1", "old", "acme", now.minus(Duration.ofDays(460)), 5, 0, now.minus(Duration.ofDays(450)));
            s.usage().add("r1", "recent", "acme", now.minus(Duration.ofDays(2)), 5, 0, now.minus(Duration.ofDays(1)));
            CheckpointSigner signer = CheckpointSigner.load(s, MasterKey.fromKeysetJson(MasterKey.generateKeysetJson()), "gw1", now.toEpochMilli());
            AuditCheckpoint prev = null;
            for (Instant t : List.of(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(10)))) {
                List<AuditRow.Unchained> events = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    events.add(AuditRecords.toRow("ev-" + UUID.randomUUID(), new AuditEvent(t.toEpochMilli() - 1000, AuditType.KEY_CREATED, null,
                            AuditEvent.Actor.operator("cli"), "created", "key-" + i, null, null, null, null, null, Map.of())));
                }
                AuditRow head = s.audit().append("gw1", events, false).getLast();
                prev = signer.sign("gw1", prev, head.seq(), head.hash(), t.toEpochMilli());
                s.audit().insertCheckpoint(prev);
            }
        }
    }

    @Test
    void aDryRunShowsEachClassItsCutoffAndCountAndDeletesNothing() {
        Run r = run("data", "purge", "--dry-run", "--store", url);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("CLASS", "CUTOFF", "WOULD DELETE").contains("dry run: nothing was deleted.")
                .containsPattern("(?m)^usage +\\d{4}-\\d\\d-\\d\\dT\\S+ +1$")
                .containsPattern("(?m)^audit +\\S+ +5$").contains("  gw1: 5 events up to seq 5 (checkpoint 1, signed ")
                .containsPattern("(?m)^users_inactive +\\S+ +0$");
        try (Store s = open()) {
            assertThat(s.usage().forOrg("acme", Instant.EPOCH)).hasSize(2);
            assertThat(s.audit().chain("gw1", 1, Long.MAX_VALUE)).hasSize(10);
            assertThat(s.audit().cuts(null)).isEmpty();
            assertThat(s.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "data.purge", null, null, null), 10, true, false))
                    .as("a dry run records nothing").isEmpty();
        }
    }

    @Test
    void aPurgeRemovesWhatIsDueSignsTheCutAndVerifyStillPasses() {
        Run usageOnly = run("data", "purge", "--class", "usage", "--store", url);
        assertThat(usageOnly.exit()).as(usageOnly.err()).isZero();
        assertThat(usageOnly.out()).containsPattern("(?m)^usage +\\S+ +1$").doesNotContain("audit ");
        try (Store s = open()) {
            assertThat(s.usage().forOrg("acme", Instant.EPOCH)).extracting(u -> u.subject()).containsExactly("recent");
            assertThat(s.audit().chain("gw1", 1, Long.MAX_VALUE)).as("not asked for").hasSize(10);
        }

        Run all = run("data", "purge", "--store", url);
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).containsPattern("(?m)^audit +\\S+ +5$").contains("  gw1: 5 events up to seq 5");
        try (Store s = open()) {
            assertThat(s.audit().chain("gw1", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).containsExactly(6L, 7L, 8L, 9L, 10L);
            assertThat(s.audit().cuts("gw1")).singleElement().satisfies(c -> assertThat(c.purgedBy()).startsWith("cli."));
            assertThat(s.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "data.purge", null, null, null), 10, true, false))
                    .extracting(AuditRow::target).containsExactlyInAnyOrder("usage", "audit:gw1");
        }
        Run verify = run("audit", "verify", "--store", url);
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("gw1: 5 events (seq 6..10); events 1..5 removed by retention");
    }

    @Test
    void anUnknownClassIsRefused() {
        Run r = run("data", "purge", "--class", "conversations", "--store", url);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--class: 'conversations' is not a data class (expected: audit, usage, users_inactive, access_logs)");
        try (Store s = open()) {
            assertThat(s.usage().forOrg("acme", Instant.EPOCH)).hasSize(2);
        }
    }
}
