package dev.bastion.llm;

/**
 * What one exchange's model calls used, as the budget settled it (the provider's usage, else the tokens counted):
 * left on the exchange for the record step, which keeps usage over time (docs/observability.md). Attempts of a
 * failover plan add up.
 *
 * @param model      the model the client asked for (the public name)
 * @param costMicros cost in millionths of the price table's currency; 0 when the model has no price
 */
public record MeteredCall(String model, long tokensIn, long tokensOut, long costMicros) {
    public MeteredCall plus(MeteredCall other) {
        return other == null ? this : new MeteredCall(model, tokensIn + other.tokensIn, tokensOut + other.tokensOut, costMicros + other.costMicros);
    }
}
