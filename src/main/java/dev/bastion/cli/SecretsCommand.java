package dev.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.Durations;
import dev.bastion.config.SecretPlaces;
import dev.bastion.config.SecretRef;
import dev.bastion.secrets.SecretAge;
import dev.bastion.secrets.SecretResolver;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

        /** One reference's line. {@code state}: ok, overdue, unreadable (a file or secret store that cannot be read), unknown_age (env) or per_org ({org} in it). */
        record Row(String place, String source, String state, Duration age, Duration maxAge, Instant dueAt) {}

        @Override
        public Integer call() throws Exception {
            BastionConfig c = new ConfigLoader().load(config);
            Instant now = Clock.systemUTC().instant();
            List<Row> rows = new ArrayList<>();
            Map<String, SecretRef> places = SecretPlaces.of(c);
            // vault: and aws-sm: references are read from their store for the date of their current version
            // (the value is read and dropped, never printed), through the same egress policy as the gateway's.
            try (ConnectedSecrets connected = new ConnectedSecrets(c)) {
                SecretResolver resolver = connected.resolver;
                for (Map.Entry<String, SecretRef> e : places.entrySet()) {
                    SecretRef ref = e.getValue();
                    String source = ref.kind().scheme;
                    Duration maxAge = c.secrets().maxAgeOf(e.getKey());
                    if (ref.templated()) { // one secret per org: read per request, not listed one by one
                        rows.add(new Row(e.getKey(), source, "per_org", null, maxAge, null));
                        continue;
                    }
                    if (ref.kind().remote()) {
                        SecretAge age;
                        String state;
                        try {
                            age = new SecretAge(resolver.await(ref, e.getKey()).changedAt(), maxAge);
                            state = !age.known() ? "unknown_age" : age.overdue(now) ? "overdue" : "ok";
                        } catch (SecretResolver.SecretException x) {
                            age = new SecretAge(null, maxAge);
                            state = "unreadable";
                            spec.commandLine().getErr().println(x.getMessage());
                        }
                        rows.add(new Row(e.getKey(), source, state, age.age(now), age.maxAge(), age.dueAt()));
                        continue;
                    }
                    SecretAge age = SecretAge.of(ref, maxAge);
                    String state = ref.kind() == SecretRef.Kind.ENV ? "unknown_age"
                            : !age.known() || !Files.isReadable(Path.of(ref.target())) ? "unreadable"
                            : age.overdue(now) ? "overdue" : "ok";
                    rows.add(new Row(e.getKey(), source, state, age.age(now), age.maxAge(), age.dueAt()));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(json(rows));
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

        private static String json(List<Row> rows) throws Exception {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode list = mapper.createArrayNode();
            for (Row r : rows) {
                ObjectNode o = list.addObject().put("ref", r.place()).put("source", r.source()).put("state", r.state())
                        .put("max_age_seconds", r.maxAge().toSeconds());
                if (r.age() == null) o.putNull("age_seconds");
                else o.put("age_seconds", r.age().toSeconds());
                if (r.dueAt() == null) o.putNull("rotation_due");
                else o.put("rotation_due", r.dueAt().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            return mapper.writeValueAsString(mapper.createObjectNode().set("secrets", list));
        }
    }
}
