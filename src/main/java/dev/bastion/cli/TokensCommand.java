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
        subcommands = {TokensCommand.RotateKey.class, TokensCommand.ListKeys.class, TokensCommand.WithdrawKey.class, TokensCommand.NewMasterKey.class})
public final class TokensCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The same signing keys the gateway uses: same store, same master key. */
    static SigningKeys signingKeys(StoreOptions options, Store store) {
        return new SigningKeys(store, MasterKey.load(options.config(), new SecretResolver()), options.config().tokens(), Clock.systemUTC());
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
                SigningKeys keys = signingKeys(store, s);
                keys.refresh();
                String kid = keys.rotate();
                CliAudit.record(store, s, dev.bastion.audit.AuditType.SIGNING_KEY_ROTATED, null, kid, java.util.Map.of());
                spec.commandLine().getOut().println("New signing key " + kid + ": published now, signing from "
                        + java.time.Instant.now().plus(keys.activation()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + " (after every node has read it); the previous key verifies until its tokens expire.");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "list-keys", description = "List the published signing keys and their state.", mixinStandardHelpOptions = true)
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                var out = spec.commandLine().getOut();
                java.time.Instant now = java.time.Instant.now();
                out.printf("%-32s %-6s %-22s %-22s %s%n", "KID", "ALG", "CREATED", "EXPIRES", "STATE");
                for (var k : s.signingKeys().published(now)) {
                    String state = k.retiredAt() == null ? "signing or next" : k.retiredAt().isAfter(now) ? "signing" : "verify only";
                    out.printf("%-32s %-6s %-22s %-22s %s%n", k.kid(), k.algorithm(), k.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            k.expiresAt() == null ? "-" : k.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), state);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "withdraw-key", description = "Withdraw a leaked signing key now: tokens it signed stop working on every node "
            + "within tokens.key_refresh.", mixinStandardHelpOptions = true)
    static final class WithdrawKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @picocli.CommandLine.Parameters(paramLabel = "KID", description = "The key id, as shown by list-keys.")
        String kid;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                SigningKeys keys = signingKeys(store, s);
                if (!keys.withdraw(kid)) {
                    spec.commandLine().getErr().println("No published signing key " + kid + ".");
                    spec.commandLine().getErr().flush();
                    return 1;
                }
                CliAudit.record(store, s, dev.bastion.audit.AuditType.SIGNING_KEY_WITHDRAWN, null, kid, java.util.Map.of());
                spec.commandLine().getOut().println("Withdrew " + kid + "; nodes stop trusting it at their next key refresh.");
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
