package dev.bastion.cli;

import dev.bastion.respond.Incidents;
import dev.bastion.respond.Switch;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bastion incident …} (R2): an operator's switches for an incident — block an address or range, block a key
 * or client, suspend an org, disable a route or a model, lock down to an allow-list — each with a reason and an
 * expiry, stored where every node reads them (at their next poll, {@code incidents.poll_interval}, 1 s by default;
 * at once where the config names Redis), each an audit event; listed and lifted here or on the admin API.
 */
@Command(name = "incident", description = "Incident switches: block, suspend, disable or lock down, on every node, with a reason and an expiry.",
        mixinStandardHelpOptions = true,
        subcommands = {IncidentCommand.BlockIp.class, IncidentCommand.BlockKey.class, IncidentCommand.SuspendOrg.class, IncidentCommand.DisableRoute.class,
                IncidentCommand.DisableModel.class, IncidentCommand.Lockdown.class, IncidentCommand.ListCommand.class, IncidentCommand.Lift.class})
public final class IncidentCommand {
    private static final String FORMAT = "%-26s %-14s %-40s %-22s %s%n";

    /** The store, the operator and the CLI's own audit chain; what was thrown or lifted is broadcast when the command is done. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;

        @Override
        public final Integer call() {
            List<ResponseAction> announced = new ArrayList<>();
            try (Store s = store.open()) {
                Incidents incidents = new Incidents(s, store.config().incidents(), e -> CliAudit.append(store, s, e), announced::add, "cli", Clock.systemUTC());
                Incidents.Operator by = new Incidents.Operator(System.getProperty("user.name", "operator"), null, "cli", null, null);
                return run(incidents, by, spec.commandLine().getOut());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("bastion: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 2;
            } finally {
                ResponseBroadcast.publish(store.config(), announced);
            }
        }

        abstract int run(Incidents incidents, Incidents.Operator by, PrintWriter out);
    }

    /** A switch thrown: its reason and expiry are required; the longest is {@code incidents.max_for}. */
    abstract static class Throw extends Base {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept with the switch and in the audit trail).")
        String reason;
        @Option(names = "--for", paramLabel = "DURATION", description = "How long, e.g. 30m, 2h, 7d (or --expires).")
        String duration;
        @Option(names = "--expires", paramLabel = "INSTANT", description = "Until when, ISO-8601, e.g. 2026-12-08T06:00:00Z (or --for).")
        String expires;

        abstract Switch kind();

        abstract String target();

        @Override
        int run(Incidents incidents, Incidents.Operator by, PrintWriter out) {
            ResponseAction a = incidents.open(kind(), target(), reason, incidents.duration(duration, expires), by);
            out.printf("Switched %s %s until %s (%s).%n", a.action(), a.subject(), a.expiresAt(), a.id());
            out.flush();
            return 0;
        }
    }

    /** A switch on one thing, named on the command line. */
    abstract static class Targeted extends Throw {
        @Parameters(paramLabel = "TARGET", description = "What the switch names (see the command's description).")
        String target;

        @Override
        String target() {
            return target;
        }
    }

    @Command(name = "block-ip", description = "Refuse an address or CIDR range at the edge (403 ip_blocked).", mixinStandardHelpOptions = true)
    static final class BlockIp extends Targeted {
        Switch kind() { return Switch.BLOCK_IP; }
    }

    @Command(name = "block-key", description = "Refuse an API key (its id, key_…) or a machine client (403 api_key_blocked).", mixinStandardHelpOptions = true)
    static final class BlockKey extends Targeted {
        Switch kind() { return Switch.BLOCK_KEY; }
    }

    @Command(name = "suspend-org", description = "Refuse every caller of an org (403 org_suspended).", mixinStandardHelpOptions = true)
    static final class SuspendOrg extends Targeted {
        Switch kind() { return Switch.SUSPEND_ORG; }
    }

    @Command(name = "disable-route", description = "Answer 503 route_disabled on a route, before authentication.", mixinStandardHelpOptions = true)
    static final class DisableRoute extends Targeted {
        Switch kind() { return Switch.DISABLE_ROUTE; }
    }

    @Command(name = "disable-model", description = "Refuse a model on LLM routes (503 model_disabled, provider-style).", mixinStandardHelpOptions = true)
    static final class DisableModel extends Targeted {
        Switch kind() { return Switch.DISABLE_MODEL; }
    }

    @Command(name = "lockdown", description = "Admit only these orgs and keys on the public listener (503 lockdown for everyone else).",
            mixinStandardHelpOptions = true)
    static final class Lockdown extends Throw {
        @Option(names = "--allow-org", paramLabel = "ORG", description = "An org to admit (repeatable).")
        Set<String> orgs = new LinkedHashSet<>();
        @Option(names = "--allow-key", paramLabel = "KEY_OR_CLIENT_ID", description = "A key or client to admit (repeatable).")
        Set<String> keys = new LinkedHashSet<>();

        Switch kind() { return Switch.LOCKDOWN; }

        String target() { return Switch.allowList(orgs, keys); }
    }

    @Command(name = "list", description = "The switches in force, with their reason and expiry.", mixinStandardHelpOptions = true)
    static final class ListCommand extends Base {
        @Override
        int run(Incidents incidents, Incidents.Operator by, PrintWriter out) {
            List<ResponseAction> in = incidents.list();
            if (in.isEmpty()) {
                out.println("No incident switch in force.");
            } else {
                out.printf(FORMAT, "ID", "SWITCH", "TARGET", "EXPIRES", "REASON");
                for (ResponseAction a : in) out.printf(FORMAT, a.id(), a.action(), a.subject(), a.expiresAt(), a.reason());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "lift", description = "Lift a switch now, on every node.", mixinStandardHelpOptions = true)
    static final class Lift extends Base {
        @Parameters(paramLabel = "ID", description = "The switch's id (inc_…), as `incident list` shows it.")
        String id;

        @Override
        int run(Incidents incidents, Incidents.Operator by, PrintWriter out) {
            Optional<ResponseAction> lifted = incidents.lift(id, by);
            if (lifted.isEmpty()) {
                spec.commandLine().getErr().println("No incident switch " + id + " in force.");
                spec.commandLine().getErr().flush();
                return 1;
            }
            out.println("Lifted " + lifted.get().action() + " " + lifted.get().subject() + " (" + id + ").");
            out.flush();
            return 0;
        }
    }
}
