package dev.bastion.budget;

import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import dev.bastion.state.RedisScript.Sender;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Budget accounts in Redis, shared by every instance: reservation and settlement are each one
 * {@code EVALSHA} ({@code lua/budget_reserve.lua}, {@code lua/budget_settle.lua}), atomic across all of a
 * request's accounts. An account Redis does not know yet (first use in a period, or Redis lost its data)
 * is seeded from the store's record first ({@code lua/budget_seed.lua}, once however many nodes race).
 */
final class RedisLedger implements Ledger {
    static final RedisScript RESERVE = RedisScript.load("/lua/budget_reserve.lua");
    static final RedisScript SETTLE = RedisScript.load("/lua/budget_settle.lua");
    static final RedisScript SEED = RedisScript.load("/lua/budget_seed.lua");

    private final Sender redis;
    private final StoredUsage stored;
    private final long leaseMs;

    RedisLedger(Sender redis, StoredUsage stored, long leaseMs) {
        this.redis = redis;
        this.stored = stored;
        this.leaseMs = leaseMs;
    }

    /** Accounts Redis does not know yet: they must be seeded from the store before a reservation. */
    record Unseeded(List<Account> accounts) {}

    @Override
    public Future<Reservation> reserve(List<Account> accounts, Amount amount) {
        String id = UUID.randomUUID().toString();
        return tryReserve(id, accounts, amount).compose(r -> {
            if (r instanceof Reservation res) return Future.succeededFuture(res);
            List<Account> unseeded = ((Unseeded) r).accounts();
            return loadStored(unseeded).compose(stored -> seed(unseeded, stored)).compose(v -> tryReserve(id, accounts, amount)).compose(again ->
                    again instanceof Reservation res ? Future.succeededFuture(res) : Future.failedFuture(new IllegalStateException("budget account vanished while seeding")));
        });
    }

    /** One reservation attempt: a {@link Reservation}, or {@link Unseeded} when accounts need seeding first. */
    Future<Object> tryReserve(String id, List<Account> accounts, Amount amount) {
        long now = System.currentTimeMillis();
        List<Object> args = new ArrayList<>(4 + accounts.size() * 3);
        args.add(id);
        args.add(leaseMs);
        args.add(amount.tokens());
        args.add(amount.costMicros());
        for (Account a : accounts) {
            args.add(a.tokenLimit());
            args.add(a.costLimitMicros());
            args.add(a.ttlMs(now));
        }
        return RESERVE.run(redis, keys(accounts), args).map(r -> {
            if (r.get(0).toInteger() != -1) return reservation(id, accounts, amount, r);
            List<Account> unseeded = new ArrayList<>();
            for (int i = 1; i < r.size(); i++) unseeded.add(accounts.get(r.get(i).toInteger() - 1));
            return new Unseeded(unseeded);
        });
    }

    /** What the store has recorded for the accounts (a store read, on the store executor). */
    Future<List<Amount>> loadStored(List<Account> accounts) {
        List<Future<Amount>> loads = new ArrayList<>();
        for (Account a : accounts) loads.add(stored.load(a));
        return Future.all(loads).map(all -> {
            List<Amount> out = new ArrayList<>();
            for (int i = 0; i < accounts.size(); i++) out.add(all.resultAt(i));
            return out;
        });
    }

    /** Starts the accounts from the stored amounts (only the first seeding of an account counts). */
    Future<Void> seed(List<Account> accounts, List<Amount> stored) {
        long now = System.currentTimeMillis();
        List<String> keys = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            keys.add(accounts.get(i).key());
            args.add(stored.get(i).tokens());
            args.add(stored.get(i).costMicros());
            args.add(accounts.get(i).ttlMs(now));
        }
        return SEED.run(redis, keys, args).mapEmpty();
    }

    private Reservation reservation(String id, List<Account> accounts, Amount amount, Response r) {
        int n = accounts.size();
        Amount[] used = new Amount[n];
        Amount[] reserved = new Amount[n];
        boolean[] newly = new boolean[n];
        for (int i = 0; i < n; i++) {
            int o = 1 + i * 5;
            used[i] = new Amount(r.get(o).toLong(), r.get(o + 1).toLong());
            reserved[i] = new Amount(r.get(o + 2).toLong(), r.get(o + 3).toLong());
            newly[i] = r.get(o + 4).toInteger() == 1;
        }
        return new Reservation(id, accounts, amount, r.get(0).toInteger() == 1, used, reserved, newly, this);
    }

    @Override
    public Future<List<Settled>> settle(Reservation r, Amount used) {
        return apply(r.accounts(), r.id(), r.amount(), used);
    }

    @Override
    public Future<List<Settled>> record(List<Account> accounts, Amount used) {
        return apply(accounts, "-", Amount.ZERO, used);
    }

    private Future<List<Settled>> apply(List<Account> accounts, String id, Amount reserved, Amount used) {
        List<Object> args = List.of(id, reserved.tokens(), reserved.costMicros(), used.tokens(), used.costMicros());
        return SETTLE.run(redis, keys(accounts), args).map(r -> {
            List<Settled> out = new ArrayList<>(accounts.size());
            for (int i = 0; i < accounts.size(); i++) {
                long bt = r.get(i * 4).toLong();
                if (bt < 0) continue;
                out.add(new Settled(accounts.get(i), new Amount(bt, r.get(i * 4 + 2).toLong()), new Amount(r.get(i * 4 + 1).toLong(), r.get(i * 4 + 3).toLong())));
            }
            return out;
        });
    }

    /** Each account's state, then its reservations. */
    private static List<String> keys(List<Account> accounts) {
        List<String> keys = new ArrayList<>(accounts.size() * 2);
        for (Account a : accounts) {
            keys.add(a.key());
            keys.add(a.key() + ":r");
        }
        return keys;
    }
}
