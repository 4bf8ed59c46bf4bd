package dev.bastion.config;

import java.time.Duration;

/**
 * Retention (D2, docs/data-protection.md "Retention"): how long each class of data Bastion keeps in its store is
 * kept, enforced by a job on one node at a time. Each class is a duration or {@code off} (kept for ever).
 * Idempotency entries are not here: each expires by its own TTL where it is stored (Redis {@code PX}, the local
 * store's expiry), so nothing is left for a job. Nor are expired token revocations and issued-token records: every
 * node's revocation feed deletes them once their token has expired (every 10 minutes, {@code RevocationFeed}).
 *
 * @param enabled       run the retention job in the gateway; default true ({@code bastion data purge} works either way)
 * @param interval      how often the job runs; default 1h
 * @param batchSize     rows per delete statement, so no statement holds its locks for long; default 1000
 * @param audit         audit events, removed only up to a signed checkpoint older than this, as a signed retention cut
 *                      (docs/audit.md "Retention"); default 365d, the seeds' "audit events ≥ 1 year". At least 1d;
 *                      in prod at least 365d (or off)
 * @param usage         LLM usage records (budgets, {@code bastion usage}) last written longer ago than this; default
 *                      400d (a year and its month of invoicing); at least 32d, so the longest budget period (a month)
 *                      is never cut short
 * @param usersInactive users provisioned from identity providers and not seen for this long (a later sign-in
 *                      provisions them again); default 365d, as long as the audit trail that names them. Users a
 *                      user revocation names are kept
 * @param accessLogs    access-log files Bastion wrote ({@code access_log.dir}) whose day ended longer ago than this;
 *                      default 30d, the seeds' "logs: 30 days". Each node deletes its own files. Lines on stdout are
 *                      the log pipeline's to keep
 */
public record RetentionConfig(Boolean enabled, Duration interval, Integer batchSize, RetentionPeriod audit, RetentionPeriod usage,
                              RetentionPeriod usersInactive, RetentionPeriod accessLogs) {
    public static final RetentionConfig DEFAULTS = new RetentionConfig(null, null, null, null, null, null, null);
    /** The floor below which prod refuses audit retention: the seeds' "audit events ≥ 1 year". */
    public static final Duration PROD_AUDIT_FLOOR = Duration.ofDays(365);

    public RetentionConfig {
        enabled = enabled == null || enabled;
        interval = interval == null ? Duration.ofHours(1) : interval;
        EdgeConfig.requirePositive("retention.interval", interval);
        batchSize = batchSize == null ? 1000 : batchSize;
        if (batchSize < 1 || batchSize > 100_000) throw new IllegalArgumentException("retention.batch_size: " + batchSize + " (expected: 1..100000)");
        audit = audit == null ? RetentionPeriod.of(Duration.ofDays(365)) : audit;
        usage = usage == null ? RetentionPeriod.of(Duration.ofDays(400)) : usage;
        usersInactive = usersInactive == null ? RetentionPeriod.of(Duration.ofDays(365)) : usersInactive;
        accessLogs = accessLogs == null ? RetentionPeriod.of(Duration.ofDays(30)) : accessLogs;
        atLeast("retention.audit", audit, Duration.ofDays(1));
        atLeast("retention.usage", usage, Duration.ofDays(32));
        atLeast("retention.users_inactive", usersInactive, Duration.ofDays(1));
    }

    private static void atLeast(String key, RetentionPeriod p, Duration floor) {
        if (p.enabled() && p.keep().compareTo(floor) < 0) {
            throw new IllegalArgumentException(key + ": " + p + " (expected: at least " + Durations.format(floor) + ", or off)");
        }
    }
}
