package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Json;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One JSON line per request (O1, U5). It records what was decided and how long it took — ids, route,
 * status, timings, sizes — and by construction never a header value, query string, body, key or
 * token: only the fields below are written. Lines go to a sink, by default an {@link AccessLogWriter}
 * on stdout.
 */
public final class AccessLog implements ExchangeListener {
    private final boolean enabled;
    private final Consumer<String> sink;

    public AccessLog(boolean enabled, Consumer<String> sink) {
        this.enabled = enabled;
        this.sink = sink;
    }

    @Override
    public void finished(Exchange ex, long endNanos) {
        if (enabled) sink.accept(line(ex, endNanos));
    }

    static String line(Exchange ex, long endNanos) {
        Identity id = ex.identity();
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"ts\":\"");
        Timestamps.append(sb, Instant.now());
        sb.append('"');
        sb.append(",\"type\":\"access\",\"request_id\":");
        Json.string(sb, ex.requestId());
        sb.append(",\"trace_id\":");
        Json.string(sb, ex.traceId());
        sb.append(",\"route\":");
        Json.string(sb, ex.routeId());
        sb.append(",\"operation\":");
        Json.string(sb, ex.operation());
        sb.append(",\"org_id\":");
        Json.string(sb, id == null ? null : id.orgId());
        sb.append(",\"key_id\":");
        Json.string(sb, id == null || !"api_key".equals(id.credentialType()) ? null : id.credentialId());
        // Bastion's opaque user id (usr_…) when a person is calling; never an e-mail or the IdP's subject.
        sb.append(",\"user_id\":");
        Json.string(sb, id == null ? null : id.userId());
        sb.append(",\"client_ip\":");
        Json.string(sb, ex.clientIp());
        sb.append(",\"method\":");
        Json.string(sb, ex.method().name());
        sb.append(",\"path\":");
        Json.string(sb, ex.path());
        sb.append(",\"status\":").append(ex.status());
        sb.append(",\"error\":");
        Json.string(sb, ex.errorCode());
        sb.append(",\"latency_ms\":");
        millis(sb, endNanos - ex.startNanos());
        sb.append(",\"upstream_ms\":");
        if (ex.upstreamNanos() < 0) sb.append("null");
        else millis(sb, ex.upstreamNanos());
        sb.append(",\"bytes\":").append(ex.bytesSent());
        if (ex.refusedBy() != null) {
            sb.append(",\"refused_by\":");
            Json.string(sb, ex.refusedBy());
        }
        if (ex.steps() > 0) {
            // Each step's time in microseconds, in the order they ran: where a slow request spent its time.
            sb.append(",\"steps_us\":{");
            for (int i = 0; i < ex.steps(); i++) {
                if (i > 0) sb.append(',');
                Json.string(sb, ex.stepName(i)).append(':').append(ex.stepNanos(i) / 1000);
            }
            sb.append('}');
        }
        for (var f : ex.logFields().entrySet()) {
            sb.append(',');
            Json.string(sb, f.getKey()).append(':');
            Json.value(sb, f.getValue());
        }
        return sb.append('}').toString();
    }

    /** Milliseconds with three decimals, without a Formatter (this runs once per request). */
    static void millis(StringBuilder sb, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long frac = micros % 1000;
        sb.append(micros / 1000).append('.');
        if (frac < 100) sb.append('0');
        if (frac < 10) sb.append('0');
        sb.append(frac);
    }
}
