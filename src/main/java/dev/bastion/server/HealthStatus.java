package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.BastionConfig;
import dev.bastion.failover.DeploymentHealth;
import dev.bastion.posture.Finding;
import dev.bastion.posture.Posture;
import dev.bastion.posture.PostureReport;
import dev.bastion.posture.Severity;
import dev.bastion.secrets.LogRedactor;
import dev.bastion.store.SigningKeyRecord;
import io.micrometer.core.instrument.Meter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health/status} on the admin listener (E6): each component's state ({@code ok}, {@code degraded},
 * {@code down}) and last error, and the overall state — the worst of them. 200 unless the overall state is
 * {@code down} (503). A last error is the exception's class and a short message with every known secret value
 * redacted; never a credential, never a request's content. docs/observability.md#health-status has the format.
 *
 * <p>Components: the store (a ping on a worker), Redis (a PING, when configured), each deployment's breaker,
 * the token signing keys (the current key's age against {@code tokens.rotate_every}), the secrets (overdue
 * and failed re-reads, from their meters) and, when on, tracing (dropped spans, failed exports). The audit
 * sink adds itself when the audit trail has one. Beside the components, {@code posture}: the posture check's warnings and
 * failures by id (not a component: it does not change the state).
 */
final class HealthStatus implements LocalEndpoint {
    static final String OK = "ok", DEGRADED = "degraded", DOWN = "down";
    private static final long PROBE_TIMEOUT_MS = 2000;

    private final Vertx vertx;
    private final BastionConfig config;
    private final Services services;

    HealthStatus(Vertx vertx, BastionConfig config, Services services) {
        this.vertx = vertx;
        this.config = config;
        this.services = services;
    }

    @Override
    public Future<Verdict> handle(Exchange ex) {
        Future<JsonObject> store = timed(vertx.executeBlocking(() -> {
            long start = System.nanoTime();
            boolean up = services.store.ping();
            JsonObject c = new JsonObject().put("latency_ms", (System.nanoTime() - start) / 1_000_000);
            if (!up) return c.put("state", DOWN).put("last_error", new JsonObject().put("class", "StorePing").put("message", "the store did not answer"));
            return c.put("state", OK);
        }));
        Future<JsonObject> redis = services.redisClient == null ? Future.succeededFuture(null)
                : timed(services.redisClient.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING))
                        .map(r -> new JsonObject().put("state", OK)));
        Future<JsonObject> keys = timed(vertx.executeBlocking(this::signingKeys));
        // On a worker: the check reads the certificate and secret files the config names.
        Future<JsonObject> posture = vertx.executeBlocking(this::posture);
        return Future.join(store, redis, keys, posture).transform(ar -> {
            JsonObject components = new JsonObject();
            components.put("store", store.result());
            if (redis.result() != null) components.put("redis", redis.result());
            components.put("deployments", deployments());
            components.put("signing_keys", keys.result());
            components.put("secrets", secrets());
            components.put("audit", audit());
            if (services.tracing.enabled()) components.put("tracing", tracing());
            String overall = OK;
            for (String name : components.fieldNames()) overall = worst(overall, components.getJsonObject(name).getString("state"));
            JsonObject body = new JsonObject().put("state", overall).put("components", components);
            if (posture.succeeded()) body.put("posture", posture.result());
            return Future.succeededFuture(LocalEndpoint.answer(DOWN.equals(overall) ? 503 : 200, JSON_NO_STORE, body.encode()));
        });
    }

    /**
     * The posture check's warnings and failures as ids, severities and counts — never the places or details, which name
     * files and hosts. Outside {@code components}: a posture finding is a property of the deployment, not its health,
     * so it does not change the overall state (docs/operations.md#posture-rows).
     */
    private JsonObject posture() {
        // The watcher knows remote secrets' ages (their versions' dates), which the config's files cannot tell.
        List<String> overdue = new ArrayList<>();
        for (Meter m : services.metrics.registry().find("bastion.secret.overdue").meters()) {
            for (var measure : m.measure()) if (measure.getValue() > 0) overdue.add(m.getId().getTag("ref"));
        }
        PostureReport report = Posture.withOverdueSecrets(Posture.check(config, services.clock.instant()), overdue);
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            if (f.severity() == Severity.INFO) continue;
            byId.computeIfAbsent(f.id(), id -> new JsonObject().put("id", id).put("severity", f.severity().label()).put("count", 0));
            byId.get(f.id()).put("count", byId.get(f.id()).getInteger("count") + 1);
        }
        return new JsonObject().put("fail", report.of(Severity.FAIL).size()).put("warn", report.of(Severity.WARN).size())
                .put("findings", new JsonArray(new ArrayList<>(byId.values())));
    }

    /** A probe that fails or takes too long is the component down, with the failure's class and short message. */
    private Future<JsonObject> timed(Future<JsonObject> probe) {
        io.vertx.core.Promise<JsonObject> out = io.vertx.core.Promise.promise();
        long timer = vertx.setTimer(PROBE_TIMEOUT_MS, t -> out.tryComplete(new JsonObject().put("state", DOWN)
                .put("last_error", new JsonObject().put("class", "Timeout").put("message", "no answer within " + PROBE_TIMEOUT_MS + " ms"))));
        probe.onComplete(ar -> {
            vertx.cancelTimer(timer);
            out.tryComplete(ar.succeeded() ? ar.result() : new JsonObject().put("state", DOWN).put("last_error", error(ar.cause())));
        });
        return out.future();
    }

    /** The current signing key's age: degraded when older than {@code rotate_every} plus two refreshes (rotation is overdue). */
    private JsonObject signingKeys() {
        if (services.signingKeys == null) return new JsonObject().put("state", DOWN);
        String kid = services.signingKeys.current().kid();
        Instant created = null;
        for (SigningKeyRecord r : services.signingKeys.listPublished()) if (r.kid().equals(kid)) created = r.createdAt();
        JsonObject c = new JsonObject().put("current_kid", kid);
        if (created == null) return c.put("state", DEGRADED).put("last_error", new JsonObject().put("class", "SigningKeys").put("message", "the current key is not published"));
        Duration age = Duration.between(created, services.clock.instant());
        Duration due = config.tokens().rotateEvery().plus(config.tokens().keyRefresh().multipliedBy(2));
        c.put("current_key_age_seconds", Math.max(0, age.toSeconds())).put("rotate_every_seconds", config.tokens().rotateEvery().toSeconds());
        return c.put("state", age.compareTo(due) > 0 ? DEGRADED : OK);
    }

    /** Each deployment's breaker: all open is down, any open or half-open is degraded. */
    private JsonObject deployments() {
        JsonArray list = new JsonArray();
        int open = 0, halfOpen = 0, n = 0;
        List<DeploymentHealth> all = new ArrayList<>(services.deploymentHealth.all());
        all.sort(java.util.Comparator.comparing(DeploymentHealth::id));
        for (DeploymentHealth d : all) {
            n++;
            String breaker = d.state();
            if (breaker.equals("open")) open++;
            if (breaker.equals("half_open")) halfOpen++;
            list.add(new JsonObject().put("id", d.id()).put("breaker", breaker).put("in_flight", d.inFlight())
                    .put("state", breaker.equals("open") ? DOWN : breaker.equals("half_open") ? DEGRADED : OK));
        }
        String state = n > 0 && open == n ? DOWN : open + halfOpen > 0 ? DEGRADED : OK;
        return new JsonObject().put("state", state).put("items", list);
    }

    /**
     * From the secret watcher's meters: a secret past its max_age, one whose last re-read failed, or one read only at
     * start that has changed since (a restart is needed to use it) is degraded now. Failed re-reads since start are
     * reported too, but a secret that is readable again is not held against the state.
     */
    private JsonObject secrets() {
        long overdue = 0;
        long failing = 0;
        long restartRequired = 0;
        double failures = 0;
        for (Meter m : services.metrics.registry().getMeters()) {
            String name = m.getId().getName();
            for (var measure : m.measure()) {
                switch (name) {
                    case "bastion.secret.overdue" -> overdue += (long) measure.getValue();
                    case "bastion.secret.failing" -> failing += (long) measure.getValue();
                    case "bastion.secret.restart.required" -> restartRequired += (long) measure.getValue();
                    case "bastion.secret.reload.failures" -> failures += measure.getValue();
                    default -> { }
                }
            }
        }
        return new JsonObject().put("state", overdue + failing + restartRequired > 0 ? DEGRADED : OK).put("overdue", overdue).put("failing", failing)
                .put("restart_required", restartRequired).put("reload_failures", (long) failures);
    }

    /**
     * The audit writer: ok while it stores; degraded while it spools (the store is unreachable), a witness refuses
     * checkpoints or a SIEM sink cannot be reached; down while events are being lost (queue full, or spool full with
     * the store unreachable).
     */
    private JsonObject audit() {
        dev.bastion.audit.AuditWriter writer = services.audit.writer();
        if (writer == null) return new JsonObject().put("state", OK).put("enabled", false);
        dev.bastion.audit.AuditWriter.Status s = writer.status();
        String state = s.dropping() ? DOWN : !s.storeUp() || s.witnessFailing() ? DEGRADED : OK;
        JsonObject c = new JsonObject().put("state", state).put("enabled", true).put("store_up", s.storeUp()).put("queue_depth", s.queueDepth())
                .put("spool_bytes", s.spoolBytes()).put("dropped", s.dropped()).put("witness_failing", s.witnessFailing());
        if (s.storeError() != null) c.put("last_error", error(s.storeError()));
        io.vertx.core.json.JsonArray sinks = new io.vertx.core.json.JsonArray();
        for (dev.bastion.audit.AuditSinks.Status sink : services.audit.sinks().status()) {
            // A SIEM sink that cannot be reached is degraded: the store still has every event.
            if (!sink.up()) state = worst(state, DEGRADED);
            sinks.add(new JsonObject().put("name", sink.name()).put("state", sink.up() ? OK : DEGRADED).put("queue_depth", sink.queueDepth())
                    .put("dropped", sink.dropped()));
        }
        if (!sinks.isEmpty()) c.put("sinks", sinks);
        return c.put("state", state);
    }

    private JsonObject tracing() {
        long dropped = services.tracing.droppedSpans();
        return new JsonObject().put("state", dropped > 0 ? DEGRADED : OK).put("dropped_spans", dropped);
    }

    static String worst(String a, String b) {
        if (DOWN.equals(a) || DOWN.equals(b)) return DOWN;
        if (DEGRADED.equals(a) || DEGRADED.equals(b)) return DEGRADED;
        return OK;
    }

    /** The class and a short message, secret values redacted (a driver may put a URL in its message). */
    static JsonObject error(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        int nl = message.indexOf('\n');
        if (nl >= 0) message = message.substring(0, nl);
        message = LogRedactor.global().redact(message);
        if (message.length() > 160) message = message.substring(0, 160) + "…";
        return new JsonObject().put("class", t.getClass().getSimpleName()).put("message", message);
    }
}
