package dev.bastion.cli;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.config.Durations;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bastion keys create | list | revoke | set-tier}: API keys, against the same store the server uses (it may be running). */
@Command(name = "keys", description = "Create, list and revoke API keys.", mixinStandardHelpOptions = true,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class, KeysCommand.SetTier.class})
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create an API key and print it once. Only its hash is stored.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", required = true, paramLabel = "ORG", description = "Org (tenant) the key acts for; created if new.")
        String org;
        @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE", description = "Comma-separated scopes, e.g. invoke or invoke,admin.")
        List<String> scopes;
        @Option(names = "--name", paramLabel = "NAME", description = "A label for operators.")
        String name;
        @Option(names = "--expires", paramLabel = "DURATION", description = "Lifetime such as 90d or 12h (default: no expiry).")
        String expires;
        @Option(names = "--json", description = "Print the result as JSON on stdout.")
        boolean json;

        @Override
        public Integer call() {
            Duration lifetime = expires == null ? null : Durations.parse(expires);
            try (Store s = store.open()) {
                ApiKeyService.CreatedKey k = new ApiKeyService(s, Clock.systemUTC()).create(org, new LinkedHashSet<>(scopes), name, lifetime);
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                ApiKeyRecord r = k.record();
                if (k.orgCreated()) CliAudit.record(store, s, dev.bastion.audit.AuditType.ORG_CREATED, r.orgId(), r.orgId(), java.util.Map.of());
                CliAudit.record(store, s, dev.bastion.audit.AuditType.KEY_CREATED, r.orgId(), r.id(), java.util.Map.of("scopes", String.join(",", new TreeSet<>(r.scopes())),
                        "expires_at", r.expiresAt() == null ? 0L : r.expiresAt().toEpochMilli()));
                if (json) {
                    out.println("{\"id\":\"" + r.id() + "\",\"org\":\"" + r.orgId() + "\",\"scopes\":\"" + String.join(",", new TreeSet<>(r.scopes()))
                            + "\",\"expires_at\":" + (r.expiresAt() == null ? "null" : "\"" + r.expiresAt() + "\"") + ",\"key\":\"" + k.plaintext() + "\"}");
                } else {
                    if (k.orgCreated()) err.println("Created org " + r.orgId() + ".");
                    err.println("Created API key " + r.id() + " for org " + r.orgId() + " (scopes: " + String.join(",", new TreeSet<>(r.scopes()))
                            + (r.expiresAt() == null ? ", no expiry" : ", expires " + r.expiresAt().truncatedTo(ChronoUnit.SECONDS)) + ").");
                    err.println("The key is shown only this once; store it now:");
                    out.println(k.plaintext());
                }
                out.flush();
                err.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List API keys (never their secrets).", mixinStandardHelpOptions = true)
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", paramLabel = "ORG", description = "Only this org's keys.")
        String org;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                List<ApiKeyRecord> keys = new ApiKeyService(s, Clock.systemUTC()).list(org);
                PrintWriter out = spec.commandLine().getOut();
                Instant now = Instant.now();
                out.printf("%-21s %-16s %-16s %-14s %-20s %-20s %s%n", "ID", "ORG", "NAME", "SCOPES", "CREATED", "EXPIRES", "STATUS");
                for (ApiKeyRecord k : keys) {
                    String status = k.revoked() ? "revoked" : k.expiredAt(now) ? "expired"
                            : k.createdAt().isBefore(now.minus(Duration.ofDays(90))) ? "active (older than 90d: rotate)" : "active";
                    out.printf("%-21s %-16s %-16s %-14s %-20s %-20s %s%n", k.id(), k.orgId(), k.name() == null ? "-" : k.name(),
                            String.join(",", new TreeSet<>(k.scopes())), k.createdAt().truncatedTo(ChronoUnit.SECONDS),
                            k.expiresAt() == null ? "never" : k.expiresAt().truncatedTo(ChronoUnit.SECONDS), status);
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke an API key; every node refuses it within seconds (at once with Redis).", mixinStandardHelpOptions = true)
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(paramLabel = "ID", description = "The key id (key_…), as shown by keys list.")
        String id;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                var key = s.apiKeys().findById(id);
                if (key.isEmpty() || key.get().revoked()) {
                    spec.commandLine().getErr().println("No active key " + id + " (unknown or already revoked).");
                    spec.commandLine().getErr().flush();
                    return 1;
                }
                Revoker.revoke(store, s, Revocation.Kind.KEY, id, key.get().orgId(), null);
                spec.commandLine().getOut().println("Revoked " + id + ".");
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }

    @Command(name = "set-tier", description = "Give a key a tier of its own (it then wins over its org's); 'default' removes it.",
            mixinStandardHelpOptions = true)
    static final class SetTier implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "ID", description = "The key id (key_…).")
        String id;
        @Parameters(index = "1", paramLabel = "TIER")
        String tier;

        @Override
        public Integer call() {
            String t = Tiers.checked(store, tier, spec.commandLine().getErr());
            try (Store s = store.open()) {
                if (!s.apiKeys().setTier(null, id, t)) throw new CliException("no key " + id);
                CliAudit.record(store, s, dev.bastion.audit.AuditType.KEY_TIER_CHANGED, null, id, java.util.Map.of("tier", t == null ? "default" : t));
            }
            spec.commandLine().getOut().println("Key " + id + " is now on " + (t == null ? "its org's tier" : "tier " + t) + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
