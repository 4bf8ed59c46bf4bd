package dev.bastion.budget;

import dev.bastion.chain.Control;
import dev.bastion.config.BudgetsConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.llm.TokenCounter;
import dev.bastion.observe.AuditLog;
import dev.bastion.state.BackendGuard;
import dev.bastion.state.SharedState;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The budgets of one gateway: the ledger (this process, or Redis with the deployment's failure mode),
 * the store's usage record and its writer, and the control for each LLM route a rule applies to.
 */
public final class BudgetsRuntime implements AutoCloseable {
    /** A reservation a node forgot (it died mid-request) stops holding budget after this. */
    static final long LEASE_MS = Duration.ofHours(1).toMillis();

    private final BudgetsConfig config;
    private final TokenCounter counter = new TokenCounter();
    private final StoredUsage stored;
    private final Ledger ledger;
    private final BudgetEvents events;
    private final BackendGuard guard;
    private final Clock clock;

    private BudgetsRuntime(BudgetsConfig config, Store store, Executor storeExecutor, SharedState state, MeterRegistry registry,
                           AuditLog audit, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.stored = new StoredUsage(store, storeExecutor, clock);
        LocalLedger local = new LocalLedger(stored, LEASE_MS, clock::millis);
        this.guard = state.guard("budgets");
        this.events = new BudgetEvents(audit, registry, config.alerts(), config.rules().stream().map(BudgetsConfig.Rule::id).toList());
        this.ledger = state.shared()
                ? new FailoverLedger(new RedisLedger(state.redis(), stored, LEASE_MS), local, state.fallBackToLocal(), guard, events::settled)
                : local;
        if (guard != null) guard.registerMetric(registry);
    }

    public static BudgetsRuntime create(BudgetsConfig config, Store store, Executor storeExecutor, SharedState state, MeterRegistry registry,
                                        AuditLog audit, Clock clock) {
        return new BudgetsRuntime(config, store, storeExecutor, state, registry, audit, clock);
    }

    /** The route's budget control, or null when no rule applies to it. */
    public Control forRoute(RouteConfig route) {
        if (route.llm() == null || route.publicRoute()) return null;
        List<BudgetsConfig.Rule> rules = config.rules().stream().filter(r -> !r.countsToolCalls() && r.appliesTo(route)).toList();
        if (rules.isEmpty()) return null;
        return new BudgetControl(route.llm().normalised(), rules, config, counter, ledger, stored, events, clock);
    }

    /** The {@code tool_calls} budgets of an MCP route, or null when none applies to it. */
    public ToolCallBudgets toolCalls(RouteConfig route) {
        if (route.mcp() == null || route.publicRoute()) return null;
        List<BudgetsConfig.Rule> rules = config.rules().stream().filter(r -> r.countsToolCalls() && r.appliesTo(route)).toList();
        return rules.isEmpty() ? null : new ToolCallBudgets(rules, ledger, stored, events, clock);
    }

    /** Writes settled usage to the store (call every second; runs on the store executor). */
    public void flushSoon() {
        stored.flushAsync();
    }

    @Override
    public void close() {
        stored.close();
    }
}
