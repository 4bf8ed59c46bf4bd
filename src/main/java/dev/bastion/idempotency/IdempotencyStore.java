package dev.bastion.idempotency;

import io.vertx.core.Future;

/** Where idempotency keys live: this process, or Redis shared by every instance. */
interface IdempotencyStore {
    /**
     * Claims {@code key} for a first request, atomically: completes with null when claimed (the pending
     * entry then holds for {@code leaseMs}), else with the entry already there.
     */
    Future<Entry> claim(String key, Entry.Pending pending, long leaseMs);

    /** Replaces this request's own pending entry with its outcome, kept for {@code ttlMs}. */
    Future<Void> complete(String key, Entry.Pending pending, Entry outcome, long ttlMs);

    /** Gives the key back (the request did not complete), if it is still this request's claim. */
    Future<Void> release(String key, Entry.Pending pending);
}
