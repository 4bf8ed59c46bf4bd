package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.dataprotect.DataKeyException;
import dev.bastion.dataprotect.SubjectRequests;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion data delete --user ID}: revokes the user (tokens still in flight are refused), deletes their rows and
 * destroys their data keys — audit events about them stay, and still verify, but their sealed members read
 * {@code [shredded]}. Safe to run again.
 */
@Command(name = "delete", description = "Delete a user: their rows, and their data keys (crypto-shredding what was sealed for them).",
        mixinStandardHelpOptions = true)
final class DataDeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions store;
    @Option(names = "--user", paramLabel = "ID", required = true, description = "A user id (usr_…).")
    String user;

    @Override
    public Integer call() {
        try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(store.config(), s)) {
            SubjectRequests requests = new SubjectRequests(s, keys::keys, Clock.systemUTC());
            if (requests.user(user, null).isPresent()) Revoker.revoke(store, s, Revocation.Kind.USER, user, null, null);
            Optional<SubjectRequests.Deleted> d;
            try {
                d = requests.deleteUser(user, null);
            } catch (DataKeyException e) {
                throw new CliException("delete incomplete, run it again: " + e.getMessage());
            }
            if (d.isEmpty()) {
                spec.commandLine().getErr().println("no such user: " + user);
                return 1;
            }
            SubjectRequests.Deleted done = d.get();
            spec.commandLine().getOut().printf("deleted %s: %d user rows, %d usage rows, %d token records; %d data keys destroyed%n", user,
                    done.userRows(), done.usageRows(), done.tokenRows(), done.keysDestroyed());
            spec.commandLine().getOut().flush();
            CliAudit.record(store, s, AuditType.DATA_DELETE, done.orgId(), "user:" + user, done.fields());
        }
        return 0;
    }
}
