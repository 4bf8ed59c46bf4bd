package dev.bastion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion data …}: the data Bastion keeps — retention, key rotation and subject requests (docs/data-protection.md). */
@Command(name = "data", description = "The data Bastion keeps: purge what retention lets go, rotate the key-encryption key, export or delete what Bastion holds about a subject.",
        mixinStandardHelpOptions = true,
        subcommands = {DataPurgeCommand.class, DataRotateKekCommand.class, DataExportCommand.class, DataDeleteCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
