package dev.bastion.authn.jwt;

import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;

/**
 * Fetches JWKS and discovery documents from identity providers: GET only, one deadline for the whole
 * exchange (connecting, and every byte of the answer), redirects never followed (a redirect to another host would let whoever controls
 * the first answer choose our keys), 2xx only, at most 512 KiB. Non-blocking; through the
 * {@link OutboundConnector}, like every outbound call.
 */
public class JwksFetcher {
    static final int MAX_BYTES = 512 * 1024;
    private static final ClientProfile PROFILE = new ClientProfile("jwks", Duration.ofSeconds(10), 4, Duration.ofSeconds(30), 32 * 1024, true);
    private final OutboundConnector connector;

    public JwksFetcher(OutboundConnector connector) {
        this.connector = connector;
    }

    /** Tests and custom deployments may substitute the transport. */
    protected JwksFetcher() {
        this.connector = null;
    }

    /** The document at {@code uri}: 2xx, at most 512 KiB, all of it within {@code timeout}. */
    public Future<String> get(URI uri, Duration timeout) {
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path)
                .putHeader("Accept", "application/json, application/jwk-set+json");
        return connector.whole(Destination.of(uri), PROFILE, options, null, MAX_BYTES, timeout).compose(resp -> resp.status() / 100 == 2
                ? Future.succeededFuture(resp.body().toString())
                : Future.failedFuture(new IllegalStateException("HTTP " + resp.status() + " from " + uri.getHost())));
    }
}
