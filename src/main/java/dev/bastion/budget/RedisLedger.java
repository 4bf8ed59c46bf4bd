package dev.bastion.budget;

import dev.bastion.state.RedisScript;
import dev.bastion.state.RedisScript.Sender;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Budget accounts in Redis, shared by every instance: reservation and settlement are each one
 * {@code EVALSHA} ({@code lua/budget_reserve.lua}, {@code lua/budget_settle.lua}), atomic across all of a
 * request's accounts. An account Redis does not know yet (first use in a period, or Redis lost its data)
 * is seeded from the store's record first ({@code lua/budget_seed.lua}, once however many nodes race).
 * A settlement may be sent again (see {@link Delivery}): Redis applies each one exactly once.
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

    /**
     * A settlement (or, with {@code used} zero, a release) on its way to Redis; sending it again is safe.
     *
     * @param generations per account, the generation the reservation was made in; null when it was not made in Redis
     */
    record Delivery(String id, List<Account> accounts, Amount reserved, Amount used, String[] generations, StoredUsage.Receipt receipt) {
        static Delivery of(Reservation r, Amount used, StoredUsage.Receipt receipt) {
            return new Delivery(r.id(), r.accounts(), r.amount(), used, r.generations(), receipt);
        }

        boolean usesNothing() {
            return used.tokens() == 0 && used.costMicros() == 0;
        }
    }

    /**
     * @param settled     the accounts whose usage this delivery added
     * @param gone        some account is gone from Redis (it lost its data, nobody has seeded it since)
     * @param notInStore  ... and its share of the usage had not reached the store when sent, so a later seed may miss it
     */
    record Outcome(List<Settled> settled, boolean gone, boolean notInStore) {}

    /**
     * A reservation id: 128 random bits, unique across nodes. Not a secret (it never leaves Bastion and Redis),
     * so a fast generator will do: {@code UUID.randomUUID()}'s {@code SecureRandom} cost ~1.7 µs a request.
     */
    static String newId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + '-' + Long.toHexString(r.nextLong());
    }

    @Override
    public Future<Reservation> reserve(List<Account> accounts, Amount amount) {
        String id = newId();
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
    Future<List<StoredUsage.Read>> loadStored(List<Account> accounts) {
        List<Future<StoredUsage.Read>> loads = new ArrayList<>();
        for (Account a : accounts) loads.add(stored.read(a));
        return Future.all(loads).map(all -> {
            List<StoredUsage.Read> out = new ArrayList<>();
            for (int i = 0; i < accounts.size(); i++) out.add(all.resultAt(i));
            return out;
        });
    }

    /** Starts the accounts from the stored amounts (only the first seeding of an account counts). */
    Future<Void> seed(List<Account> accounts, List<StoredUsage.Read> stored) {
        long now = System.currentTimeMillis();
        List<String> keys = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            keys.add(accounts.get(i).key());
            args.add(stored.get(i).amount().tokens());
            args.add(stored.get(i).amount().costMicros());
            args.add(accounts.get(i).ttlMs(now));
            args.add(stored.get(i).readAt());
        }
        return SEED.run(redis, keys, args).mapEmpty();
    }

    private Reservation reservation(String id, List<Account> accounts, Amount amount, Response r) {
        int n = accounts.size();
        Amount[] used = new Amount[n];
        Amount[] reserved = new Amount[n];
        boolean[] newly = new boolean[n];
        String[] generations = new String[n];
        for (int i = 0; i < n; i++) {
            int o = 1 + i * 6;
            used[i] = new Amount(r.get(o).toLong(), r.get(o + 1).toLong());
            reserved[i] = new Amount(r.get(o + 2).toLong(), r.get(o + 3).toLong());
            newly[i] = r.get(o + 4).toInteger() == 1;
            generations[i] = r.get(o + 5).toString();
        }
        return new Reservation(id, accounts, amount, r.get(0).toInteger() == 1, used, reserved, newly, this, generations);
    }

    @Override
    public Future<List<Settled>> settle(Reservation r, Amount used, StoredUsage.Receipt receipt) {
        return deliver(Delivery.of(r, used, receipt)).map(Outcome::settled);
    }

    /** Applies a settlement exactly once, however often it is sent (see {@code lua/budget_settle.lua}). */
    Future<Outcome> deliver(Delivery d) {
        List<Account> accounts = d.accounts();
        List<Object> args = new ArrayList<>(5 + accounts.size() * 2);
        args.add(d.id());
        args.add(d.reserved().tokens());
        args.add(d.reserved().costMicros());
        args.add(d.used().tokens());
        args.add(d.used().costMicros());
        long[] writtenAt = new long[accounts.size()];
        for (int i = 0; i < accounts.size(); i++) {
            writtenAt[i] = d.receipt().writtenAt(i);
            args.add(d.generations() == null ? "" : d.generations()[i]);
            args.add(writtenAt[i]);
        }
        return SETTLE.run(redis, keys(accounts), args).map(r -> {
            List<Settled> out = new ArrayList<>(accounts.size());
            boolean gone = false, notInStore = false;
            for (int i = 0; i < accounts.size(); i++) {
                int o = i * 5;
                int state = r.get(o).toInteger();
                if (state == 1) {
                    out.add(new Settled(accounts.get(i), new Amount(r.get(o + 1).toLong(), r.get(o + 3).toLong()),
                            new Amount(r.get(o + 2).toLong(), r.get(o + 4).toLong())));
                }
                if (state == -1 && !d.usesNothing()) {
                    gone = true;
                    notInStore |= writtenAt[i] < 0;
                }
            }
            return new Outcome(out, gone, notInStore);
        });
    }

    /** Each account's state, its reservations, and what became of reservations it no longer holds (lapsed, settled late). */
    private static List<String> keys(List<Account> accounts) {
        List<String> keys = new ArrayList<>(accounts.size() * 3);
        for (Account a : accounts) {
            keys.add(a.key());
            keys.add(a.key() + ":r");
            keys.add(a.key() + ":d");
        }
        return keys;
    }
}
