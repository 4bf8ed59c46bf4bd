package dev.bastion.upstream;

import io.vertx.core.Future;

/**
 * Where a route's requests go. {@link #send} answers with a {@link UpstreamResult}: a response whose
 * body is still to be read, or a typed {@link UpstreamFailure} — never a failed future, so a caller
 * handles every outcome in one exhaustive switch. Implementations that retry or fail over (later) wrap
 * another {@code Upstream}; what a caller sees stays the same.
 */
public interface Upstream {
    /** The upstream's name in config. */
    String name();

    Future<UpstreamResult> send(UpstreamRequest request);
}
