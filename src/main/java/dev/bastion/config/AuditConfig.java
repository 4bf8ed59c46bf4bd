package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The audit trail (docs/audit.md): typed events written by their own writer into the store, hash-chained
 * per node, with signed checkpoints, a local spool while the store is unreachable.
 *
 * @param enabled            write the trail into the store; default true (false: events go to the log lines only)
 * @param node               this node's chain name; default the host name. Must be stable across restarts and
 *                           unique per running gateway (two gateways with one name share one chain, correctly but
 *                           interleaved)
 * @param queueSize          events waiting for the writer; default 65536. A full queue spools the overflow
 * @param batchSize          events per insert transaction; default 500
 * @param flushInterval      the longest an event waits in the queue before it is written; default 200ms
 * @param retryInterval      how often an unreachable store is tried again; default 2s
 * @param onFailure          {@code continue} (default) or {@code refuse}: what the gateway does once an event can
 *                           neither be stored nor spooled (docs/audit.md)
 * @param logLines           also write each event as one JSON line on the {@code bastion.audit} logger; default true in
 *                           development, false in prod (the trail and its sinks are the record there, and a logback line
 *                           costs ~40 µs on the request path)
 * @param authFailureSample  authentication failures recorded per client IP per minute (the rest are counted,
 *                           and the next record carries the count); default 10
 * @param spool              where events wait while the store is unreachable
 * @param checkpoint         signed checkpoints and their witnesses
 * @param sinks              SIEM sinks fed with every event once stored or spooled (file, syslog over TLS, OTLP logs); none by default
 */
public record AuditConfig(Boolean enabled, String node, Integer queueSize, Integer batchSize, Duration flushInterval, Duration retryInterval,
                          OnFailure onFailure, Boolean logLines, Integer authFailureSample, Spool spool, Checkpoint checkpoint,
                          java.util.List<AuditSinkConfig> sinks) {
    public static final AuditConfig DEFAULTS = new AuditConfig(null, null, null, null, null, null, null, null, null, null, null, null);

    public enum OnFailure {
        @JsonProperty("continue") CONTINUE,
        @JsonProperty("refuse") REFUSE
    }

    /**
     * @param path    the spool file; default {@code audit-spool.jsonl} next to a SQLite store, else {@code ./data/audit-spool.jsonl}
     * @param maxSize the largest the spool grows; default 256MiB. Beyond it events are dropped and counted
     *                ({@code bastion_audit_dropped_total}, an error log line every 10 s)
     */
    public record Spool(String path, ByteSize maxSize) {
        public Spool {
            maxSize = maxSize == null ? new ByteSize(256L * 1024 * 1024) : maxSize;
            if (maxSize.bytes() < 4096) throw new IllegalArgumentException("audit.spool.max_size must be at least 4KiB");
        }
    }

    /**
     * @param every    a checkpoint after this many events; default 1000
     * @param interval and at least this often while events arrive; default 60s
     * @param file     a witness: append each checkpoint as a JSON line to this file (put it where the store's
     *                 administrators cannot write: another volume, a WORM bucket's mount)
     * @param url      a witness: POST each checkpoint as JSON to this URL (through the egress rules, as every
     *                 outbound call)
     */
    public record Checkpoint(Integer every, Duration interval, String file, String url) {
        public Checkpoint {
            every = every == null ? 1000 : every;
            interval = interval == null ? Duration.ofSeconds(60) : interval;
            if (every < 1) throw new IllegalArgumentException("audit.checkpoint.every must be at least 1");
            EdgeConfig.requirePositive("audit.checkpoint.interval", interval);
            if (url != null && !url.startsWith("https://") && !url.startsWith("http://")) {
                throw new IllegalArgumentException("audit.checkpoint.url: expected an http(s) URL");
            }
        }
    }

    public AuditConfig {
        enabled = enabled == null || enabled;
        node = node == null ? defaultNode() : node;
        if (!node.matches("[A-Za-z0-9_.:@-]{1,128}")) throw new IllegalArgumentException("audit.node: '" + node + "' (letters, digits, _ . : @ -; up to 128)");
        queueSize = queueSize == null ? 65536 : queueSize;
        batchSize = batchSize == null ? 500 : batchSize;
        if (queueSize < 16) throw new IllegalArgumentException("audit.queue_size must be at least 16");
        if (batchSize < 1 || batchSize > 5000) throw new IllegalArgumentException("audit.batch_size: expected 1..5000");
        flushInterval = flushInterval == null ? Duration.ofMillis(200) : flushInterval;
        retryInterval = retryInterval == null ? Duration.ofSeconds(2) : retryInterval;
        EdgeConfig.requirePositive("audit.flush_interval", flushInterval);
        EdgeConfig.requirePositive("audit.retry_interval", retryInterval);
        onFailure = onFailure == null ? OnFailure.CONTINUE : onFailure;
        authFailureSample = authFailureSample == null ? 10 : authFailureSample;
        if (authFailureSample < 0) throw new IllegalArgumentException("audit.auth_failure_sample must be 0 or more");
        spool = spool == null ? new Spool(null, null) : spool;
        checkpoint = checkpoint == null ? new Checkpoint(null, null, null, null) : checkpoint;
        sinks = sinks == null ? java.util.List.of() : java.util.List.copyOf(sinks);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (AuditSinkConfig s : sinks) if (!names.add(s.name())) throw new IllegalArgumentException("audit.sinks: two sinks named '" + s.name() + "' (give each a name)");
    }

    /** With {@code log_lines} defaulted for the environment when the config did not say. */
    AuditConfig inEnvironment(boolean prod) {
        if (logLines != null) return this;
        return new AuditConfig(enabled, node, queueSize, batchSize, flushInterval, retryInterval, onFailure, !prod, authFailureSample, spool, checkpoint, sinks);
    }

    /** Whether each event is also a {@code bastion.audit} log line (true when the config was not resolved for an environment). */
    public boolean writesLogLines() {
        return logLines == null || logLines;
    }

    static String defaultNode() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "node";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9_.:@-]", "_");
        return h.length() > 128 ? h.substring(0, 128) : h;
    }
}
