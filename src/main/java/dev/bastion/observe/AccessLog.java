package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the {@code bastion.access} logger (O1, U5). It records what was decided
 * and how long it took — ids, route, status, timings, sizes — and by construction never a header
 * value, query string, body, key or token: only the fields below are written.
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("bastion.access");

    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    public void record(Exchange ex, long endNanos) {
        if (!enabled || !log.isInfoEnabled()) return;
        log.info(line(ex, endNanos));
    }

    static String line(Exchange ex, long endNanos) {
        Identity id = ex.identity();
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"ts\":");
        Json.string(sb, Instant.now().toString());
        sb.append(",\"type\":\"access\",\"request_id\":");
        Json.string(sb, ex.requestId());
        sb.append(",\"route\":");
        Json.string(sb, ex.routeId());
        sb.append(",\"org_id\":");
        Json.string(sb, id == null ? null : id.orgId());
        sb.append(",\"key_id\":");
        Json.string(sb, id == null || !"api_key".equals(id.credentialType()) ? null : id.credentialId());
        sb.append(",\"client_ip\":");
        Json.string(sb, ex.clientIp());
        sb.append(",\"method\":");
        Json.string(sb, ex.method().name());
        sb.append(",\"path\":");
        Json.string(sb, ex.path());
        sb.append(",\"status\":").append(ex.status());
        sb.append(",\"error\":");
        Json.string(sb, ex.errorCode());
        sb.append(",\"latency_ms\":").append(millis(endNanos - ex.startNanos()));
        sb.append(",\"upstream_ms\":");
        if (ex.upstreamNanos() < 0) sb.append("null");
        else sb.append(millis(ex.upstreamNanos()));
        sb.append(",\"bytes\":").append(ex.bytesSent());
        return sb.append('}').toString();
    }

    private static String millis(long nanos) {
        long micros = nanos / 1000;
        return micros / 1000 + "." + String.format("%03d", micros % 1000);
    }
}
