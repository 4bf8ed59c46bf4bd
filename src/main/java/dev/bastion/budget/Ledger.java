package dev.bastion.budget;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where budget accounts live: this process, or Redis shared by every instance. Both answer the same
 * two atomic operations, so N instances × M concurrent requests can never overspend by more than what
 * is reserved in flight — and, when reservations cover real usage, never at all.
 */
interface Ledger {
    /** A reservation held, or refused; {@code exhausted[i]} is true when account i was refused for the first time this period. */
    record Reservation(String id, List<Account> accounts, Amount amount, boolean granted, Amount[] used, Amount[] reserved,
                       boolean[] newlyExhausted, Ledger holder) {}

    /** One account's settled usage before and after a settlement (for threshold alerts). */
    record Settled(Account account, Amount before, Amount after) {}

    /** Reserves {@code amount} on every account, all or none. */
    Future<Reservation> reserve(List<Account> accounts, Amount amount);

    /** Gives back a granted reservation and records what was really used instead. */
    Future<List<Settled>> settle(Reservation reservation, Amount used);

    /** Records usage that has no reservation here (usage settled elsewhere while this ledger was unreachable). */
    Future<List<Settled>> record(List<Account> accounts, Amount used);
}
