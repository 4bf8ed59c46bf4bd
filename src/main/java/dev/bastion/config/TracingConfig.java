package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenTelemetry tracing (O1, docs/observability.md): off by default. Spans go over OTLP/HTTP (protobuf) to
 * {@code endpoint}, through a batch processor with a bounded queue.
 *
 * @param enabled        default false: no exporter, no thread, a branch per request
 * @param endpoint       the collector's OTLP/HTTP traces URL, e.g. {@code http://collector:4318/v1/traces}; required when enabled
 * @param sampleRatio    share of new traces sampled, 0.0..1.0; default 1.0. A trusted caller's sampling decision is followed
 * @param serviceName    {@code service.name} of the spans; default {@code bastion}
 * @param headers        headers on every export (a collector's auth); a value is a secret reference ({@code env:}/{@code file:})
 *                       or a literal, and a literal is refused for a name that carries a credential ({@code authorization},
 *                       anything with {@code key}, {@code token}, {@code secret} or {@code auth})
 * @param maxQueue       spans waiting for export; more are dropped and counted ({@code bastion_tracing_spans_dropped_total}); default 2048
 * @param exportTimeout  one export's time limit; default 10s
 * @param trustedCallers CIDR ranges whose {@code traceparent}/{@code tracestate} are continued, besides the public listener's
 *                       {@code trusted_proxies}; anyone else starts a new trace (its {@code traceparent} kept as a link only)
 */
public record TracingConfig(Boolean enabled, URI endpoint, Double sampleRatio, String serviceName, Map<String, String> headers,
                            Integer maxQueue, Duration exportTimeout, List<String> trustedCallers) {
    public static final TracingConfig DEFAULTS = new TracingConfig(null, null, null, null, null, null, null, null);

    public TracingConfig {
        enabled = enabled != null && enabled;
        sampleRatio = sampleRatio == null ? 1.0 : sampleRatio;
        if (!(sampleRatio >= 0.0 && sampleRatio <= 1.0)) throw new IllegalArgumentException("sample_ratio: " + sampleRatio + " (expected: 0.0..1.0)");
        serviceName = serviceName == null || serviceName.isBlank() ? "bastion" : serviceName;
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) throw new IllegalArgumentException("headers: '" + h.getKey() + "' is not a header name");
            if (h.getValue() == null) throw new IllegalArgumentException("headers." + h.getKey() + ": no value");
            if (secretRef(h.getValue()) == null && carriesCredential(h.getKey())) {
                // Do not echo the value: it is probably the credential itself.
                throw new IllegalArgumentException("headers." + h.getKey() + ": a credential must be a secret reference, env:NAME or file:PATH");
            }
        }
        maxQueue = maxQueue == null ? 2048 : maxQueue;
        if (maxQueue < 1 || maxQueue > 1_000_000) throw new IllegalArgumentException("max_queue: " + maxQueue + " (expected: 1..1000000)");
        exportTimeout = exportTimeout == null ? Duration.ofSeconds(10) : exportTimeout;
        if (exportTimeout.isNegative() || exportTimeout.isZero() || exportTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("export_timeout: " + Durations.format(exportTimeout) + " (expected: 1ms..1m)");
        }
        trustedCallers = trustedCallers == null ? List.of() : List.copyOf(trustedCallers);
        Cidr.parseAll("trusted_callers", trustedCallers);
        if (enabled) {
            if (endpoint == null) throw new IllegalArgumentException("endpoint: required when tracing is enabled");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw new IllegalArgumentException("endpoint: an http(s) URL with a host, e.g. http://collector:4318/v1/traces");
            }
            if (endpoint.getUserInfo() != null || endpoint.getQuery() != null) {
                throw new IllegalArgumentException("endpoint: no user info or query (credentials go in headers, as secret references)");
            }
        }
    }

    public List<Cidr> trustedCallerRanges() {
        return Cidr.parseAll("trusted_callers", trustedCallers);
    }

    /** The header values that are secret references, by header name. */
    public Map<String, SecretRef> secretHeaders() {
        Map<String, SecretRef> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            SecretRef ref = secretRef(value);
            if (ref != null) out.put(name, ref);
        });
        return out;
    }

    private static SecretRef secretRef(String value) {
        return value.startsWith("env:") || value.startsWith("file:") ? SecretRef.parse(value) : null;
    }

    static boolean carriesCredential(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("auth") || n.contains("key") || n.contains("token") || n.contains("secret") || n.contains("cookie");
    }
}
