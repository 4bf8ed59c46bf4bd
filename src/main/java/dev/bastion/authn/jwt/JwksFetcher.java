package dev.bastion.authn.jwt;

import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;

/**
 * Fetches JWKS and discovery documents from identity providers: GET only, a timeout on connect and on
 * the whole exchange, redirects never followed (a redirect to another host would let whoever controls
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

    public Future<String> get(URI uri, Duration timeout) {
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path)
                .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())
                .putHeader("Accept", "application/json, application/jwk-set+json");
        return connector.request(Destination.of(uri), PROFILE, options)
                .compose(req -> req.send())
                .compose(resp -> {
                    if (resp.statusCode() / 100 != 2) {
                        resp.end();
                        return Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode() + " from " + uri.getHost()));
                    }
                    String length = resp.getHeader("Content-Length");
                    if (length != null && length.length() < 12 && Long.parseLong(length.trim()) > MAX_BYTES) {
                        return Future.failedFuture(new IllegalStateException("document from " + uri.getHost() + " is too large"));
                    }
                    Buffer body = Buffer.buffer();
                    io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
                    resp.handler(chunk -> {
                        if (body.length() + chunk.length() > MAX_BYTES) {
                            done.tryFail(new IllegalStateException("document from " + uri.getHost() + " is too large"));
                            resp.request().reset();
                            return;
                        }
                        body.appendBuffer(chunk);
                    });
                    resp.exceptionHandler(done::tryFail);
                    resp.endHandler(v -> done.tryComplete(body.toString()));
                    return done.future();
                });
    }
}
