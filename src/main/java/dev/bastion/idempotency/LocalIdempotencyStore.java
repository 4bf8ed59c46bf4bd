package dev.bastion.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;

/** Idempotency keys in this process, bounded by the bytes of the responses they keep. */
final class LocalIdempotencyStore implements IdempotencyStore {
    private record Held(Entry entry, long ttlNanos) {}

    private final Cache<String, Held> entries;

    LocalIdempotencyStore(long maxBytes) {
        // Cache upkeep on the calling event loop, in small batches: no hop to the common pool per burst of reads.
        this.entries = Caffeine.newBuilder().executor(Runnable::run)
                .maximumWeight(maxBytes)
                .weigher((String k, Held h) -> 256 + (h.entry() instanceof Entry.Done d ? d.body().length : 0))
                .expireAfter(new Expiry<String, Held>() {
                    @Override
                    public long expireAfterCreate(String key, Held h, long now) {
                        return h.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Held h, long now, long current) {
                        return h.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Held h, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    @Override
    public Future<Entry> claim(String key, Entry.Pending pending, long leaseMs) {
        Held fresh = new Held(pending, leaseMs * 1_000_000);
        Held existing = entries.asMap().putIfAbsent(key, fresh);
        return Future.succeededFuture(existing == null ? null : existing.entry());
    }

    @Override
    public Future<Void> complete(String key, Entry.Pending pending, Entry outcome, long ttlMs) {
        entries.asMap().computeIfPresent(key, (k, h) -> pending.equals(h.entry()) ? new Held(outcome, ttlMs * 1_000_000) : h);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> release(String key, Entry.Pending pending) {
        entries.asMap().computeIfPresent(key, (k, h) -> pending.equals(h.entry()) ? null : h);
        return Future.succeededFuture();
    }
}
