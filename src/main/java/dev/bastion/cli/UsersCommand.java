package dev.bastion.cli;

import dev.bastion.store.Store;
import dev.bastion.store.User;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion users list}: users provisioned just in time from identity-provider tokens (A3). */
@Command(name = "users", description = "List users provisioned from identity-provider tokens.", mixinStandardHelpOptions = true,
        subcommands = UsersCommand.ListUsers.class)
public final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "List users.", mixinStandardHelpOptions = true)
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOptions store;
        @Option(names = "--org", description = "Only this org's users.")
        String org;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-21s %-16s %-8s %-20s %-20s %s%n", "ID", "ORG", "ROLE", "FIRST SEEN", "LAST SEEN", "ISSUER / SUBJECT");
                for (User u : s.users().list(org)) {
                    out.printf("%-21s %-16s %-8s %-20s %-20s %s / %s%n", u.id(), u.orgId(), u.role() == null ? "-" : u.role(),
                            u.firstSeen().truncatedTo(ChronoUnit.SECONDS), u.lastSeen().truncatedTo(ChronoUnit.SECONDS), u.issuer(), u.externalId());
                }
                out.flush();
            }
            return 0;
        }
    }
}
