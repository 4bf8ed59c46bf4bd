package dev.bastion.budget;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where budget accounts live: this process, or Redis shared by every instance. Both answer the same
 * two atomic operations, so N instances × M concurrent requests can never overspend by more than what
 * is reserved in flight — and, when reservations cover real usage, never at all.
 */
interface Ledger {
    /**
     * A reservation held, or refused; {@code newlyExhausted[i]} is true when account i was refused for the first
     * time this period. {@code generations[i]} is account i's generation in Redis when the reservation was made
     * (null for a reservation held in this process): a settlement names it so Redis applies it exactly once.
     */
    record Reservation(String id, List<Account> accounts, Amount amount, boolean granted, Amount[] used, Amount[] reserved,
                       boolean[] newlyExhausted, Ledger holder, String[] generations) {}

    /** One account's settled usage before and after a settlement (for threshold alerts). */
    record Settled(Account account, Amount before, Amount after) {}

    /** Reserves {@code amount} on every account, all or none. */
    Future<Reservation> reserve(List<Account> accounts, Amount amount);

    /**
     * Gives back a granted reservation and records what was really used instead.
     *
     * @param receipt where that usage went in the store, and when it got there
     */
    Future<List<Settled>> settle(Reservation reservation, Amount used, StoredUsage.Receipt receipt);
}
