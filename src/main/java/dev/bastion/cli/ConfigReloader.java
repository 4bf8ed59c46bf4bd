package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.server.ConfigReload;
import dev.bastion.server.Gateway;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes {@code bastion serve} reload its config file: {@code SIGHUP}, and a change of the file's content seen
 * by polling it every {@code secrets.poll_interval} — the secret watcher's approach, for the same reason: a
 * Kubernetes ConfigMap is swapped by re-pointing a {@code ..data} symlink, which {@code WatchService} does not
 * report. A file that does not parse or validate is refused like any other ({@link ConfigReload}); it is not tried
 * again until its content changes.
 */
final class ConfigReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final Gateway gateway;
    private final ScheduledExecutorService poller;
    private volatile String seen; // the hash of the content last loaded or refused

    private ConfigReloader(Path file, Gateway gateway, String startHash) {
        this.file = file;
        this.gateway = gateway;
        this.seen = startHash;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bastion-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts reloading {@code file}, whose content (hashed {@code startHash}) the gateway runs now: on {@code SIGHUP}
     * and the admin API's request, and when {@code poll} is not null, on a change seen that often.
     */
    static ConfigReloader start(Path file, Gateway gateway, String startHash, Duration poll) {
        ConfigReloader r = new ConfigReloader(file, gateway, startHash);
        if (poll != null) {
            long ms = Math.max(100, poll.toMillis());
            r.poller.scheduleWithFixedDelay(r::pollOnce, ms, ms, TimeUnit.MILLISECONDS);
        }
        // The admin API asks from an event loop: the file is read and parsed on the watcher's thread instead.
        gateway.reloadFrom(trigger -> {
            io.vertx.core.Promise<ConfigReload.Outcome> done = io.vertx.core.Promise.promise();
            r.poller.execute(() -> r.reload(trigger).onComplete(done));
            return done.future();
        });
        try {
            // sun.misc.Signal (module jdk.unsupported) is still the JDK's only signal API on JDK 25; HUP is free for
            // applications (the JVM itself uses TERM, INT and QUIT). Handlers run on a thread of their own.
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
                    s -> r.poller.execute(() -> GatewayRunner.await(r.reload("sighup"))));
            // A process started with HUP ignored (nohup, some supervisors) keeps it ignored: the JVM does not install
            // the handler and says so only by answering SIG_IGN — a kill -HUP would then do nothing, silently.
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                log.warn("SIGHUP is ignored by this process (started under nohup?), so it cannot reload the config; use `bastion reload`, the admin API, or a change of the file");
            }
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP cannot be handled here ({}); the config reloads when the file changes", e.getMessage());
        }
        return r;
    }

    /** The SHA-256 of a config file's bytes: what audit events name a config by (never its values). */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pollOnce() {
        byte[] content = read();
        if (content != null && !sha256(content).equals(seen)) GatewayRunner.await(reload(content, "file"));
    }

    /** Reads the file again and loads it; refused (and audited) when it cannot be read, parsed or validated. */
    private Future<ConfigReload.Outcome> reload(String trigger) {
        byte[] content = read();
        if (content == null) {
            List<String> problems = List.of(file + ": cannot be read");
            gateway.reloadRefused("-", trigger, problems);
            return Future.succeededFuture(new ConfigReload.Outcome(false, "-", problems));
        }
        return reload(content, trigger);
    }

    private synchronized Future<ConfigReload.Outcome> reload(byte[] content, String trigger) {
        String hash = sha256(content);
        seen = hash;
        log.info("config reload ({}): {}", trigger, file);
        BastionConfig next;
        try {
            next = new ConfigLoader().parse(new String(content, StandardCharsets.UTF_8), file.toString());
        } catch (ConfigException e) {
            gateway.reloadRefused(hash, trigger, e.problems());
            return Future.succeededFuture(new ConfigReload.Outcome(false, hash, e.problems()));
        }
        return gateway.reload(next, hash, trigger);
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // Mid-swap or removed: the next poll looks again; the running config stays.
            log.warn("config reload: {} cannot be read ({})", file, e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
