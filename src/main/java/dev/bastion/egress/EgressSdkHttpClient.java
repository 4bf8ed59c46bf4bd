package dev.bastion.egress;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The AWS SDK's HTTP client, made of the {@link OutboundConnector}: every call an SDK client makes (Secrets
 * Manager for {@code aws-sm:} references) goes out the one way out, under the egress policy, like Bastion's
 * other outbound calls. The SDK's own clients (Apache, Netty, URL connection) are not on the class path.
 *
 * <p>The SDK calls it synchronously, so {@link ExecutableHttpRequest#call()} waits for the connector's
 * future; it refuses to run on an event loop (a wait there would stall every request of that loop). The
 * answer is read whole (SDK answers of the calls Bastion makes are small JSON documents), up to
 * {@code maxResponseBytes}.
 */
public final class EgressSdkHttpClient implements SdkHttpClient {
    private final OutboundConnector connector;
    private final io.vertx.core.Context home;
    private final ClientProfile profile;
    private final Duration timeout;
    private final int maxResponseBytes;

    /** @param vertx the calls are sent from one of its event loops (the connector pools connections per calling loop) */
    public EgressSdkHttpClient(io.vertx.core.Vertx vertx, OutboundConnector connector, ClientProfile profile, Duration timeout, int maxResponseBytes) {
        this.connector = connector;
        this.home = vertx.getOrCreateContext();
        this.profile = profile;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    private record Answer(int status, String statusText, MultiMap headers, Buffer body) {}

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest r = request.httpRequest();
        return new ExecutableHttpRequest() {
            private volatile Future<Answer> pending;

            @Override
            public HttpExecuteResponse call() throws IOException {
                if (Context.isOnEventLoopThread()) throw new IOException("an AWS SDK call must not run on an event loop");
                byte[] body;
                try (InputStream in = request.contentStreamProvider().map(p -> p.newStream()).orElse(InputStream.nullInputStream())) {
                    body = in.readAllBytes();
                }
                Destination to;
                try {
                    to = new Destination("https".equalsIgnoreCase(r.protocol()), r.host(), r.port());
                } catch (IllegalArgumentException e) {
                    throw new IOException("an unusable AWS endpoint: " + e.getMessage());
                }
                String target = (r.encodedPath() == null || r.encodedPath().isEmpty() ? "/" : r.encodedPath())
                        + r.encodedQueryParameters().map(q -> "?" + q).orElse("");
                MultiMap headers = MultiMap.caseInsensitiveMultiMap();
                // Host is the connector's (the same authority the SDK signed); the length is the body's.
                r.forEachHeader((name, values) -> {
                    if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) values.forEach(v -> headers.add(name, v));
                });
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(r.method().name())).setURI(target).setHeaders(headers)
                        .setIdleTimeout(timeout.toMillis());
                io.vertx.core.Promise<Answer> sent = io.vertx.core.Promise.promise();
                home.runOnContext(v -> connector.request(to, profile, options)
                        .compose((HttpClientRequest req) -> body.length == 0 ? req.send() : req.send(Buffer.buffer(body)))
                        .compose(resp -> {
                            String length = resp.getHeader("Content-Length");
                            if (length != null && parse(length) > maxResponseBytes) {
                                resp.request().connection().close();
                                return Future.failedFuture(new IOException("an AWS answer over " + maxResponseBytes + " bytes"));
                            }
                            return resp.body().map(b -> new Answer(resp.statusCode(), resp.statusMessage(), resp.headers(), b));
                        }).onComplete(sent));
                Future<Answer> answer = sent.future();
                pending = answer;
                Answer a;
                try {
                    a = answer.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                } catch (TimeoutException e) {
                    throw new IOException("no answer from " + to + " within " + timeout.toMillis() + "ms");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof EgressDenied denied) throw new IOException(denied.getMessage(), denied);
                    throw cause instanceof IOException io ? io : new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
                }
                if (a.body().length() > maxResponseBytes) throw new IOException("an AWS answer over " + maxResponseBytes + " bytes");
                Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (Map.Entry<String, String> h : a.headers()) out.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
                SdkHttpResponse response = SdkHttpResponse.builder().statusCode(a.status()).statusText(a.statusText()).headers(out).build();
                return HttpExecuteResponse.builder().response(response)
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(a.body().getBytes()))).build();
            }

            @Override
            public void abort() {
                // The SDK gave up on the call (its own timeout): the wait in call() ends with it; the connection
                // goes back to its pool or is closed by the connector's idle timeout.
            }
        };
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String clientName() {
        return "BastionEgress";
    }

    @Override
    public void close() {
        // the connector is the gateway's; it closes it
    }
}
