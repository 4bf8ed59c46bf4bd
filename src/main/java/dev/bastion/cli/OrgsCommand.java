package dev.bastion.cli;

import dev.bastion.store.Org;
import dev.bastion.store.OrgRepository;
import dev.bastion.store.Store;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bastion orgs create | list | set-tier}: tenants and their plans, against the store the server uses. */
@Command(name = "orgs", description = "Create and list orgs, and assign their tier.", mixinStandardHelpOptions = true,
        subcommands = {OrgsCommand.Create.class, OrgsCommand.ListOrgs.class, OrgsCommand.SetTier.class})
public final class OrgsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create an org.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(paramLabel = "ORG", description = "The org id (letters, digits, _ . -).")
        String org;

        @Override
        public Integer call() {
            if (!OrgRepository.isValidId(org)) throw new CliException("'" + org + "' is not a valid org id (letters, digits, _ . -; up to 64)");
            try (Store s = store.open()) {
                boolean created = s.orgs().ensure(org);
                if (created) CliAudit.record(store, s, dev.bastion.audit.AuditType.ORG_CREATED, org, org, java.util.Map.of());
                PrintWriter out = spec.commandLine().getOut();
                out.println(created ? "Created org " + org + "." : "Org " + org + " already exists.");
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List orgs and their tiers.", mixinStandardHelpOptions = true)
    static final class ListOrgs implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                PrintWriter out = spec.commandLine().getOut();
                String defaultTier = store.config().limits().defaultTier();
                out.printf("%-32s %-16s %s%n", "ORG", "TIER", "CREATED");
                for (Org o : s.orgs().list()) {
                    String tier = o.tier() != null ? o.tier() : defaultTier == null ? "-" : defaultTier + " (default)";
                    out.printf("%-32s %-16s %s%n", o.id(), tier, o.createdAt().truncatedTo(ChronoUnit.SECONDS));
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "set-tier", description = "Put an org on a tier (a plan under limits.tiers); 'default' removes its own tier. "
            + "Every node applies it within seconds, without a restart.", mixinStandardHelpOptions = true)
    static final class SetTier implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "ORG")
        String org;
        @Parameters(index = "1", paramLabel = "TIER")
        String tier;

        @Override
        public Integer call() {
            String t = Tiers.checked(store, tier, spec.commandLine().getErr());
            try (Store s = store.open()) {
                if (!s.orgs().setTier(org, t)) throw new CliException("no org " + org);
                CliAudit.record(store, s, dev.bastion.audit.AuditType.ORG_TIER_CHANGED, org, org, java.util.Map.of("tier", t == null ? "default" : t));
            }
            spec.commandLine().getOut().println("Org " + org + " is now on " + (t == null ? "the default tier" : "tier " + t) + ".");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
