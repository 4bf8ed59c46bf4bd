package dev.bastion.store;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
