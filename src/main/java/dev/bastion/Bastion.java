package dev.bastion;

import dev.bastion.cli.CheckCommand;
import dev.bastion.cli.SecretsCommand;
import dev.bastion.cli.CliException;
import dev.bastion.cli.GuardCommand;
import dev.bastion.cli.ClientsCommand;
import dev.bastion.cli.DemoCommand;
import dev.bastion.cli.KeysCommand;
import dev.bastion.cli.MockLlmCommand;
import dev.bastion.cli.OrgsCommand;
import dev.bastion.cli.RevokeCommand;
import dev.bastion.cli.ServeCommand;
import dev.bastion.cli.TokensCommand;
import dev.bastion.cli.UsageCommand;
import dev.bastion.cli.UsersCommand;
import dev.bastion.config.ConfigException;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: the gateway and its operator CLI are one jar. */
@Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = dev.bastion.cli.VersionCommand.Provider.class,
        description = "A security gateway for AI applications: every control on by default.",
        subcommands = {ServeCommand.class, dev.bastion.cli.ReloadCommand.class, DemoCommand.class, KeysCommand.class, dev.bastion.cli.AuditCommand.class, ClientsCommand.class, TokensCommand.class, RevokeCommand.class, dev.bastion.cli.ResponsesCommand.class, dev.bastion.cli.McpCommand.class, dev.bastion.cli.IncidentCommand.class,
                UsersCommand.class, OrgsCommand.class, UsageCommand.class, GuardCommand.class, CheckCommand.class, SecretsCommand.class, MockLlmCommand.class,
                dev.bastion.cli.DataCommand.class, dev.bastion.cli.ConsoleCommand.class,
                dev.bastion.cli.VersionCommand.class})
public final class Bastion implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Bastion())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // Operator-facing failures print their precise message, not a stack trace.
                    if (e instanceof ConfigException c) {
                        c.problems().forEach(p -> cmd.getErr().println("config error: " + p));
                    } else if (e instanceof IllegalArgumentException || e instanceof StoreException
                            || e instanceof SecretResolver.SecretException || e instanceof CliException) {
                        cmd.getErr().println("bastion: " + e.getMessage());
                    } else {
                        cmd.getErr().println("bastion: unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                    }
                    cmd.getErr().flush();
                    return 1;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
