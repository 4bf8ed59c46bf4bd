package dev.bastion.budget;

import dev.bastion.state.BackendGuard;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis ledger with the deployment's failure mode. While Redis is unreachable, {@code local} reserves
 * and settles on this node's own ledger and {@code deny} refuses (the control answers 503). Usage that
 * Redis did not see — settled locally, or a Redis settlement that failed — is kept and recorded in Redis
 * once it answers again, so the shared counters catch up by themselves.
 */
final class FailoverLedger implements Ledger {
    /** A reservation the caller must refuse with 503: Redis is down and the mode is {@code deny}. */
    static final Reservation UNAVAILABLE = new Reservation("-", List.of(), Amount.ZERO, false, new Amount[0], new Amount[0], new boolean[0], null);
    private static final Logger log = LoggerFactory.getLogger(FailoverLedger.class);
    private static final int MAX_REPLAY = 100_000;

    private record Unseen(List<Account> accounts, Amount used) {}

    private final RedisLedger redis;
    private final LocalLedger local;
    private final boolean fallBackToLocal;
    private final BackendGuard guard;
    private final ConcurrentLinkedQueue<Unseen> replay = new ConcurrentLinkedQueue<>();
    private final AtomicInteger replaySize = new AtomicInteger();
    private final AtomicBoolean replaying = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    FailoverLedger(RedisLedger redis, LocalLedger local, boolean fallBackToLocal, BackendGuard guard) {
        this.redis = redis;
        this.local = local;
        this.fallBackToLocal = fallBackToLocal;
        this.guard = guard;
    }

    /**
     * Each Redis call is guarded on its own; the store read that seeds a new account is not (it is not
     * Redis being slow). A reservation Redis granted after its timeout is given straight back.
     */
    @Override
    public Future<Reservation> reserve(List<Account> accounts, Amount amount) {
        String id = java.util.UUID.randomUUID().toString();
        return attempt(id, accounts, amount).compose(r -> {
            if (!(r instanceof RedisLedger.Unseeded u)) return Future.succeededFuture((Reservation) r);
            return redis.loadStored(u.accounts()).compose(stored -> guard.call(() -> redis.seed(u.accounts(), stored).map((Object) null),
                    () -> Future.succeededFuture(UNAVAILABLE))).compose(seeded -> seeded == UNAVAILABLE ? fallback(accounts, amount)
                    : attempt(id, accounts, amount).compose(again -> again instanceof Reservation res ? Future.succeededFuture(res) : fallback(accounts, amount)));
        });
    }

    private Future<Object> attempt(String id, List<Account> accounts, Amount amount) {
        return guard.call(() -> redis.tryReserve(id, accounts, amount).onSuccess(r -> replayUnseen()),
                () -> fallback(accounts, amount).map(r -> (Object) r),
                late -> {
                    if (late instanceof Reservation r && r.granted()) redis.settle(r, Amount.ZERO);
                });
    }

    private Future<Reservation> fallback(List<Account> accounts, Amount amount) {
        return fallBackToLocal ? local.reserve(accounts, amount) : Future.succeededFuture(UNAVAILABLE);
    }

    @Override
    public Future<List<Settled>> settle(Reservation r, Amount used) {
        if (r.holder() == local) {
            remember(r.accounts(), used);
            return local.settle(r, used);
        }
        return guard.call(() -> redis.settle(r, used), () -> {
            // The reservation's lease frees it in Redis; the usage itself must not be lost.
            remember(r.accounts(), used);
            return Future.succeededFuture(List.of());
        });
    }

    @Override
    public Future<List<Settled>> record(List<Account> accounts, Amount used) {
        return redis.record(accounts, used);
    }

    private void remember(List<Account> accounts, Amount used) {
        if (used.tokens() == 0 && used.costMicros() == 0) return;
        replay.add(new Unseen(accounts, used));
        if (replaySize.incrementAndGet() > MAX_REPLAY && replay.poll() != null) {
            replaySize.decrementAndGet();
            if (dropped.getAndIncrement() % 10_000 == 0) {
                log.warn("budget usage awaiting Redis exceeds {} records; the oldest leave the shared counters (the store keeps them)", MAX_REPLAY);
            }
        }
    }

    private void replayUnseen() {
        if (replay.isEmpty() || !replaying.compareAndSet(false, true)) return;
        drain();
    }

    private void drain() {
        Unseen u = replay.poll();
        if (u == null) {
            replaying.set(false);
            if (!replay.isEmpty()) replayUnseen();
            return;
        }
        replaySize.decrementAndGet();
        redis.record(u.accounts(), u.used()).onComplete(ar -> {
            if (ar.failed()) {
                replay.add(u); // Redis went away again: try at the next success
                replaySize.incrementAndGet();
                replaying.set(false);
                return;
            }
            drain();
        });
    }
}
