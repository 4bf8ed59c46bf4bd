package dev.bastion.server;

import dev.bastion.chain.ExchangeListener;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.observe.Tracing;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * What one listener (public or admin) runs every request through: its edge controls, its routes, and who
 * records the exchanges. Read-only after start, shared by the listener's event loops.
 *
 * @param name              {@code public} or {@code admin}, for logs
 * @param tls               whether the listener itself terminates TLS
 * @param edge              controls before routing (client address, framing, the path)
 * @param bodyTimeoutMillis how long a request body may take to arrive
 * @param listeners         told of every refusal and every finished exchange
 * @param tracing           the request's spans ({@link Tracing#OFF} unless {@code observability.tracing.enabled})
 */
record Listener(String name, Vertx vertx, ClientIpResolver clientIps, boolean tls, Steps edge, RouteTable routes, long bodyTimeoutMillis,
                List<ExchangeListener> listeners, Tracing tracing) {

    Listener(String name, Vertx vertx, ClientIpResolver clientIps, boolean tls, Steps edge, RouteTable routes, long bodyTimeoutMillis,
             List<ExchangeListener> listeners) {
        this(name, vertx, clientIps, tls, edge, routes, bodyTimeoutMillis, listeners, Tracing.OFF);
    }

    /** Whether a caller's trace context is continued: a trusted proxy, or one of {@code observability.tracing.trusted_callers}. */
    boolean traceTrusted(String peer) {
        return clientIps.trusts(peer) || tracing.trustsCaller(peer);
    }
}
