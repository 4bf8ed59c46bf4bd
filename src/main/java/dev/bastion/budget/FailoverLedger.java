package dev.bastion.budget;

import dev.bastion.budget.RedisLedger.Delivery;
import dev.bastion.budget.RedisLedger.Outcome;
import dev.bastion.state.BackendGuard;
import dev.bastion.state.Redelivery;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Redis ledger with the deployment's failure mode. While Redis is unreachable, {@code local} reserves
 * and settles on this node's own ledger and {@code deny} refuses (the control answers 503).
 * <p>
 * A settlement Redis did not confirm — a timeout, a lost connection, an outage — waits in the guard's
 * {@link Redelivery} and is sent again when Redis answers, and Redis applies each one exactly once
 * ({@code lua/budget_settle.lua}): a paused Redis that runs a timed-out settlement when it wakes and then
 * receives it again counts it once; a reservation whose release could not be delivered is released when
 * Redis returns with its data; usage settled on this node's own ledger is added to Redis unless the store
 * already had it when Redis re-seeded the account after losing its data.
 */
final class FailoverLedger implements Ledger {
    /** A reservation the caller must refuse with 503: Redis is down and the mode is {@code deny}. */
    static final Reservation UNAVAILABLE = new Reservation("-", List.of(), Amount.ZERO, false, new Amount[0], new Amount[0], new boolean[0],
            null, null);
    /** The answer for a settlement Redis did not confirm in time: it waits in {@link Redelivery}. */
    private static final Outcome NOT_SENT = new Outcome(List.of(), false, false);

    private final RedisLedger redis;
    private final LocalLedger local;
    /** This node's own ledger has decided since Redis last did (both event loops read and write it). */
    private volatile boolean onLocal;
    private final boolean fallBackToLocal;
    private final BackendGuard guard;
    private final Redelivery redelivery;
    private final Consumer<List<Settled>> settledLate;

    /**
     * @param settledLate told what a settlement added in Redis after its caller stopped waiting (the budget's
     *                    alerts and metrics), so each settlement is reported once however it got there
     */
    FailoverLedger(RedisLedger redis, LocalLedger local, boolean fallBackToLocal, BackendGuard guard, Consumer<List<Settled>> settledLate) {
        this.redis = redis;
        this.local = local;
        this.fallBackToLocal = fallBackToLocal;
        this.guard = guard;
        this.redelivery = guard.redelivery();
        this.settledLate = settledLate;
    }

    /**
     * Each Redis call is guarded on its own; the store read that seeds a new account is not (it is not
     * Redis being slow).
     */
    @Override
    public Future<Reservation> reserve(List<Account> accounts, Amount amount) {
        String id = RedisLedger.newId();
        return attempt(id, accounts, amount).compose(r -> {
            if (!(r instanceof RedisLedger.Unseeded u)) return Future.succeededFuture((Reservation) r);
            return redis.loadStored(u.accounts()).compose(stored -> guard.call(() -> redis.seed(u.accounts(), stored).map((Object) null),
                    () -> Future.succeededFuture(UNAVAILABLE))).compose(seeded -> seeded == UNAVAILABLE ? fallback(accounts, amount)
                    : attempt(id, accounts, amount).compose(again -> again instanceof Reservation res ? Future.succeededFuture(res) : fallback(accounts, amount)));
        }).map(this::answeredBy);
    }

    /** Redis decided again after this node's own ledger did: that ledger's counts are behind from now on. */
    private Reservation answeredBy(Reservation r) {
        if (onLocal && r.holder() == redis) {
            onLocal = false;
            local.redisBack();
        }
        return r;
    }

    /**
     * A reservation the caller no longer counts on is released: one Redis granted after the timeout, and one
     * whose answer never came (the script may have run in a Redis that then went silent or died).
     */
    private Future<Object> attempt(String id, List<Account> accounts, Amount amount) {
        return guard.call(() -> redis.tryReserve(id, accounts, amount).onFailure(t -> redelivery.later(release(id, accounts, amount, null))),
                () -> fallback(accounts, amount).map(r -> (Object) r),
                late -> {
                    if (late instanceof Reservation r && r.granted()) redelivery.send(release(r.id(), accounts, amount, r.generations()));
                });
    }

    /** Gives back a reservation Redis may hold (a settlement of nothing: a no-op if it holds none). */
    private Pending release(String id, List<Account> accounts, Amount amount, String[] generations) {
        return new Pending(new Delivery(id, accounts, amount, Amount.ZERO, generations, StoredUsage.Receipt.NONE), false);
    }

    private Future<Reservation> fallback(List<Account> accounts, Amount amount) {
        if (!fallBackToLocal) return Future.succeededFuture(UNAVAILABLE);
        onLocal = true;
        return local.reserve(accounts, amount);
    }

    @Override
    public Future<List<Settled>> settle(Reservation r, Amount used, StoredUsage.Receipt receipt) {
        Delivery d = Delivery.of(r, used, receipt);
        if (r.holder() == local) {
            // Redis never saw this reservation, but must see its usage; this node's ledger reports it.
            if (!d.usesNothing()) redelivery.later(new Pending(d, false));
            return local.settle(r, used, receipt);
        }
        Pending p = new Pending(d, true);
        return guard.call(() -> redis.deliver(d), () -> {
            redelivery.later(p);
            return Future.succeededFuture(NOT_SENT);
        }, late -> settledLate.accept(late.settled())).map(o -> {
            if (o != NOT_SENT && !p.done(o)) redelivery.later(p);
            return o.settled();
        });
    }

    /** A settlement or release for {@link Redelivery}. */
    private final class Pending implements Redelivery.Write {
        final Delivery delivery;
        private final boolean report;
        private int goneWhileStored;

        /** @param report whether what it adds in Redis is still to be reported (nobody has yet) */
        Pending(Delivery delivery, boolean report) {
            this.delivery = delivery;
            this.report = report;
        }

        @Override
        public Future<Boolean> send() {
            return redis.deliver(delivery).map(o -> {
                if (report && !o.settled().isEmpty()) settledLate.accept(o.settled());
                return done(o);
            });
        }

        /**
         * Whether nothing is left to send. An account Redis lost waits for the seed that starts it again from the
         * store: once the usage is in the store, that seed includes it. One more round after that, so a seed whose
         * store read raced the write is still answered by this delivery.
         */
        boolean done(Outcome o) {
            if (!o.gone()) return true;
            if (o.notInStore()) return false;
            return ++goneWhileStored >= 2;
        }
    }
}
