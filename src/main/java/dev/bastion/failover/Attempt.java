package dev.bastion.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.FailoverConfig.On;
import dev.bastion.upstream.StreamStatus;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResponse;
import dev.bastion.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * One attempt on one deployment (U3): sends the request and reads just enough of the answer to know
 * whether it is one — an error's whole body (to classify it), or a success's first bytes within
 * {@code first_token_timeout} (an answer that has not begun can still be replaced; one that has cannot).
 * Reports the result to the deployment's breaker.
 */
final class Attempt {
    /** A provider's error body is a few hundred bytes; beyond this it is not an error body worth reading. */
    static final int MAX_ERROR_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Attempt() {}

    /** Never a failed future: every way the attempt can end is an {@link Outcome}. */
    static Future<Outcome> run(Vertx vertx, DeploymentHealth health, Upstream upstream, UpstreamRequest request, long firstTokenTimeoutMillis) {
        long start = System.nanoTime();
        Future<UpstreamResult> sent;
        try {
            sent = upstream.send(request);
        } catch (RuntimeException e) {
            sent = Future.succeededFuture(UpstreamFailure.of(upstream.name(), e));
        }
        return sent.otherwise(t -> UpstreamFailure.of(upstream.name(), t)).compose(result -> switch (result) {
            case UpstreamFailure f -> {
                // a per-org key's problem is the org's, not the deployment's: it does not count against its breaker
                health.end(f.kind().keyProblem() ? DeploymentHealth.Result.NEUTRAL : judged(request, DeploymentHealth.Result.FAILURE), System.nanoTime() - start);
                yield Future.succeededFuture(new Outcome.Failed(Failures.of(f), 0, f));
            }
            case UpstreamResponse up when up.status() >= 400 -> readError(vertx, up, upstream.name(), request.exchange().requestId()).map(outcome -> {
                On cause = outcome instanceof Outcome.Failed f ? f.cause() : null;
                boolean unhealthy = cause == On.OVERLOADED || cause == On.SERVER_ERROR || cause == On.UNCERTAIN || cause == On.UNAVAILABLE;
                health.end(judged(request, unhealthy ? DeploymentHealth.Result.FAILURE : DeploymentHealth.Result.NEUTRAL), System.nanoTime() - start);
                return outcome;
            });
            case UpstreamResponse up -> firstBytes(vertx, up, upstream.name(), firstTokenTimeoutMillis).map(outcome -> {
                health.end(judged(request, outcome instanceof Outcome.Answer ? DeploymentHealth.Result.SUCCESS : DeploymentHealth.Result.FAILURE),
                        System.nanoTime() - start);
                return outcome;
            });
        });
    }

    /**
     * A failure the client caused by leaving (its cancellation closed the upstream connection) says nothing
     * about the deployment: counted as one, a load balancer's or a benchmark's closed connections would open
     * the breaker of a healthy deployment.
     */
    private static DeploymentHealth.Result judged(UpstreamRequest request, DeploymentHealth.Result result) {
        return result == DeploymentHealth.Result.FAILURE && request.cancellation().cancelled() ? DeploymentHealth.Result.NEUTRAL : result;
    }

    /** Reads an error answer whole, then classifies it; the client gets the same bytes if nothing else is tried. */
    private static Future<Outcome> readError(Vertx vertx, UpstreamResponse up, String name, String requestId) {
        Promise<Outcome> done = Promise.promise();
        Buffer body = Buffer.buffer();
        long[] timer = {-1};
        timer[0] = vertx.setTimer(up.idleTimeoutMillis(), t -> {
            up.abort();
            done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, name, "error body not read in time")));
        });
        up.body().handler(chunk -> {
            if (body.length() + chunk.length() > MAX_ERROR_BYTES) {
                vertx.cancelTimer(timer[0]);
                up.abort();
                done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, new UpstreamFailure(UpstreamFailure.Kind.ERROR, name, "error body over " + MAX_ERROR_BYTES + " bytes")));
                return;
            }
            body.appendBuffer(chunk);
        });
        up.body().exceptionHandler(t -> {
            vertx.cancelTimer(timer[0]);
            done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, UpstreamFailure.of(name, t)));
        });
        up.body().endHandler(v -> {
            vertx.cancelTimer(timer[0]);
            JsonNode error = parse(body);
            Buffer out = body;
            if (error != null && error.path("error").isObject()) { // the client can quote Bastion's request id, as with Bastion's own errors
                ((com.fasterxml.jackson.databind.node.ObjectNode) error.get("error")).put("request_id", requestId);
                out = Buffer.buffer(error.toString());
                up.headers().set("Content-Length", Integer.toString(out.length()));
            }
            UpstreamResponse held = up.withBody(HeldBody.whole(out));
            On cause = Failures.of(up.status(), error);
            done.tryComplete(cause == null ? new Outcome.Answer(held)
                    : new Outcome.Failed(cause, Failures.retryAfterMillis(up.headers(), System.currentTimeMillis()), held));
        });
        up.body().resume();
        return done.future();
    }

    /**
     * Waits for the answer's first bytes: once they arrive the answer is committed to; none in time, a cut
     * or a stream that failed before it said anything is a failure another deployment may answer instead.
     */
    private static Future<Outcome> firstBytes(Vertx vertx, UpstreamResponse up, String name, long timeoutMillis) {
        Promise<Outcome> done = Promise.promise();
        HeldBody[] started = {null};
        long[] timer = {-1};
        timer[0] = vertx.setTimer(timeoutMillis, t -> {
            up.abort();
            done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, new UpstreamFailure(UpstreamFailure.Kind.FIRST_TOKEN_TIMEOUT, name,
                    "no answer within " + timeoutMillis + "ms of the headers")));
        });
        up.body().handler(chunk -> {
            if (done.future().isComplete()) return;
            vertx.cancelTimer(timer[0]);
            up.body().pause();
            if (up.body() instanceof StreamStatus s && s.failure() != null) {
                up.abort(); // the stream said nothing but an error: nothing reached the client, so another may answer
                done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, new UpstreamFailure(UpstreamFailure.Kind.ERROR, name,
                        "the stream failed before its first content (" + s.failure() + ")")));
                return;
            }
            started[0] = HeldBody.startingWith(chunk, up.body());
            // On the next turn: a whole translated answer arrives with its end, which must be seen before
            // anyone registers on the (then ended) source.
            HeldBody held = started[0];
            vertx.getOrCreateContext().runOnContext(v -> done.tryComplete(new Outcome.Answer(up.withBody(held))));
        });
        up.body().exceptionHandler(t -> {
            vertx.cancelTimer(timer[0]);
            done.tryComplete(new Outcome.Failed(On.UNCERTAIN, 0, UpstreamFailure.of(name, t)));
        });
        up.body().endHandler(v -> {
            vertx.cancelTimer(timer[0]);
            if (started[0] != null) started[0].sourceEnded(); // the last bytes came with the first (a whole translated answer)
            else done.tryComplete(new Outcome.Answer(up.withBody(HeldBody.whole(Buffer.buffer()))));
        });
        up.body().resume();
        return done.future();
    }

    private static JsonNode parse(Buffer body) {
        try {
            return body.length() == 0 ? null : JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
