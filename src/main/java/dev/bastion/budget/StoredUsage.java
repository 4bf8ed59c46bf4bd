package dev.bastion.budget;

import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's record of settled usage: what {@code bastion usage show} prints and what an account starts
 * from (after a restart of a single node, or after Redis lost its data). Settlements are added up in
 * memory and written in one batch per second on the store executor, never on an event loop; a crash
 * loses at most that second from the record (not from the live counters in Redis).
 */
final class StoredUsage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoredUsage.class);

    private record Key(String ruleId, String subject, String orgId, long periodStart) {}

    private final Store store;
    private final Executor executor;
    private final Clock clock;
    private final ConcurrentHashMap<Key, long[]> pending = new ConcurrentHashMap<>();

    StoredUsage(Store store, Executor executor, Clock clock) {
        this.store = store;
        this.executor = executor;
        this.clock = clock;
    }

    /** The account's settled usage as stored (including what this node has not written yet). */
    Future<Amount> load(Account a) {
        CompletableFuture<Amount> f = CompletableFuture.supplyAsync(() -> store.usage().find(a.ruleId(), a.subject(), a.periodStart())
                .map(u -> new Amount(u.tokens(), u.costMicros())).orElse(Amount.ZERO), executor);
        long[] unwritten = pending.get(new Key(a.ruleId(), a.subject(), a.orgId(), a.periodStart().toEpochMilli()));
        Amount extra = unwritten == null ? Amount.ZERO : new Amount(unwritten[0], unwritten[1]);
        var ctx = Vertx.currentContext();
        return (ctx == null ? Future.fromCompletionStage(f) : Future.fromCompletionStage(f, ctx)).map(x -> x.plus(extra));
    }

    void add(Account a, Amount used) {
        if (used.tokens() == 0 && used.costMicros() == 0) return;
        pending.compute(new Key(a.ruleId(), a.subject(), a.orgId(), a.periodStart().toEpochMilli()), (k, v) -> {
            long[] sum = v == null ? new long[2] : v;
            sum[0] += used.tokens();
            sum[1] += used.costMicros();
            return sum;
        });
    }

    /** Writes what has accumulated (called every second, and at shutdown). */
    void flush() {
        if (pending.isEmpty()) return;
        List<Map.Entry<Key, long[]>> batch = new ArrayList<>();
        for (Key k : List.copyOf(pending.keySet())) {
            long[] v = pending.remove(k);
            if (v != null) batch.add(Map.entry(k, v));
        }
        Instant now = clock.instant();
        for (Map.Entry<Key, long[]> e : batch) {
            Key k = e.getKey();
            try {
                store.usage().add(k.ruleId(), k.subject(), k.orgId(), Instant.ofEpochMilli(k.periodStart()), e.getValue()[0], e.getValue()[1], now);
            } catch (RuntimeException ex) {
                // Keep it for the next flush rather than lose it.
                pending.merge(k, e.getValue(), (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                log.warn("usage record not written, retrying: {}", ex.getMessage());
            }
        }
    }

    void flushAsync() {
        executor.execute(this::flush);
    }

    @Override
    public void close() {
        flush();
    }
}
