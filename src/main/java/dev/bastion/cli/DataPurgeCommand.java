package dev.bastion.cli;

import dev.bastion.audit.AuditTrails;
import dev.bastion.audit.CheckpointSigner;
import dev.bastion.config.BastionConfig;
import dev.bastion.dataprotect.SubjectRequests;
import dev.bastion.retention.DataClass;
import dev.bastion.retention.RetentionJob;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bastion data purge [--dry-run] [--class X]}: runs retention now, as the gateway's job does on its schedule
 * (docs/data-protection.md, "Retention"), with the config's periods. A dry run prints per class what would go and
 * the cutoff, and deletes nothing. Audit retention cuts are signed with the CLI's checkpoint key ({@code cli.NODE})
 * and each purge is recorded as a {@code data.purge} event on the CLI's chain. Exit 1 when a class failed (an
 * audit trail that does not verify is not purged), or when another node is purging now.
 */
@Command(name = "purge", description = "Remove what is past its retention (retention: in the config). --dry-run shows what would go.",
        mixinStandardHelpOptions = true)
public final class DataPurgeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions store;
    @Option(names = "--dry-run", description = "Count what would go; delete nothing.")
    boolean dryRun;
    @Option(names = "--class", paramLabel = "CLASS", description = "Only this class (repeatable): audit, usage, users_inactive, access_logs.")
    List<String> classes = List.of();

    @Override
    public Integer call() {
        Set<DataClass> only = EnumSet.noneOf(DataClass.class);
        for (String c : classes) {
            try {
                only.add(DataClass.byWire(c));
            } catch (IllegalArgumentException e) {
                throw new CliException("--class: " + e.getMessage());
            }
        }
        BastionConfig config = store.config();
        String node = "cli." + config.audit().node();
        try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(config, s)) {
            RetentionJob job = new RetentionJob(s, config.retention(), Clock.systemUTC(),
                    () -> CheckpointSigner.load(s, MasterKey.load(config, new SecretResolver()), node, System.currentTimeMillis()), node,
                    e -> {
                        if (config.audit().enabled()) AuditTrails.appendNow(s, config.audit(), node, e, () -> MasterKey.load(config, new SecretResolver()));
                    }, config.accessLog().dir() == null ? null : Path.of(config.accessLog().dir()), null);
            SubjectRequests subjects = new SubjectRequests(s, keys::keys, Clock.systemUTC());
            job.withUserEraser(id -> subjects.deleteUser(id, null));
            RetentionJob.Report r = job.run(dryRun, only);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-16s %-26s %s%n", "CLASS", "CUTOFF", dryRun ? "WOULD DELETE" : "DELETED");
            boolean failed = false;
            for (RetentionJob.ClassResult c : r.classes()) {
                out.printf("%-16s %-26s %s%n", c.dataClass().wire(), c.cutoff() == null ? "off (kept)" : c.cutoff().toString(),
                        c.failed() && c.rows() == 0 ? "-" : c.rows());
                for (String d : c.details()) out.println("  " + d);
                failed |= c.failed();
            }
            if (dryRun) out.println("dry run: nothing was deleted.");
            out.flush();
            if (r.skipped()) {
                // only this node's access-log files were handled; the store's classes are being purged elsewhere
                spec.commandLine().getErr().println("another node is purging the store now (it holds the retention lock); its classes were not run");
                spec.commandLine().getErr().flush();
                return 1;
            }
            return failed ? 1 : 0;
        }
    }
}
