package dev.bastion.retention;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Retention against a real SQLite file per test. */
class RetentionSqliteTest extends RetentionContract {
    private static final AtomicInteger files = new AtomicInteger();
    private Path file;

    @Override
    protected Store openStore() {
        Path f = dir.resolve("bastion-" + files.incrementAndGet() + ".db");
        if (file == null) file = f; // the first is the test's store; later ones stand for other stores
        return Store.open(new StoreConfig("sqlite:" + f, null, null, null), new SecretResolver(Map.of()));
    }

    @Override
    protected Connection app() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
        }
        return c;
    }

    /** The file's owner can drop the triggers; each test has its own file, so they stay dropped for this test only. */
    @Override
    protected Connection attacker() throws Exception {
        Connection c = app();
        try (Statement s = c.createStatement()) {
            List<String> triggers = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'")) {
                while (rs.next()) triggers.add(rs.getString(1));
            }
            for (String t : triggers) s.execute("DROP TRIGGER " + t);
        }
        return c;
    }
}
