package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bastion serve --config bastion.yaml}: run the gateway the config declares. */
@Command(name = "serve", description = "Run the gateway declared in a YAML config.", mixinStandardHelpOptions = true)
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "bastion.yaml", description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() {
        BastionConfig c = new ConfigLoader().load(config);
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
        GatewayRunner.awaitShutdown(vertx, () -> GatewayRunner.await(gateway.close()), store::close);
        return 0;
    }
}
