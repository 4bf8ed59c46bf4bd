package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.Durations;
import dev.bastion.secrets.SecretStatus;
import dev.bastion.secrets.SecretStatus.Row;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion secrets status}: every secret reference of a config, its age and when it is due for rotation. */
@Command(name = "secrets", description = "Inspect the config's secret references (never their values).", mixinStandardHelpOptions = true,
        subcommands = SecretsCommand.Status.class)
public final class SecretsCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List each secret reference: where it is used, its source, its age and when rotation is due. "
                    + "Exit 1 when one is overdue or cannot be read (for CI).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "bastion.yaml", description = "Config file (default: ${DEFAULT-VALUE}).")
        Path config;
        @Option(names = "--json", description = "Print one JSON document on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            BastionConfig c = new ConfigLoader().load(config);
            List<Row> rows;
            // vault: and aws-sm: references are read through the same egress policy as the gateway's
            try (ConnectedSecrets connected = new ConnectedSecrets(c)) {
                rows = SecretStatus.of(c, connected.resolver, Clock.systemUTC().instant(), spec.commandLine().getErr()::println);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(SecretStatus.json(rows));
            else table(out, rows);
            out.flush();
            return rows.stream().anyMatch(r -> r.state().equals("overdue") || r.state().equals("unreadable")) ? 1 : 0;
        }

        private static void table(PrintWriter out, List<Row> rows) {
            if (rows.isEmpty()) {
                out.println("no secret references in this config");
                return;
            }
            int w = Math.max(3, rows.stream().mapToInt(r -> r.place().length()).max().orElse(3));
            String format = "%-" + w + "s  %-6s  %-8s  %-7s  %-22s  %s%n";
            out.printf(format, "REF", "SOURCE", "AGE", "MAX AGE", "ROTATION DUE", "STATE");
            for (Row r : rows) {
                out.printf(format, r.place(), r.source(), r.age() == null ? "-" : days(r.age()), Durations.format(r.maxAge()),
                        r.dueAt() == null ? "-" : r.dueAt().truncatedTo(ChronoUnit.SECONDS).toString(), r.state().replace('_', ' '));
            }
        }

        private static String days(Duration d) {
            return d.toDays() > 0 ? d.toDays() + "d" : d.toHours() > 0 ? d.toHours() + "h" : Math.max(0, d.toMinutes()) + "m";
        }
    }
}
