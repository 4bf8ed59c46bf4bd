package dev.bastion.cli;

import dev.bastion.audit.AuditType;
import dev.bastion.dataprotect.DataKeyException;
import dev.bastion.dataprotect.SubjectRequests;
import dev.bastion.store.Store;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bastion data export --user ID | --org ID [--out FILE]}: everything Bastion holds about a subject, as JSON. */
@Command(name = "export", description = "Write everything Bastion holds about a user or an org as JSON (schema: docs/data-protection.md).",
        mixinStandardHelpOptions = true)
final class DataExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions store;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to this file (created owner-only); default standard output.")
    Path out;

    static final class Subject {
        @Option(names = "--user", paramLabel = "ID", description = "A user id (usr_…).")
        String user;
        @Option(names = "--org", paramLabel = "ID", description = "An org.")
        String org;
    }

    @Override
    public Integer call() throws IOException {
        try (Store s = store.open(); CliDataKeys keys = new CliDataKeys(store.config(), s)) {
            SubjectRequests requests = new SubjectRequests(s, keys::keys, Clock.systemUTC());
            Optional<JsonObject> doc;
            try {
                doc = subject.user != null ? requests.exportUser(subject.user, null) : requests.exportOrg(subject.org);
            } catch (DataKeyException e) {
                throw new CliException("export failed: " + e.getMessage());
            }
            String what = subject.user != null ? "user:" + subject.user : "org:" + subject.org;
            if (doc.isEmpty()) {
                spec.commandLine().getErr().println("no such " + (subject.user != null ? "user" : "org") + ": " + (subject.user != null ? subject.user : subject.org));
                return 1;
            }
            String text = doc.get().encodePrettily() + "\n";
            if (out == null) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            } else {
                write(out, text);
                spec.commandLine().getErr().println("wrote " + out);
            }
            CliAudit.record(store, s, AuditType.DATA_EXPORT, subject.org, what,
                    Map.of("events", doc.get().getJsonArray("audit_events").size(), "to", out == null ? "stdout" : "file"));
        }
        return 0;
    }

    /** The export holds personal data: a new file is made readable by its owner only. */
    private static void write(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException | UnsupportedOperationException existingOrNotPosix) {
            // an existing file keeps its mode; without POSIX modes the directory decides
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
}
