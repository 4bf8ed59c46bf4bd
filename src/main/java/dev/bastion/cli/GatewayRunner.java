package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starts Vert.x, the store and a gateway for the CLI commands that serve, and stops them on SIGTERM / Ctrl-C. */
final class GatewayRunner {
    private GatewayRunner() {}

    static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
                .setPreferNativeTransport(true));
    }

    /** Starts the gateway and returns it; the caller decides whether to wait. */
    static Gateway start(Vertx vertx, BastionConfig config, Store store) {
        try {
            return Gateway.start(vertx, config, store, new SecretResolver(), 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException c) throw c;
            if (cause instanceof java.net.BindException || (cause != null && cause.getMessage() != null && cause.getMessage().contains("Address already in use"))) {
                throw new CliException("cannot listen: address already in use (" + cause.getMessage() + ")");
            }
            throw new CliException("cannot start: " + (cause == null ? e : cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while starting");
        } catch (TimeoutException e) {
            throw new CliException("start did not finish within 30s");
        }
    }

    /** Blocks until the process is asked to stop, then shuts down in order: listeners, then store. */
    static void awaitShutdown(Vertx vertx, Runnable... closers) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Runnable c : closers) {
                try {
                    c.run();
                } catch (RuntimeException ignored) {
                    // shutting down anyway
                }
            }
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway
            }
            stopped.countDown();
        }, "bastion-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void await(io.vertx.core.Future<?> f) {
        await(f, java.time.Duration.ofSeconds(10));
    }

    static void await(io.vertx.core.Future<?> f, java.time.Duration timeout) {
        try {
            f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // best effort during shutdown
        }
    }
}
