package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.net.IpAddresses;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bastion responses list|lift} (O4): the blocks and suspensions automatic responses made, from the store
 * every node reads; lifting one is an audit event ({@code response.lifted}) and takes effect on running nodes
 * within {@code responses.poll_interval}, at once where Redis is configured.
 */
@Command(name = "responses", description = "List and lift automatic responses (blocked addresses, suspended keys).", mixinStandardHelpOptions = true,
        subcommands = {ResponsesCommand.ListCommand.class, ResponsesCommand.LiftCommand.class})
public final class ResponsesCommand {
    @Command(name = "list", description = "The blocks and suspensions in force, with their expiry.", mixinStandardHelpOptions = true)
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                PrintWriter out = spec.commandLine().getOut();
                List<ResponseAction> active = s.responses().active(Instant.now()).stream().filter(a -> !a.incident()).toList(); // switches: `incident list`
                if (active.isEmpty()) {
                    out.println("No automatic response in force.");
                } else {
                    out.printf("%-28s %-12s %-40s %-16s %-24s %s%n", "ID", "ACTION", "SUBJECT", "RULE", "EXPIRES", "NODE");
                    for (ResponseAction a : active) {
                        out.printf("%-28s %-12s %-40s %-16s %-24s %s%n", a.id(), a.action(), a.subject(), a.rule(), a.expiresAt(), a.node() == null ? "-" : a.node());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "lift", description = "Lift a block or suspension now, on every node.", mixinStandardHelpOptions = true)
    static final class LiftCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Parameters(paramLabel = "ID", description = "The action's id (rsp_…), as `responses list` shows it.", arity = "0..1")
            String id;
            @picocli.CommandLine.Option(names = "--ip", paramLabel = "ADDRESS", description = "Every block of this address (an IPv6 address: of its /64, which is what is blocked).")
            String ip;
            @picocli.CommandLine.Option(names = "--key", paramLabel = "ID", description = "Every suspension of this API key (key_…).")
            String key;
        }

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                Instant now = Instant.now();
                List<ResponseAction> chosen = new ArrayList<>();
                if (target.id != null) {
                    s.responses().find(target.id).filter(a -> a.activeAt(now) && !a.incident()).ifPresent(chosen::add);
                } else {
                    String subject = target.ip != null ? IpAddresses.subscriber(target.ip) : target.key;
                    if (subject == null) return fail("Not an IP address: " + target.ip);
                    String action = target.ip != null ? ResponseAction.BLOCK_IP : ResponseAction.SUSPEND_KEY;
                    for (ResponseAction a : s.responses().active(now)) if (!a.incident() && a.action().equals(action) && a.subject().equals(subject)) chosen.add(a);
                }
                if (chosen.isEmpty()) return fail("No automatic response in force for " + (target.id != null ? target.id : target.ip != null ? target.ip : target.key) + ".");
                String operator = System.getProperty("user.name", "operator");
                List<ResponseAction> lifted = new ArrayList<>();
                for (ResponseAction a : chosen) {
                    if (!s.responses().lift(a.id(), operator, now)) continue; // expired or lifted meanwhile
                    ResponseAction done = s.responses().find(a.id()).orElse(a);
                    lifted.add(done);
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("action_id", a.id());
                    f.put("action", a.action());
                    f.put("rule", a.rule());
                    f.put("lifted_by", "operator");
                    f.put("via", "cli");
                    CliAudit.record(store, s, AuditType.RESPONSE_LIFTED, a.orgId(), a.subject(), f);
                }
                ResponseBroadcast.publish(store.config(), lifted); // with Redis, running nodes lift at once; else at their next poll
                PrintWriter out = spec.commandLine().getOut();
                for (ResponseAction a : lifted) out.println("Lifted " + a.action() + " " + a.subject() + " (" + a.id() + ").");
                out.flush();
                return 0;
            }
        }

        private int fail(String message) {
            spec.commandLine().getErr().println(message);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
