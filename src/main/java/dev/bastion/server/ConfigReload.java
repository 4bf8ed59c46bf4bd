package dev.bastion.server;

import dev.bastion.chain.ExchangeListener;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ReloadScope;
import dev.bastion.contract.Contracts;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.secrets.SecretWatcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload: the public listener's snapshot — route table, chains, upstreams, model catalogue — behind one
 * reference. Each request reads the reference once ({@link ListenerVerticle}) and keeps that snapshot to its end, so
 * a request or stream in flight finishes on the config it started with and the next one sees the new routes.
 *
 * <p>A new config goes through what a start does — validation (by the loader), the posture check with its prod
 * failures, the routes' contracts, every secret resolved — and the swap happens only when all of it passed; else the
 * running config stays and the refusal names the YAML paths. Sections outside {@link ReloadScope#LIVE} feed what is
 * built once ({@link Services}), so changing one is refused too. State that must survive a reload — limiter counters,
 * concurrency slots, breakers, caches — lives in the services, keyed by route or deployment id, and is not rebuilt:
 * a reload an attacker could provoke never resets a limit. Each reload, applied or refused, is a
 * {@code config.reloaded} audit event with the file's SHA-256 and never a value.
 */
public final class ConfigReload {
    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);

    /** What became of one reload: applied, or refused with one line per problem (each starting with its YAML path). */
    public record Outcome(boolean applied, String configHash, List<String> problems) {
        public Outcome {
            problems = List.copyOf(problems);
        }
    }

    private final Vertx vertx;
    private final Services services;
    private final List<ExchangeListener> recorders;
    private final AtomicReference<Listener> current;
    /** The start's watcher also keeps the tracing headers current, which only a restart changes: it stays open to the end. */
    private final SecretWatcher first;
    private volatile BastionConfig running;
    /** Where {@code POST /admin/v1/reload} reads the config from ({@code serve}'s file); null: nothing to reload from. */
    private volatile java.util.function.Function<String, Future<Outcome>> source;
    private SecretWatcher reloaded; // the last reload's watcher (its upstream keys); null before the first reload
    private Future<Outcome> queue = Future.succeededFuture();

    ConfigReload(Vertx vertx, Services services, List<ExchangeListener> recorders, BastionConfig running, SecretWatcher first, Listener initial) {
        this.vertx = vertx;
        this.services = services;
        this.recorders = recorders;
        this.running = running;
        this.first = first;
        this.current = new AtomicReference<>(initial);
    }

    /** The config the running snapshot was built from (the admin API's upstream list reads it). */
    BastionConfig running() {
        return running;
    }

    /** The snapshot a request starting now runs on. */
    Listener current() {
        return current.get();
    }

    /** Sets what {@link #endpoint} reloads: {@code serve} re-reads its file; an embedded gateway has none. */
    void reloadFrom(java.util.function.Function<String, Future<Outcome>> source) {
        this.source = source;
    }

    /**
     * {@code POST /admin/v1/reload}: reloads from the source and answers 200 with the config's hash, or 422
     * {@code config_refused} naming the YAML paths — only the paths: the problems' full text goes to the log, since a
     * validation message may quote a value. 409 {@code reload_unavailable} when the gateway has no file to read.
     */
    dev.bastion.chain.LocalEndpoint endpoint() {
        return ex -> {
            java.util.function.Function<String, Future<Outcome>> from = source;
            if (from == null) {
                return Future.succeededFuture(new dev.bastion.chain.Verdict.Deny(409, "reload_unavailable", "This gateway was not started from a config file."));
            }
            return from.apply("admin_api").map(o -> o.applied()
                    ? dev.bastion.chain.LocalEndpoint.answer(200, dev.bastion.chain.LocalEndpoint.JSON_NO_STORE,
                            new io.vertx.core.json.JsonObject().put("status", "applied").put("config_sha256", o.configHash()).encode())
                    : new dev.bastion.chain.Verdict.Deny(422, "config_refused", "The config was refused and the running one stays; see the log. Problems at: "
                            + String.join(", ", o.problems().stream().map(ConfigReload::path).distinct().toList())));
        };
    }

    /** Reloads run one after the other: a second one compares against what the first left running. */
    synchronized Future<Outcome> reload(BastionConfig next, String configHash, String trigger) {
        queue = queue.transform(ignored -> attempt(next, configHash, trigger));
        return queue;
    }

    private Future<Outcome> attempt(BastionConfig next, String hash, String trigger) {
        List<String> restart = ReloadScope.restartOnly(running, next);
        if (!restart.isEmpty()) {
            return Future.succeededFuture(refused(hash, trigger, restart.stream().map(p -> p + ": cannot change on reload (restart Bastion to apply it)").toList()));
        }
        List<String> posture = Gateway.postureRefusal(next);
        if (!posture.isEmpty()) return Future.succeededFuture(refused(hash, trigger, posture));
        // Off the event loop, as at start: a vault: or aws-sm: key is read from its store.
        return vertx.executeBlocking(() -> new Prepared(Contracts.compile(next), Gateway.Keys.resolve(next, services.secrets)), false)
                .transform(ar -> Future.succeededFuture(ar.succeeded() ? swap(next, hash, trigger, ar.result()) : refused(hash, trigger, problems(ar.cause()))));
    }

    private record Prepared(Contracts contracts, Gateway.Keys keys) {}

    private synchronized Outcome swap(BastionConfig next, String hash, String trigger, Prepared prepared) {
        SecretWatcher watcher = prepared.keys().watcher();
        Listener listener;
        try {
            listener = Gateway.publicListener(vertx, next, services, prepared.keys(), prepared.contracts(), recorders);
        } catch (RuntimeException e) {
            watcher.close();
            return refused(hash, trigger, problems(e));
        }
        watcher.start(services.metrics.registry(), services.audit);
        current.set(listener);
        running = next;
        SecretWatcher previous = reloaded;
        reloaded = watcher;
        if (previous != null) previous.close(); // requests still on the old snapshot keep the values it last read
        Map<String, Object> fields = fields(hash, trigger);
        fields.put("routes", next.routes().size());
        fields.put("upstreams", next.upstreams().size());
        fields.put("models", next.models().size());
        services.audit.event("config.reloaded", fields);
        log.info("config reloaded ({}, sha256 {}): {} routes, {} upstreams, {} models", trigger, hash, next.routes().size(), next.upstreams().size(), next.models().size());
        return new Outcome(true, hash, List.of());
    }

    /** A refused reload: logged with its problems (YAML paths and what is wrong, as at start), audited with their paths only. */
    Outcome refused(String hash, String trigger, List<String> problems) {
        Map<String, Object> fields = fields(hash, trigger);
        fields.put("decision", "failure");
        fields.put("reason", "config_refused");
        fields.put("paths", String.join(",", problems.stream().map(ConfigReload::path).distinct().toList()));
        services.audit.event("config.reloaded", fields);
        log.warn("config reload refused ({}, sha256 {}); the running config stays:\n  {}", trigger, hash, String.join("\n  ", problems));
        return new Outcome(false, hash, problems);
    }

    private static Map<String, Object> fields(String hash, String trigger) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ref", "config");
        f.put("config_sha256", hash);
        f.put("trigger", trigger);
        return f;
    }

    /** The YAML path a problem line starts with (a loader's line starts with the file name, then the path). */
    private static String path(String problem) {
        String[] parts = problem.split(": ", 3);
        return parts.length == 3 && parts[0].endsWith(".yaml") || parts.length == 3 && parts[0].endsWith(".yml") ? parts[1] : parts[0];
    }

    private static List<String> problems(Throwable t) {
        if (t instanceof ConfigException c) return c.problems();
        if (t instanceof SecretResolver.SecretException || t instanceof IllegalArgumentException) return List.of(t.getMessage());
        List<String> out = new ArrayList<>();
        out.add("config: could not be applied (" + t.getClass().getSimpleName() + ")");
        return out;
    }

    /** Closes the reload's secret watchers (the gateway is stopping). */
    synchronized void close() {
        if (reloaded != null) reloaded.close();
        first.close();
    }
}
