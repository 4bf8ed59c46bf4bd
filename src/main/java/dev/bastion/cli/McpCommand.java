package dev.bastion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion mcp …}: operating MCP routes (docs/mcp.md). */
@Command(name = "mcp", description = "Operate MCP routes.", mixinStandardHelpOptions = true, subcommands = {McpApprovalsCommand.class})
public final class McpCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
