package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which store a CLI command works on: the one of a config file, an explicit URL, or the default SQLite file. */
public final class StoreOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Use the store declared in this config file.")
    Path config;

    @Option(names = "--store", paramLabel = "URL", description = "Store URL (default: ${DEFAULT-VALUE}).", defaultValue = StoreConfig.DEFAULT_URL)
    String url;

    private BastionConfig loaded;

    /** The config file's settings, or defaults around {@code --store}. */
    BastionConfig config() {
        if (loaded == null) {
            loaded = config != null ? new ConfigLoader().load(config)
                    : new BastionConfig(null, null, null, new StoreConfig(url, null, null, 2), null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }
        return loaded;
    }

    Store open() {
        return Store.open(config().store(), new SecretResolver());
    }
}
