package dev.bastion.budget;

import java.time.Instant;

/**
 * One budget's counter for one subject in one period: e.g. rule {@code monthly} for {@code org:acme} in
 * November 2026.
 *
 * @param tokenLimit      tokens allowed in the period; -1 for no token limit
 * @param costLimitMicros cost allowed, in millionths; -1 for no cost limit
 */
record Account(String ruleId, String subject, String orgId, Instant periodStart, Instant periodEnd, long tokenLimit, long costLimitMicros) {
    /** The Redis key of the account's state (its reservations live under {@code KEY:r}). */
    String key() {
        return "bastion:budget:" + ruleId + ":" + subject + ":" + periodStart.toEpochMilli();
    }

    /** How long the account's state must outlive now: to its period's end, plus a day for late settlements. */
    long ttlMs(long nowMs) {
        return Math.max(1000, periodEnd.toEpochMilli() - nowMs) + 86_400_000L;
    }
}
