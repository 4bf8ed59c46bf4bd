package dev.bastion.models;

import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResult;
import dev.bastion.upstream.Upstream;
import io.vertx.core.Future;

/**
 * The upstream of a route that routes by model. The runner follows the request's
 * {@link dev.bastion.failover.FailoverPlan} (attempts, retries, fallbacks) and never calls this; it only
 * answers, as a failure, a request whose model step did not run — a wiring fault, never a pass.
 */
public final class CatalogueUpstream implements Upstream {
    @Override
    public String name() {
        return "models";
    }

    @Override
    public Future<UpstreamResult> send(UpstreamRequest request) {
        return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "no failover plan for the request"));
    }
}
