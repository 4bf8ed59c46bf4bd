package dev.bastion.audit;

import dev.bastion.config.AuditConfig;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail as the rest of Bastion sees it: an {@link AuditLog}. Typed events go in through
 * {@link #record}; the older {@code event(name, fields)} calls are mapped onto the typed schema
 * ({@link AuditRecords#fromLegacy}). Each event goes to the store through the {@link AuditWriter} and, with
 * {@code audit.log_lines}, as one line on the {@code bastion.audit} logger as before.
 */
public final class AuditTrail implements AuditLog, AutoCloseable {
    private static final Logger lines = LoggerFactory.getLogger("bastion.audit");
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final AuditLog legacyLines = AuditLog.toLogger();

    private final AuditWriter writer; // null: audit.enabled false
    private final boolean logLines;
    private final AuthFailureSampler authFailures;

    private final String witnessUrl;
    private AuditSinks sinks = AuditSinks.NONE;

    private AuditTrail(AuditWriter writer, boolean logLines, int authFailureSample, String witnessUrl) {
        this.writer = writer;
        this.witnessUrl = witnessUrl;
        this.logLines = logLines;
        this.authFailures = new AuthFailureSampler(authFailureSample);
    }

    /**
     * The trail of a gateway: the writer started on {@code store}, its checkpoint key from the store (created
     * and encrypted with {@code master} on first use), the configured witnesses.
     */
    public static AuditTrail start(AuditConfig config, Store store, java.util.function.Supplier<MasterKey> master, MeterRegistry registry, String storeUrl) {
        if (!config.enabled()) return new AuditTrail(null, config.writesLogLines(), config.authFailureSample(), null);
        Path spoolFile = spoolPath(config, storeUrl);
        Spool spool;
        try {
            spool = new Spool(spoolFile, config.spool().maxSize().bytes());
        } catch (IOException e) {
            throw new dev.bastion.config.ConfigException("audit.spool.path: cannot open " + spoolFile + " (" + e.getClass().getSimpleName() + ")");
        }
        List<CheckpointWitness> witnesses = new ArrayList<>();
        if (config.checkpoint().file() != null) witnesses.add(CheckpointWitness.file(Path.of(config.checkpoint().file())));
        AuditWriter writer = new AuditWriter(store, config, spool,
                () -> CheckpointSigner.load(store, master.get(), config.node(), System.currentTimeMillis()), witnesses, registry).start();
        if (!spool.isEmpty()) log.warn("audit: {} bytes of spooled events from an earlier run will be stored first", spool.size());
        AuditTrail trail = new AuditTrail(writer, config.writesLogLines(), config.authFailureSample(), config.checkpoint().url());
        io.micrometer.core.instrument.FunctionCounter.builder("bastion.audit.auth.failures", trail, AuditTrail::authFailuresCounted)
                .description("Authentication failures, recorded or not (audit.auth_failure_sample)").register(registry);
        return trail;
    }

    /**
     * Starts the SIEM sinks ({@code audit.sinks}) and feeds them from the writer: every event once stored or spooled.
     *
     * @param otlp makes an {@code otlp} sink (the OpenTelemetry SDK is {@code dev.bastion.observe}'s)
     */
    public void startSinks(List<dev.bastion.config.AuditSinkConfig> configs, java.util.function.Function<dev.bastion.config.AuditSinkConfig, AuditSink> otlp,
                           MeterRegistry registry) {
        if (writer == null || configs.isEmpty()) return;
        sinks = AuditSinks.start(configs, otlp, registry);
        writer.feed(sinks);
    }

    /** The SIEM sinks (tests). */
    public AuditSinks sinks() {
        return sinks;
    }

    /**
     * Seals personal members of events from now on (data_protection.audit_encrypt). Installed while the gateway
     * starts, before its listeners open: only Bastion's own start-up events, which name no user or client
     * address, can precede it.
     */
    public void sealWith(AuditSealer sealer) {
        if (writer != null) writer.sealWith(sealer);
    }

    /** Adds the HTTP witness ({@code audit.checkpoint.url}) once the outbound connector exists. */
    public void witnessOver(OutboundConnector connector) {
        if (writer != null && witnessUrl != null) writer.addWitness(new HttpWitness(connector, witnessUrl));
    }

    /** A trail over a given writer, without log lines (the benchmark). */
    static AuditTrail over(AuditWriter writer) {
        return new AuditTrail(writer, false, 10, null);
    }

    /** A trail that only logs (tests and tools that have no store). */
    public static AuditTrail logOnly() {
        return new AuditTrail(null, true, 10, null);
    }

    static Path spoolPath(AuditConfig config, String storeUrl) {
        if (config.spool().path() != null) return Path.of(config.spool().path());
        if (storeUrl != null && storeUrl.startsWith("sqlite:")) {
            return Path.of(storeUrl.substring("sqlite:".length())).toAbsolutePath().resolveSibling("audit-spool.jsonl");
        }
        return Path.of("./data/audit-spool.jsonl");
    }

    /**
     * An event by name (a catalogue name, or one of the names used before the catalogue): stored typed, and
     * logged exactly as before, so what reads the {@code bastion.audit} lines keeps working.
     */
    @Override
    public void event(String event, Map<String, ?> fields) {
        if (writer != null) writer.offer(event, fields);
        if (logLines) legacyLines.event(event, fields);
    }

    /** Records a typed event. Never blocks and never throws on the request path. */
    public void record(AuditEvent e) {
        if (writer != null) writer.offer(e);
        if (logLines) {
            lines.info("audit {}", e.type().wire(), StructuredArguments.entries(logFields(e)));
        }
    }

    /**
     * An authentication failure from {@code ip}: counted always; recorded for the first
     * {@code audit.auth_failure_sample} per IP per minute, the next record carrying how many were not.
     */
    public void authFailure(String ip, String requestId, String reason, String route) {
        authFailure(ip, requestId, null, reason, route);
    }

    /** As above, with the request's trace id (the server span's when tracing is on). */
    public void authFailure(String ip, String requestId, String traceId, String reason, String route) {
        long skipped = authFailures.admit(ip, System.currentTimeMillis());
        if (skipped < 0) return;
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        if (route != null) f.put("route", route);
        if (skipped > 0) f.put("unrecorded_before", skipped);
        record(new AuditEvent(System.currentTimeMillis(), AuditType.AUTH_FAILURE, null, AuditEvent.Actor.ANONYMOUS, "authenticate", route, null,
                reason, requestId, traceId, ip, f));
    }

    public long authFailuresCounted() {
        return authFailures.total();
    }

    /** Whether an event emitted now would be kept (for {@code on_failure: refuse}); true without a store. */
    public boolean deliverable() {
        return writer == null || writer.deliverable();
    }

    public AuditWriter writer() {
        return writer;
    }

    /** The typed event as a log line's fields, every string held to the same id rule as the stored row. */
    private static Map<String, Object> logFields(AuditEvent e) {
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        all.put("event", e.type().wire());
        all.put("severity", e.severity().wire());
        put(all, "actor", e.actor().id());
        put(all, "org", e.actor().org());
        put(all, "action", e.action());
        put(all, "target", e.target());
        put(all, "result", e.result());
        put(all, "reason", e.reason());
        put(all, "request_id", e.requestId());
        put(all, "trace_id", e.traceId());
        put(all, "ip", e.ip());
        e.fields().forEach((k, v) -> {
            if (v != null) all.put(k, AuditRecords.value(v));
        });
        return all;
    }

    private static void put(Map<String, Object> m, String key, String value) {
        if (value != null) m.put(key, AuditRecords.safe(value));
    }

    @Override
    public void close() {
        if (writer != null) writer.close(); // drained: its last batches are in the sinks' queues
        sinks.close();
    }
}
