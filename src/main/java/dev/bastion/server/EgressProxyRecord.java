package dev.bastion.server;

import dev.bastion.chain.Identity;
import dev.bastion.egress.ProxyAcl;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one record of one egress proxy request (a tunnel, a forwarded request, or a refusal): an
 * {@code egress_connection} audit event — who (credential id, org, roles), the rule, where (host and port as the
 * client named them), the decision ({@code allow}, {@code deny}, or {@code report}: allowed by a report-only rule
 * that would have refused it) and why, bytes each way, duration — and the metrics. Never the credential, a
 * header or a body. Written once, on the event loop of the client's connection.
 */
final class EgressProxyRecord {
    /** Where finished records go. */
    interface Sink {
        void record(EgressProxyRecord r);
    }

    private final String requestId;
    private final String method;
    private final long startNanos;
    private String host;
    private int port;
    private Identity identity;
    private String rule;
    private String mode;
    private boolean denied;
    private String reason;
    private String outcome;
    private boolean connected;
    private long up;
    private long down;
    private boolean finished;

    EgressProxyRecord(String requestId, String method, long startNanos) {
        this.requestId = requestId;
        this.method = method;
        this.startNanos = startNanos;
    }

    String requestId() {
        return requestId;
    }

    void target(String host, int port) {
        this.host = host;
        this.port = port;
    }

    void caller(Identity identity, ProxyAcl.Rule rule) {
        this.identity = identity;
        this.rule = rule.name();
        this.mode = rule.report() ? "report" : "enforce";
    }

    /** A report-only rule would have refused: the first reason is kept. */
    void wouldDeny(String reason) {
        if (this.reason == null) this.reason = reason;
    }

    void denied(String reason) {
        this.denied = true;
        this.reason = reason;
    }

    void failed(String outcome) {
        this.outcome = outcome;
    }

    void connected() {
        this.connected = true;
    }

    void addUp(long n) {
        up += n;
    }

    void addDown(long n) {
        down += n;
    }

    boolean finished() {
        return finished;
    }

    String decision() {
        return denied ? "deny" : reason != null ? "report" : "allow";
    }

    /** Writes the record once; later calls are ignored (a tunnel ends from either side). */
    void finish(Sink sink, String outcome) {
        if (finished) return;
        finished = true;
        if (this.outcome == null) this.outcome = outcome;
        sink.record(this);
    }

    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("request_id", requestId);
        f.put("method", method);
        f.put("principal", identity == null ? null : identity.caller());
        f.put("org", identity == null ? null : identity.orgId());
        f.put("roles", identity == null ? List.of() : List.copyOf(new TreeSet<>(identity.roles())));
        f.put("rule", rule);
        f.put("mode", mode);
        f.put("host", host);
        f.put("port", port);
        f.put("decision", decision());
        f.put("reason", reason);
        f.put("outcome", outcome);
        f.put("connected", connected);
        f.put("bytes_client_to_upstream", up);
        f.put("bytes_upstream_to_client", down);
        f.put("duration_ms", (System.nanoTime() - startNanos) / 1_000_000);
        return f;
    }

    /**
     * The audit trail and the metrics: {@code bastion_egress_proxy_connections_total{decision, reason, rule, outcome}}
     * and {@code bastion_egress_proxy_bytes_total{direction, rule}}. Every label is bounded: rules come from the
     * config, reasons and outcomes are Bastion's own words; the destination host is in the audit record only.
     */
    static Sink to(AuditLog audit, MeterRegistry registry) {
        return r -> {
            String rule = r.rule == null ? "none" : r.rule;
            Counter.builder("bastion.egress.proxy.connections").description("Egress proxy requests and tunnels, by decision")
                    .tag("decision", r.decision()).tag("reason", r.reason == null ? "none" : r.reason).tag("rule", rule)
                    .tag("outcome", r.outcome).register(registry).increment();
            if (r.up > 0) bytes(registry, "client_to_upstream", rule).increment(r.up);
            if (r.down > 0) bytes(registry, "upstream_to_client", rule).increment(r.down);
            audit.event("egress_connection", r.fields());
        };
    }

    private static Counter bytes(MeterRegistry registry, String direction, String rule) {
        return Counter.builder("bastion.egress.proxy.bytes").description("Bytes through the egress proxy").baseUnit("bytes")
                .tag("direction", direction).tag("rule", rule).register(registry);
    }
}
