package dev.bastion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion data …}: data protection — key rotation and subject requests (docs/data-protection.md). */
@Command(name = "data", description = "Data protection: rotate the key-encryption key, export or delete what Bastion holds about a subject.",
        mixinStandardHelpOptions = true,
        subcommands = {DataRotateKekCommand.class, DataExportCommand.class, DataDeleteCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
