package dev.bastion.models;

import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResult;
import dev.bastion.upstream.Upstream;
import io.vertx.core.Future;

/**
 * The upstream of a route that routes by model: sends each request to the deployment its
 * {@link ModelControl} chose. Retries, fallbacks and breakers wrap this choice (U3).
 */
public final class CatalogueUpstream implements Upstream {
    @Override
    public String name() {
        return "models";
    }

    @Override
    public Future<UpstreamResult> send(UpstreamRequest request) {
        dev.bastion.failover.Deployment d = request.exchange().attribute(dev.bastion.failover.Deployment.class);
        if (d == null) { // the route's chain always resolves the model first: a wiring fault, not the client's
            return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ERROR, name(), "no deployment chosen for the request"));
        }
        return d.upstream().send(request);
    }
}
