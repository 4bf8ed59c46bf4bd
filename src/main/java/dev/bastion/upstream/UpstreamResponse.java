package dev.bastion.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream's response whose headers have arrived and whose body is still to be streamed.
 * The caller must consume {@link #body()} or call {@link #abort()}.
 *
 * @param headers         already filtered for the client
 * @param idleTimeoutMillis the longest pause allowed between two chunks of the body
 */
public record UpstreamResponse(int status, MultiMap headers, HttpClientResponse body, HttpClientRequest request, long idleTimeoutMillis) {
    /** Stop the upstream exchange (the client went away): the upstream stops generating, and billing. */
    public void abort() {
        // Closing the pooled connection is the one signal every HTTP/1.1 server understands; it cannot be reused anyway.
        request.connection().close();
    }
}
