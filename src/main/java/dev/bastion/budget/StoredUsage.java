package dev.bastion.budget;

import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's record of settled usage: what {@code bastion usage show} prints and what an account starts
 * from (after a restart of a single node, or after Redis lost its data). Settlements are added up in
 * memory and written in one batch per second on the store executor, never on an event loop; a crash
 * loses at most that second from the record (not from the live counters in Redis).
 * <p>
 * Each settlement gets a {@link Receipt} that tells when its usage reached the store, and a read for
 * seeding Redis tells when it read the store: usage written before a seed's read is in that seed, so a
 * settlement Redis receives late is not added a second time (see {@code lua/budget_settle.lua}). Both
 * times are wall-clock microseconds, comparable across nodes (not this object's clock, which decides
 * periods and may be a test's): a write and a read a millisecond apart must still be told apart.
 */
final class StoredUsage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoredUsage.class);

    private record Key(String ruleId, String subject, String orgId, long periodStart) {}

    /** What one account has accumulated since its last write, and when that write committed. */
    private static final class Batch {
        long tokens, cost; // changed only inside the map's compute for its key
        volatile long writtenAt = -1;
        /** Set when this batch's write failed and its amounts moved into the key's next batch. */
        volatile Batch movedTo;

        long writtenAt() {
            Batch b = this;
            while (b.writtenAt < 0 && b.movedTo != null) b = b.movedTo;
            return b.writtenAt;
        }
    }

    /** Where one settlement's usage went: per account, the batch that carries it to the store. */
    static final class Receipt {
        /** For usage that needs no writing (none). */
        static final Receipt NONE = new Receipt(null);
        private final Batch[] batches;

        private Receipt(Batch[] batches) {
            this.batches = batches;
        }

        /** When account i's share was written to the store (wall-clock µs), or -1 when not yet. */
        long writtenAt(int i) {
            return batches == null || batches[i] == null ? 0 : batches[i].writtenAt();
        }
    }

    /** The store's amount for an account, and when it was read (wall-clock µs, taken before the read began). */
    record Read(Amount amount, long readAt) {}

    private final Store store;
    private final Executor executor;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Batch> pending = new ConcurrentHashMap<>();

    StoredUsage(Store store, Executor executor, Clock clock) {
        this.store = store;
        this.executor = executor;
        this.clock = clock;
    }

    /** The account's settled usage as stored, plus what this node has not written yet (a local ledger's start). */
    Future<Amount> load(Account a) {
        long[] unwritten = {0, 0};
        pending.computeIfPresent(key(a), (k, b) -> {
            unwritten[0] = b.tokens;
            unwritten[1] = b.cost;
            return b;
        });
        Amount extra = new Amount(unwritten[0], unwritten[1]);
        return read(a).map(r -> r.amount().plus(extra));
    }

    /**
     * The account's settled usage as the store holds it (a Redis seed: usage this node has not written yet
     * reaches Redis by its own settlement, so it must not be in the seed too).
     */
    Future<Read> read(Account a) {
        return onContext(() -> CompletableFuture.supplyAsync(() -> {
            long readAt = nowMicros();
            Amount stored = store.usage().find(a.ruleId(), a.subject(), a.periodStart())
                    .map(u -> new Amount(u.tokens(), u.costMicros())).orElse(Amount.ZERO);
            return new Read(stored, readAt);
        }, executor));
    }

    private static <T> Future<T> onContext(Supplier<CompletableFuture<T>> work) {
        var ctx = Vertx.currentContext();
        return ctx == null ? Future.fromCompletionStage(work.get()) : Future.fromCompletionStage(work.get(), ctx);
    }

    /** Adds one settlement's usage to every account's record. */
    Receipt add(List<Account> accounts, Amount used) {
        if (used.tokens() == 0 && used.costMicros() == 0) return Receipt.NONE;
        Batch[] batches = new Batch[accounts.size()];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = pending.compute(key(accounts.get(i)), (k, b) -> {
                Batch sum = b == null ? new Batch() : b;
                sum.tokens += used.tokens();
                sum.cost += used.costMicros();
                return sum;
            });
        }
        return new Receipt(batches);
    }

    private static Key key(Account a) {
        return new Key(a.ruleId(), a.subject(), a.orgId(), a.periodStart().toEpochMilli());
    }

    /** Writes what has accumulated (called every second, and at shutdown). */
    void flush() {
        if (pending.isEmpty()) return;
        Instant now = clock.instant();
        for (Key k : List.copyOf(pending.keySet())) {
            Batch b = pending.remove(k);
            if (b == null) continue;
            try {
                store.usage().add(k.ruleId(), k.subject(), k.orgId(), Instant.ofEpochMilli(k.periodStart()), b.tokens, b.cost, now);
                b.writtenAt = nowMicros();
            } catch (RuntimeException ex) {
                // Keep it for the next flush rather than lose it.
                pending.compute(k, (key, next) -> {
                    if (next == null) return b;
                    next.tokens += b.tokens;
                    next.cost += b.cost;
                    b.movedTo = next;
                    return next;
                });
                log.warn("usage record not written, retrying: {}", ex.getMessage());
            }
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    void flushAsync() {
        executor.execute(this::flush);
    }

    @Override
    public void close() {
        flush();
    }
}
