package dev.bastion.budget;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Budget accounts in this process: the same rules as {@code lua/budget_*.lua} (reservations with a lease,
 * all-or-none across accounts, first-exhaustion flag), under one lock. An account starts from the store's
 * record the first time it is used in its period, so a restarted node does not forget a month's usage.
 */
final class LocalLedger implements Ledger {
    private static final class State {
        long ut, uc, rt, rc;
        boolean exhausted;
        /** Usage seen before Redis answered again: read from the store once more before it decides (another outage). */
        volatile boolean stale; // read before the ledger's lock is taken
        final long endMs;
        final Map<String, long[]> reservations = new HashMap<>(); // id -> {tokens, cost, expiresAt}
        /** No reservation expires before this: a request looks through them only when one can have (not once per request). */
        long nextExpiry = Long.MAX_VALUE;

        State(long endMs, Amount stored) {
            this.endMs = endMs;
            this.ut = stored.tokens();
            this.uc = stored.costMicros();
        }
    }

    private final Map<String, State> accounts = new ConcurrentHashMap<>();
    private final StoredUsage stored;
    private final long leaseMs;
    private final LongSupplier clock;
    private long lastSweep;

    LocalLedger(StoredUsage stored, long leaseMs, LongSupplier clock) {
        this.stored = stored;
        this.leaseMs = leaseMs;
        this.clock = clock;
    }

    @Override
    public Future<Reservation> reserve(List<Account> list, Amount amount) {
        List<Account> unseeded = new ArrayList<>();
        for (Account a : list) {
            State st = accounts.get(a.key());
            if (st == null || st.stale) unseeded.add(a);
        }
        if (unseeded.isEmpty()) return Future.succeededFuture(decide(list, amount));
        Future<Void> seeded = Future.succeededFuture();
        for (Account a : unseeded) seeded = seeded.compose(v -> stored.load(a).map(amt -> {
            seed(a, amt);
            return null;
        }));
        return seeded.map(v -> decide(list, amount));
    }

    /** A new account starts from the store; a stale one takes the store's usage where it is higher (its reservations stay). */
    private synchronized void seed(Account a, Amount fromStore) {
        State st = accounts.putIfAbsent(a.key(), new State(a.periodEnd().toEpochMilli() + 86_400_000L, fromStore));
        if (st != null && st.stale) {
            st.ut = Math.max(st.ut, fromStore.tokens());
            st.uc = Math.max(st.uc, fromStore.costMicros());
            st.stale = false;
        }
    }

    /**
     * Redis answered again: what this ledger counted is now behind the deployment (other nodes spent through
     * Redis meanwhile). The next outage reads every account from the store again before deciding on it.
     */
    synchronized void redisBack() {
        for (State st : accounts.values()) st.stale = true;
    }

    private synchronized Reservation decide(List<Account> list, Amount amount) {
        long now = clock.getAsLong();
        sweepEndedPeriods(now);
        int n = list.size();
        State[] s = new State[n];
        Amount[] used = new Amount[n];
        Amount[] reserved = new Amount[n];
        boolean[] fits = new boolean[n];
        boolean ok = true;
        for (int i = 0; i < n; i++) {
            Account a = list.get(i);
            State st = accounts.computeIfAbsent(a.key(), k -> new State(a.periodEnd().toEpochMilli() + 86_400_000L, Amount.ZERO));
            expire(st, now);
            s[i] = st;
            used[i] = new Amount(st.ut, st.uc);
            reserved[i] = new Amount(st.rt, st.rc);
            fits[i] = (a.tokenLimit() < 0 || st.ut + st.rt + amount.tokens() <= a.tokenLimit())
                    && (a.costLimitMicros() < 0 || st.uc + st.rc + amount.costMicros() <= a.costLimitMicros());
            ok &= fits[i];
        }
        String id = RedisLedger.newId();
        boolean[] newly = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (ok) {
                s[i].rt += amount.tokens();
                s[i].rc += amount.costMicros();
                s[i].reservations.put(id, new long[] {amount.tokens(), amount.costMicros(), now + leaseMs});
                s[i].nextExpiry = Math.min(s[i].nextExpiry, now + leaseMs);
            } else if (!fits[i] && !s[i].exhausted) {
                s[i].exhausted = true;
                newly[i] = true;
            }
        }
        return new Reservation(id, list, amount, ok, used, reserved, newly, this, null);
    }

    /** The receipt does not matter here: this process's accounts are only ever seeded before their first use. */
    @Override
    public synchronized Future<List<Settled>> settle(Reservation r, Amount used, StoredUsage.Receipt receipt) {
        List<Settled> out = new ArrayList<>(r.accounts().size());
        for (Account a : r.accounts()) {
            State st = accounts.get(a.key());
            if (st == null) continue; // its period ended long ago
            long[] held = st.reservations.remove(r.id());
            if (held != null) {
                st.rt -= held[0];
                st.rc -= held[1];
            }
            Amount before = new Amount(st.ut, st.uc);
            st.ut += used.tokens();
            st.uc += used.costMicros();
            out.add(new Settled(a, before, new Amount(st.ut, st.uc)));
        }
        return Future.succeededFuture(out);
    }

    /** Reservations whose lease ran out stop holding budget (their request is long gone). */
    private static void expire(State st, long now) {
        if (now < st.nextExpiry) return;
        long next = Long.MAX_VALUE;
        for (Iterator<long[]> it = st.reservations.values().iterator(); it.hasNext(); ) {
            long[] r = it.next();
            if (r[2] <= now) {
                st.rt -= r[0];
                st.rc -= r[1];
                it.remove();
            } else {
                next = Math.min(next, r[2]);
            }
        }
        st.nextExpiry = next;
    }

    private void sweepEndedPeriods(long now) {
        if (now - lastSweep < 60_000) return;
        lastSweep = now;
        accounts.values().removeIf(st -> st.endMs < now);
    }
}
