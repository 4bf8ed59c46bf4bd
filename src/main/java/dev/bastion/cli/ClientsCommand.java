package dev.bastion.cli;

import dev.bastion.config.Durations;
import dev.bastion.store.Client;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import dev.bastion.tokens.ClientService;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
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

/** {@code bastion clients create | list | disable}: machine clients of the client_credentials grant (A5). */
@Command(name = "clients", description = "Create, list and disable machine clients (OAuth2 client_credentials).", mixinStandardHelpOptions = true,
        subcommands = {ClientsCommand.Create.class, ClientsCommand.ListClients.class, ClientsCommand.Disable.class})
public final class ClientsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create a client and print its id and secret once. Only a hash of the secret is stored.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", required = true, description = "Org the client acts for; created if new.")
        String org;
        @Option(names = "--scopes", required = true, split = ",", description = "Scopes it may request, e.g. invoke or invoke,admin.")
        List<String> scopes;
        @Option(names = "--name", description = "A label for operators.")
        String name;
        @Option(names = "--ttl", description = "Lifetime of its access tokens, e.g. 1h (default: tokens.ttl).")
        String ttl;

        @Override
        public Integer call() {
            Duration tokenTtl = ttl == null ? null : Durations.parse(ttl);
            try (Store s = store.open()) {
                ClientService.CreatedClient c = new ClientService(s, Clock.systemUTC()).create(org, new LinkedHashSet<>(scopes), name, tokenTtl);
                if (c.orgCreated()) CliAudit.record(store, s, dev.bastion.audit.AuditType.ORG_CREATED, org, org, java.util.Map.of());
                CliAudit.record(store, s, dev.bastion.audit.AuditType.CLIENT_CREATED, org, c.client().id(), java.util.Map.of("scopes", String.join(",", new TreeSet<>(c.client().scopes()))));
                PrintWriter err = spec.commandLine().getErr();
                PrintWriter out = spec.commandLine().getOut();
                if (c.orgCreated()) err.println("Created org " + org + ".");
                err.println("Created client " + c.client().id() + " for org " + org + " (scopes: " + String.join(",", new TreeSet<>(c.client().scopes()))
                        + "). The secret is shown only this once:");
                out.println("client_id=" + c.client().id());
                out.println("client_secret=" + c.secret());
                out.flush();
                err.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List clients (never their secrets).", mixinStandardHelpOptions = true)
    static final class ListClients implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", description = "Only this org's clients.")
        String org;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-21s %-16s %-16s %-16s %-8s %-20s %s%n", "ID", "ORG", "NAME", "SCOPES", "TTL", "CREATED", "STATUS");
                for (Client c : s.clients().list(org)) {
                    out.printf("%-21s %-16s %-16s %-16s %-8s %-20s %s%n", c.id(), c.orgId(), c.name() == null ? "-" : c.name(),
                            String.join(",", new TreeSet<>(c.scopes())), c.tokenTtl() == null ? "default" : Durations.format(c.tokenTtl()),
                            c.createdAt().truncatedTo(ChronoUnit.SECONDS), c.disabled() ? "disabled" : "active");
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "disable", description = "Disable a client: no new tokens, and its current tokens are refused.", mixinStandardHelpOptions = true)
    static final class Disable implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(paramLabel = "ID", description = "The client id (cli_…).")
        String id;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                var client = s.clients().findById(id);
                if (client.isEmpty()) {
                    spec.commandLine().getErr().println("No client " + id + ".");
                    spec.commandLine().getErr().flush();
                    return 1;
                }
                Revoker.revoke(store, s, Revocation.Kind.CLIENT, id, client.get().orgId(), null);
                spec.commandLine().getOut().println("Disabled " + id + "; its tokens are refused.");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
