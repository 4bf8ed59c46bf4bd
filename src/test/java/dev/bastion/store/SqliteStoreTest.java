package dev.bastion.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.testing.LogCapture;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
    @TempDir
    static Path dir;
    static Store store;

    static StoreConfig config() {
        return new StoreConfig("sqlite:" + dir.resolve("nested/dir/bastion.db"), null, null, null);
    }

    @BeforeAll
    static void open() {
        store = Store.open(config(), new SecretResolver(Map.of()));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected Store secondStore() {
        return Store.open(config(), new SecretResolver(Map.of()));
    }

    /** An existing store keeps its operator's mode, but one every user may read is named at start. */
    @Test
    void anExistingWorldReadableStoreIsWarnedAboutAndLeftAsItIs() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path loose = dir.resolve("loose/bastion.db");
        Files.createDirectories(loose.getParent());
        Files.createFile(loose, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try (LogCapture logs = LogCapture.capture();
             Store s = Store.open(new StoreConfig("sqlite:" + loose, null, null, null), new SecretResolver(Map.of()))) {
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("readable by every user", "rw-r--r--", "chmod 600"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(loose))).isEqualTo("rw-r--r--");
        }
        try (LogCapture logs = LogCapture.capture();
             Store s = Store.open(config(), new SecretResolver(Map.of()))) {
            assertThat(logs.lines()).as("an owner-only store is not warned about").noneSatisfy(l -> assertThat(l).contains("readable by every user"));
        }
    }

    /** Key and secret hashes, encrypted signing keys, users: the database and its WAL are the owner's only, like the master key. */
    @Test
    void theDatabaseAndItsWalAndSharedMemoryFilesAreReadableByTheOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        store.orgs().ensure("permissions"); // a write, so the -wal and -shm files exist
        Path db = dir.resolve("nested/dir/bastion.db");
        for (Path f : new Path[] {db, Path.of(db + "-wal"), Path.of(db + "-shm")}) {
            assertThat(f).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.getFileName().toString()).isEqualTo("rw-------");
        }
    }
}
