package dev.bastion.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.testing.StubUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.bastion.egress.OutboundConnector;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpUpstreamTest {
    /**
     * Regression: the body idle timeout used to be Vert.x's request idle timer, which stays scheduled (holding
     * the request, its headers and its exchange) for the whole timeout after the response has ended. At
     * 10k requests/s and a 60s timeout that retained hundreds of thousands of requests and collapsed
     * throughput under GC. A finished request must be collectable long before its idle timeout.
     */
    @Test
    void aFinishedRequestIsNotRetainedUntilItsIdleTimeout() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (StubUpstream stub = new StubUpstream(vertx)) {
            UpstreamConfig config = new UpstreamConfig(URI.create(stub.url()), null, null, null, null, Duration.ofSeconds(60), null, null, null, null);
            OutboundConnector connector = new dev.bastion.egress.OutboundConnector(vertx, dev.bastion.egress.EgressPolicy.of(java.util.List.of("127.0.0.1"), java.util.List.of()), dev.bastion.observe.AuditLog.toLogger(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            HttpUpstream client = new HttpUpstream(connector, "stub", config, null, null, null);
            AtomicReference<WeakReference<HttpClientRequest>> ref = new AtomicReference<>();
            CompletableFuture<String> body = new CompletableFuture<>();
            Exchange ex = Exchange.builder().method(HttpMethod.GET).path("/x").build();
            vertx.runOnContext(x -> client.send(new UpstreamRequest(ex, "/x", null, false, false, false, new Cancellation()))
                    .compose(result -> {
                        HttpClientResponse resp = (HttpClientResponse) ((UpstreamResponse) result).body();
                        ref.set(new WeakReference<>(resp.request()));
                        Future<io.vertx.core.buffer.Buffer> all = resp.body();
                        resp.resume();
                        return all;
                    })
                    .onSuccess(b -> body.complete(b.toString()))
                    .onFailure(body::completeExceptionally));
            assertThat(body.get(5, TimeUnit.SECONDS)).contains("\"ok\":true");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ref.get().get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(100);
            }
            assertThat(ref.get().get()).as("request still reachable after the response ended").isNull();
            connector.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** An upstream the egress policy refuses fails before anything is sent, as egress_denied naming the class, never the address. */
    @Test
    void anUpstreamAtAMetadataAddressIsRefusedAsEgressDeniedWithItsClassOnly() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            // configured, so private would be allowed, but metadata never is (in an IPv4-compatible IPv6 spelling here)
            UpstreamConfig config = new UpstreamConfig(URI.create("http://[::169.254.169.254]/"), null, null, null, null, Duration.ofSeconds(5), null, null, null, null);
            OutboundConnector connector = new OutboundConnector(vertx, dev.bastion.egress.EgressPolicy.of(java.util.List.of("::169.254.169.254"), java.util.List.of()),
                    dev.bastion.observe.AuditLog.toLogger(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            HttpUpstream client = new HttpUpstream(connector, "meta", config, null, null, null);
            Exchange ex = Exchange.builder().method(HttpMethod.GET).path("/latest/meta-data/").build();
            CompletableFuture<UpstreamResult> result = new CompletableFuture<>();
            vertx.runOnContext(x -> client.send(new UpstreamRequest(ex, "/latest/meta-data/", null, false, false, false, new Cancellation()))
                    .onComplete(ar -> {
                        if (ar.succeeded()) result.complete(ar.result());
                        else result.completeExceptionally(ar.cause());
                    }));
            UpstreamFailure failure = (UpstreamFailure) result.get(5, TimeUnit.SECONDS);
            assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.EGRESS_DENIED);
            assertThat(failure.kind().reason).isEqualTo("egress_denied");
            assertThat(failure.kind().beforeSend).isTrue();
            assertThat(failure.message()).isEqualTo("The egress policy refuses the upstream's address (metadata).").doesNotContain("169.254");
            connector.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
