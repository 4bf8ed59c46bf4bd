package dev.bastion.cli;

import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import dev.bastion.tokens.SigningKeys;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bastion tokens rotate-key | new-master-key}: Bastion's signing keys (A7) and their master key (D1). */
@Command(name = "tokens", description = "Manage Bastion's token-signing keys.", mixinStandardHelpOptions = true,
        subcommands = {TokensCommand.RotateKey.class, TokensCommand.NewMasterKey.class})
public final class TokensCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rotate-key", description = "Make a new signing key now; the old one keeps verifying until its tokens expired.",
            mixinStandardHelpOptions = true)
    static final class RotateKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                SigningKeys keys = new SigningKeys(s, MasterKey.load(store.config(), new SecretResolver()), store.config().tokens(), Clock.systemUTC());
                keys.refresh();
                String kid = keys.rotate();
                spec.commandLine().getOut().println("New signing key " + kid + "; nodes switch to it within 30 seconds.");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "new-master-key", description = "Print a new master key (Tink AEAD keyset JSON) for tokens.master_key.", mixinStandardHelpOptions = true)
    static final class NewMasterKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(MasterKey.generateKeysetJson());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
