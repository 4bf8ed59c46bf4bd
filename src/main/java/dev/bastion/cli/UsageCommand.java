package dev.bastion.cli;

import dev.bastion.budget.Periods;
import dev.bastion.budget.Pricing;
import dev.bastion.config.BudgetsConfig;
import dev.bastion.store.Store;
import dev.bastion.store.UsageRepository;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion usage show --org ORG}: LLM consumption per budget rule, subject and period, from the store. */
@Command(name = "usage", description = "Show LLM token and cost usage.", mixinStandardHelpOptions = true, subcommands = UsageCommand.Show.class)
public final class UsageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", description = "Print an org's usage per budget and period (current periods by default). "
            + "Gateways write usage every second.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", required = true, paramLabel = "ORG")
        String org;
        @Option(names = "--since", paramLabel = "DATE", description = "Every period since this day (YYYY-MM-DD, UTC), not just the current ones.")
        LocalDate since;

        @Override
        public Integer call() {
            Map<String, BudgetsConfig.Rule> rules = store.config().budgets().rules().stream()
                    .collect(Collectors.toMap(BudgetsConfig.Rule::id, Function.identity()));
            Instant now = Instant.now();
            Instant from = since != null ? since.atStartOfDay(ZoneOffset.UTC).toInstant()
                    : LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            try (Store s = store.open()) {
                List<UsageRepository.Usage> rows = s.usage().forOrg(org, from).stream()
                        .filter(u -> since != null || current(rules.get(u.ruleId()), u, now)).toList();
                PrintWriter out = spec.commandLine().getOut();
                if (rows.isEmpty()) {
                    out.println("No usage recorded for org " + org + (since == null ? " in the current periods." : " since " + since + "."));
                    out.flush();
                    return 0;
                }
                out.printf("%-16s %-8s %-22s %-32s %-26s %s%n", "RULE", "PERIOD", "FROM", "SUBJECT", "TOKENS", "COST");
                for (UsageRepository.Usage u : rows) {
                    BudgetsConfig.Rule r = rules.get(u.ruleId());
                    Long limit = r == null ? null : r.countsToolCalls() ? r.toolCalls() : r.tokens();
                    String tokens = u.tokens() + (limit != null ? " / " + limit + percent(u.tokens(), limit) : "") + (r != null && r.countsToolCalls() ? " calls" : "");
                    String cost = Pricing.format(u.costMicros()) + (r != null && r.cost() != null
                            ? " / " + r.cost().stripTrailingZeros().toPlainString() + percent(u.costMicros(), Pricing.micros(r.cost())) : "");
                    out.printf("%-16s %-8s %-22s %-32s %-26s %s%n", u.ruleId(), r == null ? "?" : r.period().name().toLowerCase(java.util.Locale.ROOT),
                            u.periodStart(), u.subject(), tokens, cost);
                }
                out.flush();
            }
            return 0;
        }

        /** Whether the row is the rule's current period (rows of rules no longer configured: this month's). */
        private static boolean current(BudgetsConfig.Rule rule, UsageRepository.Usage u, Instant now) {
            return rule == null || u.periodStart().equals(Periods.start(rule.period(), now));
        }

        private static String percent(long used, long limit) {
            return limit <= 0 ? "" : String.format(java.util.Locale.ROOT, " (%.0f%%)", 100.0 * used / limit);
        }
    }
}
