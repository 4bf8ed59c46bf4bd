package dev.bastion.budget;

import dev.bastion.chain.Identity;
import dev.bastion.config.BudgetsConfig;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Budgets that count MCP tool calls ({@code budgets.rules[].tool_calls}) per org, user, client or key and calendar
 * period, on the same ledger as token budgets (Redis when configured): a call takes one unit from every rule that
 * applies, all or none, and is settled at once — a call is billed when it is sent, whatever its result — so its usage
 * reaches the store and {@code bastion usage} like tokens do (the tokens column holds the calls).
 */
public final class ToolCallBudgets {
    private static final Amount ONE = new Amount(1, 0);
    private final List<BudgetsConfig.Rule> rules;
    private final Ledger ledger;
    private final StoredUsage stored;
    private final BudgetEvents events;
    private final Clock clock;

    ToolCallBudgets(List<BudgetsConfig.Rule> rules, Ledger ledger, StoredUsage stored, BudgetEvents events, Clock clock) {
        this.rules = List.copyOf(rules);
        this.ledger = ledger;
        this.stored = stored;
        this.events = events;
        this.clock = clock;
    }

    /**
     * What the ledger said about one call.
     *
     * @param allowed        every budget had room, and the call is counted
     * @param unavailable    the shared ledger could not decide and the failure mode refuses
     * @param rule           the exhausted budget (refusals)
     * @param retryAfterSecs until that budget's period renews (refusals)
     */
    public record Outcome(boolean allowed, boolean unavailable, String rule, long retryAfterSecs) {}

    /** Counts one tool call of {@code caller} against every budget, or says which one is spent. */
    public Future<Outcome> charge(Identity caller) {
        Instant now = clock.instant();
        List<Account> accounts = new ArrayList<>(rules.size());
        for (BudgetsConfig.Rule r : rules) {
            Instant start = Periods.start(r.period(), now);
            accounts.add(new Account(r.id(), caller.key(r.per().key), caller.orgId(), start, Periods.end(r.period(), start), r.toolCalls(), -1));
        }
        return ledger.reserve(accounts, ONE).map(res -> {
            if (res == FailoverLedger.UNAVAILABLE) return new Outcome(false, true, null, 1);
            if (!res.granted()) {
                int spent = 0;
                for (int k = 0; k < accounts.size(); k++) {
                    if (res.used()[k].plus(res.reserved()[k]).tokens() + 1 > accounts.get(k).tokenLimit()) {
                        events.refused(accounts.get(k), res.newlyExhausted()[k]);
                        spent = k;
                    }
                }
                Account a = accounts.get(spent);
                return new Outcome(false, false, a.ruleId(), Math.max(1, a.periodEnd().getEpochSecond() - now.getEpochSecond()));
            }
            ledger.settle(res, ONE, stored.add(accounts, ONE)).onSuccess(events::settled);
            return new Outcome(true, false, null, 0);
        });
    }
}
