package dev.bastion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion data ...}: the data Bastion keeps (docs/data-protection.md). */
@Command(name = "data", description = "The data Bastion keeps: retention.", mixinStandardHelpOptions = true,
        subcommands = {DataPurgeCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
