package dev.bastion.chain;

/**
 * Told about every exchange by the chain runner, in one place: where the access log and the metrics are
 * recorded, and where the audit trail attaches. Called on the exchange's event loop; must not block.
 */
public interface ExchangeListener {
    /**
     * A step refused the exchange (or could not decide: a fault is a refusal with {@code control_fault}).
     * Called before the refusal is written.
     *
     * @param step the control's name, or the runner's own step ({@code route}, {@code body}, {@code forward})
     */
    default void refused(Exchange exchange, String step, Verdict.Deny refusal) {}

    /** The exchange is over, whichever way it ended; called exactly once, after the last byte. */
    default void finished(Exchange exchange, long endNanos) {}
}
