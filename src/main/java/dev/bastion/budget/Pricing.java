package dev.bastion.budget;

import dev.bastion.config.BudgetsConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Cost in millionths of the price table's currency unit. A price per million tokens is exactly a price
 * in millionths per token, so {@code cost = prompt × input + completion × output}, rounded up to a whole
 * millionth (a budget is never undercharged by rounding).
 */
public final class Pricing {
    private Pricing() {}

    static long costMicros(BudgetsConfig.Price price, long promptTokens, long completionTokens) {
        if (price == null) return 0;
        return price.input().multiply(BigDecimal.valueOf(promptTokens))
                .add(price.output().multiply(BigDecimal.valueOf(completionTokens)))
                .setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** A budget's cost limit in millionths. */
    public static long micros(BigDecimal amount) {
        return amount.movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** Millionths as a plain decimal amount, for messages and the CLI. */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros).movePointLeft(6).stripTrailingZeros().toPlainString();
    }
}
