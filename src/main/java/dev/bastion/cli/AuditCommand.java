package dev.bastion.cli;

import dev.bastion.audit.AuditExport;
import dev.bastion.audit.AuditFormats;
import dev.bastion.audit.AuditSource;
import dev.bastion.audit.AuditVerifier;
import dev.bastion.config.Durations;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion audit verify | search | tail | export}: the audit trail (docs/audit.md). */
@Command(name = "audit", description = "Verify, search, follow and export the audit trail.", mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditCommand.Search.class, AuditCommand.Tail.class, AuditCommand.Export.class})
public final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The filters every reading command shares. */
    static final class Filters {
        @Option(names = "--type", paramLabel = "TYPE", description = "An event type (key.created), or a family (key.*).")
        String type;
        @Option(names = "--actor", paramLabel = "ID", description = "The actor's id.")
        String actor;
        @Option(names = "--org", paramLabel = "ORG", description = "The actor's org.")
        String org;
        @Option(names = "--node", paramLabel = "NODE", description = "One node's chain.")
        String node;
        @Option(names = "--from", paramLabel = "TIME", description = "From this time: ISO-8601 (2026-01-31T00:00:00Z) or a duration ago (24h).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Up to this time (exclusive), as --from.")
        String to;

        AuditRepository.Filter filter() {
            return new AuditRepository.Filter(node, time(from, "--from"), time(to, "--to"), type, actor, org, null);
        }

        /** {@link #filter()}, also matching a user actor's sealed id by its blind index (data_protection.audit_encrypt). */
        AuditRepository.Filter filter(CliDataKeys keys) {
            AuditRepository.Filter f = filter();
            if (actor == null || !actor.startsWith("usr_") || keys == null) return f;
            return keys.sealer().actorPrefix(actor).map(f::withActorSealed).orElse(f);
        }
    }

    static Long time(String s, String option) {
        if (s == null) return null;
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException notIso) {
            try {
                return Instant.now().minus(Durations.parse(s)).toEpochMilli();
            } catch (RuntimeException e) {
                throw new CliException(option + ": '" + s + "' is neither an ISO-8601 time nor a duration");
            }
        }
    }

    static String line(AuditRow r, String format) {
        return switch (format) {
            case "jsonl" -> AuditFormats.eventJson(r).encode();
            case "cef" -> AuditFormats.cef(r);
            default -> String.format("%-24s %-22s %-8s %-24s %-10s %-28s %-8s %s", Instant.ofEpochMilli(r.ts()), r.type(), r.severity(),
                    (r.actorId() == null ? r.actorKind() : r.actorId()) + (r.actorOrg() == null ? "" : "@" + r.actorOrg()),
                    r.action() == null ? "-" : r.action(), r.target() == null ? "-" : r.target(), r.result() == null ? "-" : r.result(),
                    r.fields().equals("{}") ? "" : r.fields());
        };
    }

    /** Whether user actors may be sealed in this trail (the config says so): only then is a blind index computed for --actor. */
    static boolean sealsActors(StoreOptions store) {
        return store.config().dataProtection().seals(dev.bastion.config.DataProtectionConfig.AuditField.ACTOR);
    }

    static String format(String f) {
        if (!List.of("table", "jsonl", "cef").contains(f)) throw new CliException("--format: '" + f + "' (expected: table, jsonl or cef)");
        return f;
    }

    @Command(name = "verify", description = "Prove the trail intact: no event edited, inserted, reordered or deleted, no truncation after the last "
            + "checkpoint. Exit 0 when intact, 1 when not (every problem is printed).", mixinStandardHelpOptions = true)
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--node", paramLabel = "NODE", description = "One node's chain (default: every node).")
        String node;
        @Option(names = "--from", paramLabel = "TIME", description = "Verify the events from this time on (ISO-8601 or a duration ago).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Up to this time (exclusive).")
        String to;
        @Option(names = "--checkpoints", paramLabel = "FILE", description = "A witness's checkpoints (audit.checkpoint.file): the trail must hold every one.")
        Path checkpoints;
        @Option(names = "--export", paramLabel = "FILE", description = "Verify this export (bastion audit export --format jsonl) instead of the store.")
        Path export;

        @Override
        public Integer call() throws IOException {
            AuditSource source;
            if (export != null) {
                source = AuditSource.fromExport(export);
            } else {
                try (Store s = store.open()) {
                    source = AuditSource.fromStore(s, node, time(from, "--from"), time(to, "--to"));
                }
            }
            AuditVerifier.Report report = source.verify(checkpoints == null ? List.of() : AuditSource.witnessed(checkpoints));
            PrintWriter out = spec.commandLine().getOut();
            for (String n : report.notes()) out.println(n);
            if (report.ok()) {
                out.println("OK: " + report.events() + " events and " + report.checkpoints() + " checkpoints verified"
                        + (checkpoints == null ? "" : " against the witness " + checkpoints) + ".");
                out.flush();
                return 0;
            }
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            for (String p : report.problems()) err.println("TAMPERED: " + p);
            err.println(report.problems().size() + " problem(s) in " + report.events() + " events.");
            err.flush();
            return 1;
        }
    }

    @Command(name = "search", description = "Events matching filters, newest last.", mixinStandardHelpOptions = true)
    static final class Search implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @ArgGroup(exclusive = false)
        Filters filters = new Filters();
        @Option(names = "--limit", defaultValue = "100", description = "At most this many, the newest (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--format", defaultValue = "table", description = "table, jsonl or cef (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            String f = format(format);
            try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(store.config(), s)) {
                PrintWriter out = spec.commandLine().getOut();
                for (AuditRow r : s.audit().search(filters.filter(sealsActors(store) ? keys : null), limit, false, true)) out.println(line(keys.reveal(r), f));
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "tail", description = "The last events, and with --follow each new one as it is stored.", mixinStandardHelpOptions = true)
    static final class Tail implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @ArgGroup(exclusive = false)
        Filters filters = new Filters();
        @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many of the last events first (default: ${DEFAULT-VALUE}).")
        int lines;
        @Option(names = {"-f", "--follow"}, description = "Keep printing new events.")
        boolean follow;
        @Option(names = "--for", paramLabel = "DURATION", description = "With --follow: stop after this long (default: until interrupted).")
        String duration;
        @Option(names = "--format", defaultValue = "table", description = "table, jsonl or cef (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() throws InterruptedException {
            String f = format(format);
            long until = duration == null ? Long.MAX_VALUE : System.currentTimeMillis() + Durations.parse(duration).toMillis();
            try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(store.config(), s)) {
                PrintWriter out = spec.commandLine().getOut();
                AuditRepository.Filter base = filters.filter(sealsActors(store) ? keys : null);
                List<AuditRow> last = s.audit().search(base, lines, false, true);
                Set<String> seen = new HashSet<>();
                long since = base.fromTs() == null ? 0 : base.fromTs();
                for (AuditRow r : last) {
                    out.println(line(keys.reveal(r), f));
                    seen.add(r.id());
                    since = Math.max(since, r.ts());
                }
                out.flush();
                while (follow && System.currentTimeMillis() < until) {
                    Thread.sleep(500);
                    // events are stored a little after their time (batching, a spool replayed): look back a minute
                    long from = Math.max(since - 60_000, base.fromTs() == null ? 0 : base.fromTs());
                    for (AuditRow r : s.audit().search(new AuditRepository.Filter(base.node(), from, base.toTs(), base.type(), base.actor(), base.org(), null,
                            base.actorSealed()), 10_000, false, false)) {
                        if (seen.add(r.id())) {
                            out.println(line(keys.reveal(r), f));
                            since = Math.max(since, r.ts());
                        }
                    }
                    out.flush();
                    if (seen.size() > 200_000) seen.clear();
                }
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Export events, in chain order: jsonl (verifiable alone with audit verify --export) or cef.",
            mixinStandardHelpOptions = true)
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @ArgGroup(exclusive = false)
        Filters filters = new Filters();
        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or cef (default: ${DEFAULT-VALUE}).")
        String format;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            if (!format.equals("jsonl") && !format.equals("cef")) throw new CliException("--format: '" + format + "' (expected: jsonl or cef)");
            try (Store s = store.open()) {
                if (output == null) {
                    Writer w = spec.commandLine().getOut();
                    AuditExport.write(s, filters.filter(), format, w);
                } else {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        long n = AuditExport.write(s, filters.filter(), format, w);
                        spec.commandLine().getErr().println("Exported " + n + " events to " + output + ".");
                        spec.commandLine().getErr().flush();
                    }
                }
            }
            return 0;
        }
    }
}
