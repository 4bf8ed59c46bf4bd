package dev.bastion.budget;

/** Tokens and cost (in millionths of the price table's currency unit). */
record Amount(long tokens, long costMicros) {
    static final Amount ZERO = new Amount(0, 0);

    Amount plus(Amount o) {
        return new Amount(tokens + o.tokens, costMicros + o.costMicros);
    }
}
