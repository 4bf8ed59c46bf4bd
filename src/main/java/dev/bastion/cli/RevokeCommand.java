package dev.bastion.cli;

import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bastion revoke --token JTI | --user ID | --org ID | --client ID | --key ID} (A8): refused on every
 * node within the revocation poll interval (1 s by default), at once where Redis is configured.
 */
@Command(name = "revoke", description = "Revoke a token, user, org, client or API key on every node.", mixinStandardHelpOptions = true)
public final class RevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions store;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @picocli.CommandLine.Option(names = "--token", paramLabel = "JTI", description = "A token id (jti).")
        String token;
        @picocli.CommandLine.Option(names = "--user", paramLabel = "ID", description = "A user id (usr_…): all their tokens.")
        String user;
        @picocli.CommandLine.Option(names = "--org", paramLabel = "ID", description = "An org: every credential of it.")
        String org;
        @picocli.CommandLine.Option(names = "--client", paramLabel = "ID", description = "A machine client (cli_…).")
        String client;
        @picocli.CommandLine.Option(names = "--key", paramLabel = "ID", description = "An API key (key_…).")
        String key;
    }

    @Override
    public Integer call() {
        try (Store s = store.open()) {
            Revocation r;
            if (target.token != null) {
                var issued = s.issuedTokens().find(target.token);
                // Foreign tokens (from an identity provider) are kept revoked for a day beyond any sane lifetime.
                Instant until = issued.map(t -> t.expiresAt()).orElse(Instant.now().plusSeconds(48 * 3600));
                r = Revoker.revoke(store, s, Revocation.Kind.TOKEN, target.token, issued.map(t -> t.orgId()).orElse(null), until);
            } else if (target.user != null) {
                var u = s.users().findById(target.user);
                if (u.isEmpty()) return missing("user", target.user);
                r = Revoker.revoke(store, s, Revocation.Kind.USER, target.user, null, null); // every org the user acts in
            } else if (target.org != null) {
                if (s.orgs().find(target.org).isEmpty()) return missing("org", target.org);
                r = Revoker.revoke(store, s, Revocation.Kind.ORG, target.org, target.org, null);
            } else if (target.client != null) {
                var c = s.clients().findById(target.client);
                if (c.isEmpty()) return missing("client", target.client);
                r = Revoker.revoke(store, s, Revocation.Kind.CLIENT, target.client, c.get().orgId(), null);
            } else {
                var k = s.apiKeys().findById(target.key);
                if (k.isEmpty()) return missing("key", target.key);
                r = Revoker.revoke(store, s, Revocation.Kind.KEY, target.key, k.get().orgId(), null);
            }
            spec.commandLine().getOut().println("Revoked " + r.kind().wire() + " " + r.subject() + " (" + r.id() + ").");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private int missing(String what, String id) {
        spec.commandLine().getErr().println("No " + what + " " + id + ".");
        spec.commandLine().getErr().flush();
        return 1;
    }
}
