package dev.bastion.server;

import dev.bastion.audit.AuditTrail;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.Verdict;

/**
 * The audit trail's place among the exchange listeners: authentication failures (401 from the
 * {@code authenticate} step, or from an MCP route's audience binding: a valid token replayed where it was not issued
 * for), sampled per client IP and counted always ({@link AuditTrail#authFailure}).
 * Guard, WAF, budget and egress refusals are recorded by their controls, with what only they know.
 */
final class AuditRecorder implements ExchangeListener {
    private final AuditTrail trail;

    AuditRecorder(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public void refused(Exchange exchange, String step, Verdict.Deny refusal) {
        if (refusal.status() == 401 && ("authenticate".equals(step) || "mcp_audience".equals(step))) {
            trail.authFailure(exchange.clientIp(), exchange.requestId(), exchange.traceId(), refusal.reason(), exchange.routeId());
        }
    }
}
