package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.mcp.PinReview;
import dev.bastion.store.McpPin;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bastion mcp pins list|approve|reject} (docs/mcp.md#pinning-tool-definitions): the MCP tool pins every node
 * reads from the store, and the operator's decision on a quarantined tool. A decision names the fingerprint reviewed
 * (or takes the one shown now), is audited ({@code mcp.pin_approved}, {@code mcp.pin_rejected}) and holds on running
 * nodes within their pin poll (2 s). {@code bastion mcp approve} and {@code reject} are the same commands, shorter.
 * {@code bastion mcp approvals} decides held tool calls ({@link McpApprovalsCommand}).
 */
@Command(name = "mcp", description = "MCP routes: tool pins (list, approve or reject a quarantined tool) and calls waiting for a human (approvals).", mixinStandardHelpOptions = true,
        subcommands = {McpCommand.Pins.class, McpCommand.Approve.class, McpCommand.Reject.class, McpApprovalsCommand.class})
public final class McpCommand {
    @Command(name = "pins", description = "List, approve or reject pins.", mixinStandardHelpOptions = true,
            subcommands = {McpCommand.ListPins.class, McpCommand.Approve.class, McpCommand.Reject.class})
    static final class Pins {}

    @Command(name = "list", description = "Every route's pins, and what waits for review.", mixinStandardHelpOptions = true)
    static final class ListPins implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--definitions", description = "Print each pending definition (canonical JSON) under its tool.")
        boolean definitions;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                PrintWriter out = spec.commandLine().getOut();
                List<McpPin> all = s.mcpPins().all();
                if (all.isEmpty()) out.println("No MCP tool pins yet (tools are pinned when a route first lists them).");
                else out.printf("%-16s %-32s %-12s %-20s %-20s %s%n", "ROUTE", "TOOL", "STATE", "PINNED", "PENDING", "REASON");
                for (McpPin p : all) {
                    String state = p.pendingFp() != null ? "quarantined" : p.pinnedFp() == null ? "rejected" : "pinned";
                    out.printf("%-16s %-32s %-12s %-20s %-20s %s%n", p.routeId(), p.tool(), state, shortFp(p.pinnedFp()), shortFp(p.pendingFp()),
                            p.pendingReason() == null ? "-" : p.pendingReason() + (p.pendingFrom() == null ? "" : " from " + p.pendingFrom()));
                    if (p.pendingFp() != null) out.println("    pending " + p.pendingFp());
                    if (definitions && p.pendingDefinition() != null) out.println("    " + p.pendingDefinition());
                }
                out.flush();
                return 0;
            }
        }

        private static String shortFp(String fp) {
            return fp == null ? "-" : fp.substring(0, Math.min(fp.length(), 19)) + "…";
        }
    }

    /** approve and reject: one shape, one rule ({@link PinReview}). */
    abstract static class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "ROUTE", description = "The MCP route's id.")
        String route;
        @Parameters(index = "1", paramLabel = "TOOL", description = "The tool as server__tool (bastion mcp pins list shows it).")
        String tool;
        @Option(names = "--fingerprint", paramLabel = "sha256:…", description = "The fingerprint reviewed; without it, the one pending now.")
        String fingerprint;

        abstract boolean approve();

        @Override
        public Integer call() {
            if (fingerprint != null && !fingerprint.matches("sha256:[0-9a-f]{64}")) return fail("--fingerprint: expected sha256: and 64 lower-case hex digits");
            boolean declared = store.config().routes().stream()
                    .anyMatch(r -> r.id().equals(route) && r.mcp() != null && r.mcp().pinning().pins().containsKey(tool));
            try (Store s = store.open()) {
                PinReview.Result r = PinReview.decide(s.mcpPins(), route, tool, fingerprint, approve(), declared,
                        "cli:" + System.getProperty("user.name", "operator"), Instant.now());
                return switch (r.outcome()) {
                    case UNKNOWN -> fail("No tool " + tool + " on route " + route + " (bastion mcp pins list shows them).");
                    case NOTHING_PENDING -> fail("Nothing of " + tool + " waits for review.");
                    case CHANGED -> fail("The pending definition of " + tool + " is now " + r.fingerprint() + ", not the one given: review it again.");
                    case DECLARED -> fail("The pin of " + tool + " is declared in the config (routes[].mcp.pinning.pins): change it there.");
                    case DONE -> {
                        CliAudit.record(store, s, approve() ? AuditType.MCP_PIN_APPROVED : AuditType.MCP_PIN_REJECTED, null, route,
                                PinReview.fields(route, tool, r, "cli"));
                        PrintWriter out = spec.commandLine().getOut();
                        out.println((approve() ? "Approved " : "Rejected ") + tool + " on " + route + ": " + r.fingerprint()
                                + " (running nodes apply it within 2 s).");
                        out.flush();
                        yield 0;
                    }
                };
            }
        }

        private int fail(String message) {
            spec.commandLine().getErr().println(message);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    @Command(name = "approve", description = "Make a quarantined tool's pending definition its pin.", mixinStandardHelpOptions = true)
    static final class Approve extends Decide {
        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "reject", description = "Keep a quarantined tool out; its pending definition is not raised again.", mixinStandardHelpOptions = true)
    static final class Reject extends Decide {
        @Override
        boolean approve() {
            return false;
        }
    }
}
