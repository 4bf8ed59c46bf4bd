package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One SIEM sink of the audit trail ({@code audit.sinks}, docs/audit.md#siem-sinks): every event, once stored
 * (or spooled), is also sent here, from the sink's own thread through a bounded queue. A sink that is slow or
 * down drops events (counted, {@code bastion_audit_sink_events_total{outcome=dropped}}); it never holds up a
 * request or the store writer. Which members apply depends on {@code type}; the others must be absent.
 *
 * @param type       {@code file} (JSON lines), {@code syslog} (RFC 5424 over TCP with TLS) or {@code otlp} (OTLP logs over HTTP)
 * @param name       the sink's name in metrics and logs; default its type
 * @param path       file: the file events are appended to, one JSON line each (the form of {@code bastion audit export --format jsonl})
 * @param fsync      file: {@code batch} (default: one fsync after each batch the sink writes) or {@code none} (the OS decides)
 * @param host       syslog: the receiver's host name (checked against its certificate)
 * @param port       syslog: the receiver's port; default 6514 (RFC 5425)
 * @param caFile     syslog: PEM file of the CA(s) the receiver's certificate must chain to; default the JVM's trust store
 * @param format     syslog: the message of each record — {@code structured} (default: RFC 5424 structured data
 *                   {@code [bastion@32473 …]}, message empty) or {@code json} (the JSON line as the message)
 * @param appName    syslog: APP-NAME; default {@code bastion}
 * @param endpoint   otlp: the collector's OTLP/HTTP logs URL, e.g. {@code http://collector:4318/v1/logs}
 * @param headers    otlp: headers on every export; a credential must be a secret reference (as for tracing)
 * @param queueSize  events waiting for this sink; default 10000. Beyond it events are dropped and counted
 * @param reconnect  syslog: the longest wait between reconnection attempts (they back off from 100ms); default 30s
 */
public record AuditSinkConfig(Type type, String name, String path, Fsync fsync, String host, Integer port, String caFile, Format format,
                              String appName, URI endpoint, Map<String, String> headers, Integer queueSize, Duration reconnect) {
    public enum Type {
        @JsonProperty("file") FILE,
        @JsonProperty("syslog") SYSLOG,
        @JsonProperty("otlp") OTLP
    }

    public enum Fsync {
        @JsonProperty("batch") BATCH,
        @JsonProperty("none") NONE
    }

    public enum Format {
        @JsonProperty("structured") STRUCTURED,
        @JsonProperty("json") JSON
    }

    public AuditSinkConfig {
        if (type == null) throw new IllegalArgumentException("type: required (file, syslog or otlp)");
        name = name == null ? type.name().toLowerCase(Locale.ROOT) : name;
        if (!name.matches("[a-z0-9_-]{1,32}")) throw new IllegalArgumentException("name: '" + name + "' (expected: a-z 0-9 _ -, up to 32)");
        queueSize = queueSize == null ? 10_000 : queueSize;
        if (queueSize < 1 || queueSize > 1_000_000) throw new IllegalArgumentException("queue_size: " + queueSize + " (expected: 1..1000000)");
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        switch (type) {
            case FILE -> {
                if (path == null || path.isBlank()) throw new IllegalArgumentException("path: required for a file sink");
                fsync = fsync == null ? Fsync.BATCH : fsync;
                only(type, host == null && port == null && caFile == null && format == null && appName == null && endpoint == null
                        && headers.isEmpty() && reconnect == null);
            }
            case SYSLOG -> {
                if (host == null || host.isBlank()) throw new IllegalArgumentException("host: required for a syslog sink");
                port = port == null ? 6514 : port;
                if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
                format = format == null ? Format.STRUCTURED : format;
                appName = appName == null ? "bastion" : appName;
                if (!appName.matches("[!-~]{1,48}")) throw new IllegalArgumentException("app_name: printable ASCII without spaces, up to 48");
                reconnect = reconnect == null ? Duration.ofSeconds(30) : reconnect;
                EdgeConfig.requirePositive("reconnect", reconnect);
                only(type, path == null && fsync == null && endpoint == null && headers.isEmpty());
            }
            case OTLP -> {
                if (endpoint == null) throw new IllegalArgumentException("endpoint: required for an otlp sink");
                String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null || endpoint.getUserInfo() != null
                        || endpoint.getQuery() != null) {
                    throw new IllegalArgumentException("endpoint: an http(s) URL with a host, no user info or query, e.g. http://collector:4318/v1/logs");
                }
                for (Map.Entry<String, String> h : headers.entrySet()) {
                    if (h.getValue() == null) throw new IllegalArgumentException("headers." + h.getKey() + ": no value");
                    String n = h.getKey().toLowerCase(Locale.ROOT);
                    boolean ref = h.getValue().startsWith("env:") || h.getValue().startsWith("file:");
                    if (!ref && (n.contains("auth") || n.contains("key") || n.contains("token") || n.contains("secret"))) {
                        throw new IllegalArgumentException("headers." + h.getKey() + ": a credential must be a secret reference, env:NAME or file:PATH");
                    }
                }
                only(type, path == null && fsync == null && host == null && port == null && caFile == null && format == null && appName == null
                        && reconnect == null);
            }
        }
    }

    private static void only(Type type, boolean ok) {
        if (!ok) throw new IllegalArgumentException("a member that does not apply to a " + type.name().toLowerCase(Locale.ROOT) + " sink is set");
    }
}
