package dev.bastion.retention;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditType;
import dev.bastion.audit.CheckpointSigner;
import dev.bastion.audit.Severity;
import dev.bastion.config.RetentionConfig;
import dev.bastion.config.RetentionPeriod;
import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.Counter;
import dev.bastion.observe.DailyLogFiles;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is past its retention (docs/data-protection.md, "Retention"), class by class, in bounded
 * batches, on one node at a time ({@link dev.bastion.store.RetentionRepository#exclusively}). Blocking: run it
 * on a thread of its own ({@link RetentionScheduler}) or from the CLI.
 *
 * <p>The audit trail is not deleted row by row: per node, the newest signed checkpoint older than the retention
 * becomes the anchor of a retention cut, signed by this node's checkpoint key and recorded before anything is
 * deleted; only then may the database delete the events the cut covers (migration V6). A prefix that does not
 * verify — a broken link, an edited event, an anchor that does not sign the stored head — is not purged: retention
 * never destroys the evidence of tampering. Every purge is recorded as a {@code data.purge} audit event.
 *
 * <p>Access-log files ({@code access_log.dir}) are this node's own: they are deleted outside the lock, on every node.
 *
 * <p>A failure of one class is logged and reported; the other classes still run.
 */
public final class RetentionJob {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    private static final int VERIFY_PAGE = 5000;

    /**
     * What happened (or, in a dry run, would happen) to one class.
     *
     * @param cutoff  data older than this goes; null when the class is off
     * @param rows    rows deleted, or that a dry run would delete
     * @param details one line per audit node, or a failure; empty otherwise
     */
    public record ClassResult(DataClass dataClass, Instant cutoff, long rows, List<String> details, boolean failed) {}

    /** @param skipped another node held the retention lock: the store's classes were not run (this node's access-log files were) */
    public record Report(Instant at, boolean dryRun, boolean skipped, List<ClassResult> classes) {
        public long rows(DataClass c) {
            return classes.stream().filter(r -> r.dataClass() == c).mapToLong(ClassResult::rows).sum();
        }
    }

    private final Store store;
    private final RetentionConfig config;
    private final Clock clock;
    private final Supplier<CheckpointSigner> signerSource;
    private final String purgingNode;
    private final Consumer<AuditEvent> audit;
    private final Path accessLogDir;
    private final Map<DataClass, Counter> deleted = new LinkedHashMap<>();
    private final AtomicLong lastRun = new AtomicLong();
    private CheckpointSigner signer;
    private Consumer<String> userEraser; // null: an inactive user is only its row

    /**
     * How an inactive user is forgotten: as a subject deletion does it (their usage and token rows, their row, and their
     * data keys destroyed — crypto-shredding what the trail sealed for them), instead of deleting the row alone.
     */
    public RetentionJob withUserEraser(Consumer<String> eraser) {
        this.userEraser = eraser;
        return this;
    }

    /**
     * @param signer      the checkpoint key of {@code purgingNode}, asked for only when a cut is to be signed
     * @param purgingNode the audit node this job runs as (the gateway's {@code audit.node}, or the CLI's)
     * @param audit       where the {@code data.purge} events go
     * @param accessLogDir this node's {@code access_log.dir}; null when the access log goes to stdout
     * @param registry    for {@code bastion_retention_deleted_total{class}} and the last run's time; may be null
     */
    public RetentionJob(Store store, RetentionConfig config, Clock clock, Supplier<CheckpointSigner> signer, String purgingNode,
                        Consumer<AuditEvent> audit, Path accessLogDir, MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.signerSource = Objects.requireNonNull(signer, "signer");
        this.purgingNode = Objects.requireNonNull(purgingNode, "purgingNode");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.accessLogDir = accessLogDir;
        if (registry != null) {
            for (DataClass c : DataClass.values()) {
                deleted.put(c, Counter.builder("bastion.retention.deleted").tag("class", c.wire())
                        .description("Rows (for access_logs: files) removed by retention").register(registry));
            }
            io.micrometer.core.instrument.Gauge.builder("bastion.retention.last.run", lastRun, AtomicLong::get)
                    .description("When the retention job last completed on this node (epoch seconds; 0: not yet)").baseUnit("seconds").register(registry);
        }
    }

    /**
     * Runs every class, or {@code only} those (empty: all). A dry run counts and deletes nothing, and takes no lock.
     * The store's classes run under the retention lock, so on one node at a time; the access-log files are this
     * node's own and are deleted whether or not another node holds the lock.
     */
    public Report run(boolean dryRun, Set<DataClass> only) {
        Set<DataClass> classes = only.isEmpty() ? EnumSet.allOf(DataClass.class) : EnumSet.copyOf(only);
        Instant now = clock.instant();
        if (dryRun) return new Report(now, true, false, runAll(now, true, classes));
        Set<DataClass> local = EnumSet.noneOf(DataClass.class), shared = EnumSet.noneOf(DataClass.class);
        for (DataClass c : classes) (c == DataClass.ACCESS_LOGS ? local : shared).add(c);
        Optional<List<ClassResult>> stored = shared.isEmpty() ? Optional.of(List.of()) : store.retention().exclusively(() -> runAll(now, false, shared));
        List<ClassResult> results = new ArrayList<>(stored.orElse(List.of()));
        results.addAll(runAll(now, false, local));
        if (stored.isPresent()) lastRun.set(clock.instant().getEpochSecond());
        return new Report(now, false, stored.isEmpty(), List.copyOf(results));
    }

    private List<ClassResult> runAll(Instant now, boolean dryRun, Set<DataClass> classes) {
        List<ClassResult> out = new ArrayList<>();
        for (DataClass c : classes) {
            RetentionPeriod p = c.period(config);
            if (!p.enabled()) {
                out.add(new ClassResult(c, null, 0, List.of(), false));
                continue;
            }
            Instant cutoff = now.minus(p.keep());
            try {
                out.add(switch (c) {
                    case AUDIT -> audit(cutoff, dryRun);
                    case ACCESS_LOGS -> accessLogs(cutoff, dryRun);
                    case USAGE, USERS_INACTIVE -> table(c, cutoff, dryRun);
                });
            } catch (RuntimeException e) {
                log.warn("retention: {} failed ({})", c.wire(), e.getMessage());
                out.add(new ClassResult(c, cutoff, 0, List.of("failed: " + e.getMessage()), true));
            }
        }
        return out;
    }

    private ClassResult table(DataClass c, Instant cutoff, boolean dryRun) {
        long ms = cutoff.toEpochMilli();
        if (dryRun) return new ClassResult(c, cutoff, store.retention().countDue(c.table, ms), List.of(), false);
        long total = 0;
        int n;
        do {
            if (c == DataClass.USERS_INACTIVE && userEraser != null) {
                List<String> ids = store.retention().dueKeys(c.table, ms, config.batchSize());
                ids.forEach(userEraser);
                n = ids.size();
            } else {
                n = store.retention().deleteDue(c.table, ms, config.batchSize());
            }
            total += n;
            count(c, n);
        } while (n >= config.batchSize() && !Thread.currentThread().isInterrupted()); // interrupted: the gateway is stopping
        if (total > 0) {
            log.info("retention: {} rows of {} older than {} removed", total, c.wire(), cutoff);
            record(c.wire(), Map.of("class", c.wire(), "deleted", total, "cutoff", cutoff.toString()), null);
        }
        return new ClassResult(c, cutoff, total, List.of(), false);
    }

    /** The access-log files of days that ended before the cutoff, in this node's {@code access_log.dir}. */
    private ClassResult accessLogs(Instant cutoff, boolean dryRun) {
        if (accessLogDir == null) return new ClassResult(DataClass.ACCESS_LOGS, cutoff, 0, List.of("access_log.dir not set: the log pipeline keeps stdout"), false);
        List<Path> expired;
        try {
            expired = DailyLogFiles.expired(accessLogDir, cutoff);
        } catch (IOException e) {
            throw new UncheckedIOException(accessLogDir + ": cannot be listed", e);
        }
        List<String> names = expired.stream().map(p -> p.getFileName().toString()).toList();
        if (dryRun) return new ClassResult(DataClass.ACCESS_LOGS, cutoff, expired.size(), names, false);
        long removed = 0;
        for (Path f : expired) {
            try {
                if (Files.deleteIfExists(f)) removed++;
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": cannot be deleted", e);
            }
        }
        count(DataClass.ACCESS_LOGS, removed);
        if (removed > 0) {
            log.info("retention: {} access-log files older than {} removed", removed, cutoff);
            record(DataClass.ACCESS_LOGS.wire(), Map.of("class", DataClass.ACCESS_LOGS.wire(), "deleted", removed, "cutoff", cutoff.toString()), null);
        }
        return new ClassResult(DataClass.ACCESS_LOGS, cutoff, removed, names, false);
    }

    private ClassResult audit(Instant cutoff, boolean dryRun) {
        AuditRepository repo = store.audit();
        long total = 0;
        boolean failed = false;
        List<String> details = new ArrayList<>();
        for (String node : repo.nodes()) {
            AuditRetentionCut current = repo.cuts(node).stream().max(java.util.Comparator.comparingLong(AuditRetentionCut::upToSeq)).orElse(null);
            long covered = current == null ? 0 : current.upToSeq();
            AuditCheckpoint anchor = repo.lastCheckpointBefore(node, cutoff.toEpochMilli()).filter(cp -> cp.seq() > 0).orElse(null);
            long upTo = covered;
            if (anchor != null && anchor.seq() > covered) {
                String broken = prefixProblem(repo, node, current, anchor);
                if (broken != null) {
                    // Keep the evidence: a trail that does not verify is for `bastion audit verify` and an investigator.
                    failed = true;
                    details.add(node + ": not purged: " + broken + " (run bastion audit verify)");
                    log.error("retention: audit node {} not purged: {}", node, broken);
                    if (!dryRun) record("audit:" + node, Map.of("class", "audit", "node", node, "up_to_seq", anchor.seq()), "trail_not_intact");
                    upTo = covered;
                    anchor = null;
                } else {
                    upTo = anchor.seq();
                }
            } else {
                anchor = null;
            }
            long due = repo.countUpTo(node, upTo);
            if (due == 0) continue;
            if (dryRun) {
                details.add(node + ": " + due + " events up to seq " + upTo + (anchor != null ? " (checkpoint " + anchor.cseq() + ", signed "
                        + Instant.ofEpochMilli(anchor.ts()) + ")" : " (already cut, purge in progress)"));
                total += due;
                continue;
            }
            if (anchor != null) cut(repo, anchor);
            long removed = 0;
            int n;
            do {
                n = repo.deleteCovered(node, upTo, config.batchSize());
                removed += n;
                count(DataClass.AUDIT, n);
            } while (n >= config.batchSize() && !Thread.currentThread().isInterrupted()); // interrupted: the gateway is stopping
            total += removed;
            details.add(node + ": " + removed + " events up to seq " + upTo);
            log.info("retention: audit node {}: {} events up to seq {} removed (retention cut)", node, removed, upTo);
            record("audit:" + node, Map.of("class", "audit", "node", node, "up_to_seq", upTo, "deleted", removed, "cutoff", cutoff.toString()), null);
        }
        return new ClassResult(DataClass.AUDIT, cutoff, total, List.copyOf(details), failed);
    }

    /** Records the cut, signed; a cut another process recorded first (same node and seq) is taken as it is. */
    private void cut(AuditRepository repo, AuditCheckpoint anchor) {
        if (signer == null) signer = signerSource.get();
        AuditRetentionCut cut = signer.signCut(anchor, purgingNode, clock.millis());
        try {
            repo.insertCut(cut);
        } catch (RuntimeException e) {
            boolean there = repo.cuts(anchor.node()).stream().anyMatch(c -> c.upToSeq() == anchor.seq());
            if (!there) throw e;
        }
    }

    /**
     * Why the events after the current cut (or from seq 1) up to {@code anchor} must not be purged, or null: the
     * anchor is signed by a known key of its node and signs the stored head at its seq, and every event up to it
     * links to the one before (the first to the genesis, or to the current cut's signed anchor), without a gap,
     * with content matching its hash.
     */
    private static String prefixProblem(AuditRepository repo, String node, AuditRetentionCut current, AuditCheckpoint anchor) {
        String publicKey = repo.keys().stream().filter(k -> k.kid().equals(anchor.kid()) && k.node().equals(node))
                .map(AuditRepository.Key::publicKey).findFirst().orElse(null);
        if (publicKey == null || !CheckpointSigner.valid(anchor, publicKey)) return "checkpoint " + anchor.cseq() + " is not validly signed";
        long next = current == null ? 1 : current.upToSeq() + 1;
        String prev = current == null ? AuditRow.GENESIS : current.anchorHash();
        while (next <= anchor.seq()) {
            List<AuditRow> page = repo.chain(node, next, Math.min(anchor.seq(), next + VERIFY_PAGE - 1));
            if (page.isEmpty()) return "events " + next + ".." + anchor.seq() + " are missing";
            for (AuditRow r : page) {
                if (r.seq() != next) return "seq " + next + " is missing";
                if (!prev.equals(r.prevHash())) return "seq " + r.seq() + " does not link to the event before it";
                if (!r.expectedHash().equals(r.hash())) return "seq " + r.seq() + " does not match its hash";
                prev = r.hash();
                next++;
            }
        }
        if (!prev.equals(anchor.headHash())) return "checkpoint " + anchor.cseq() + " does not sign the stored head at seq " + anchor.seq();
        return null;
    }

    private void count(DataClass c, long n) {
        Counter counter = deleted.get(c);
        if (counter != null && n > 0) counter.increment(n);
    }

    private void record(String target, Map<String, ?> fields, String failure) {
        try {
            audit.accept(new AuditEvent(clock.millis(), AuditType.DATA_PURGE, failure == null ? null : Severity.ERROR,
                    AuditEvent.Actor.SYSTEM, "purge", target, failure == null ? null : "failure", failure, null, null, null, fields));
        } catch (RuntimeException e) {
            log.warn("retention: the data.purge event was not recorded ({})", e.getMessage());
        }
    }
}
