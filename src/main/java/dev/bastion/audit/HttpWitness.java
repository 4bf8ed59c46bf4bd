package dev.bastion.audit;

import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.store.AuditCheckpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** POSTs each checkpoint as JSON to a witness URL, through the {@link OutboundConnector} (the egress rules apply). */
final class HttpWitness implements CheckpointWitness {
    private static final ClientProfile PROFILE = new ClientProfile("audit_witness", Duration.ofSeconds(5), 2, Duration.ofSeconds(30), 8192, false);
    private final OutboundConnector connector;
    private final Destination to;
    private final String path;

    HttpWitness(OutboundConnector connector, String url) {
        this.connector = connector;
        this.to = Destination.of(url);
        URI u = URI.create(url);
        this.path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    @Override
    public void publish(AuditCheckpoint cp, String publicKey) throws IOException {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).putHeader("Content-Type", "application/json");
        try {
            var answer = connector.whole(to, PROFILE, options, Buffer.buffer(AuditFormats.checkpointJson(cp, publicKey).encode()), 64 * 1024, Duration.ofSeconds(10))
                    .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
            if (answer.status() / 100 != 2) throw new IOException("witness answered " + answer.status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException(c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
        }
    }
}
