package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion serve --config bastion.yaml}: run the gateway the config declares, reload it on {@code SIGHUP} or
 * when the file changes, and stop gracefully on {@code SIGTERM} (docs/operations.md).
 */
@Command(name = "serve", description = "Run the gateway declared in a YAML config.", mixinStandardHelpOptions = true)
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "bastion.yaml", description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--no-watch", description = "Do not reload when the config file changes (SIGHUP and bastion reload still do).")
    boolean noWatch;

    @Override
    public Integer call() {
        byte[] content = read(config);
        BastionConfig c = new ConfigLoader().parse(new String(content, StandardCharsets.UTF_8), config.toString());
        Store store = Store.open(c.store(), new SecretResolver());
        Vertx vertx = GatewayRunner.newVertx();
        Gateway gateway;
        try {
            gateway = GatewayRunner.start(vertx, c, store);
        } catch (RuntimeException e) {
            GatewayRunner.await(vertx.close());
            store.close();
            throw e;
        }
        // Polled like the secrets; with --no-watch only SIGHUP and bastion reload reload it.
        ConfigReloader reloader = ConfigReloader.start(config, gateway, ConfigReloader.sha256(content), noWatch ? null : c.secrets().pollInterval());
        Duration drain = c.listeners().publicListener().drainTimeout();
        GatewayRunner.awaitShutdown(vertx, reloader::close, () -> GatewayRunner.await(gateway.stop(drain), drain.plusSeconds(20)), store::close);
        return 0;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
