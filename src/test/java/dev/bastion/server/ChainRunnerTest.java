package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.observe.GatewayMetrics;
import dev.bastion.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's rules, without a socket: a {@link ClientChannel} that records what would be written stands
 * in for the HTTP adapter (which the gateway tests drive over real HTTP).
 */
class ChainRunnerTest {
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** Records the answer; the request "has" the given body. */
    static final class Recorded implements ClientChannel {
        final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        final Buffer requestBody;
        int bodyReads;
        int status = -1;
        Buffer body;
        boolean closed;
        Runnable done;

        Recorded(Buffer requestBody) {
            this.requestBody = requestBody;
        }

        public Future<Buffer> readBody(long maxBytes, long timeoutMillis) {
            bodyReads++;
            return Future.succeededFuture(requestBody);
        }

        public MultiMap responseHeaders() { return headers; }

        public void respond(int status, Buffer body, boolean close) {
            this.status = status;
            this.body = body;
            this.closed = close;
            done.run();
        }

        public void startStream(int status, boolean bodyless) { this.status = status; }
        public void write(Buffer chunk) { }
        public boolean writeQueueFull() { return false; }
        public void onDrain(Runnable resume) { }
        public void endStream(Buffer last) { done.run(); }
        public void cut() { closed = true; done.run(); }
        public boolean headWritten() { return status != -1; }
        public void onGone(Runnable gone) { }
        public void onMalformed(Runnable malformed) { }
        public void onDone(Runnable done) { this.done = done; }

        String code() {
            return new JsonObject(body.toString()).getJsonObject("error").getString("code");
        }
    }

    /** A control that answers what it was given and records that it ran. */
    record Fixed(Stage stage, String name, Future<Verdict> answer, List<String> calls, boolean needsBody) implements Control {
        Fixed(Stage stage, String name, Future<Verdict> answer, List<String> calls) {
            this(stage, name, answer, calls, false);
        }

        @Override
        public Future<Verdict> check(Exchange exchange) {
            calls.add(name);
            return answer;
        }
    }

    final List<String> calls = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final ExchangeListener recorder = new ExchangeListener() {
        @Override
        public void refused(Exchange ex, String step, Verdict.Deny refusal) {
            events.add("refused:" + step + ":" + refusal.reason());
        }

        @Override
        public void finished(Exchange ex, long endNanos) {
            events.add("finished:" + ex.status());
        }
    };

    /** A listener with one route, POST /x, answered by a local endpoint that records it ran. */
    Listener listener(List<Control> routeControls, List<Control> edgeControls) {
        GatewayMetrics metrics = new GatewayMetrics();
        LocalEndpoint endpoint = ex -> {
            calls.add("endpoint");
            return Future.succeededFuture(LocalEndpoint.answer(200, Map.of("Content-Type", "text/plain"), "served"));
        };
        Route route = new Route("r", new RouteConfig.Match(List.of("POST"), "/x", null), Set.of("POST"),
                new Steps(new Chain(routeControls), "r", metrics), new Route.Local(endpoint), null, 1024);
        return new Listener("test", vertx, new ClientIpResolver(List.of()), false, new Steps(new Chain(edgeControls), null, metrics),
                new RouteTable(List.of(route)), 1000, List.of(recorder));
    }

    static Exchange post(String path) {
        return Exchange.builder().method(HttpMethod.POST).path(path).build();
    }

    Recorded run(Listener listener, Exchange ex, Buffer body) {
        Recorded client = new Recorded(body);
        new ChainRunner(listener, client, ex).start();
        return client;
    }

    @Test
    void theFirstRefusalEndsTheExchangeAndNamesItsStep() {
        Listener l = listener(List.of(
                new Fixed(Stage.AUTHENTICATE, "a", Verdict.ALLOWED, calls),
                new Fixed(Stage.AUTHORIZE, "b", new Verdict.Deny(403, "nope", "no").future(), calls),
                new Fixed(Stage.LIMIT, "c", Verdict.ALLOWED, calls)), List.of());
        Exchange ex = post("/x");
        Recorded client = run(l, ex, null);
        assertThat(client.status).isEqualTo(403);
        assertThat(client.code()).isEqualTo("nope");
        assertThat(calls).containsExactly("a", "b");
        assertThat(ex.refusedBy()).isEqualTo("b");
        assertThat(events).containsExactly("refused:b:nope", "finished:403");
        assertThat(client.headers.get("X-Request-Id")).isEqualTo(ex.requestId());
        assertThat(client.headers.get("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void aFailedThrowingOrNullControlIsAFaultNeverAnAllow() {
        Control throwing = new Control() {
            public Stage stage() { return Stage.LIMIT; }
            public String name() { return "throws"; }
            public Future<Verdict> check(Exchange e) { throw new IllegalStateException("boom sk-live-4eC39HqLyjWDarjtT1zdp7dc"); }
        };
        Control nullFuture = new Control() {
            public Stage stage() { return Stage.LIMIT; }
            public String name() { return "null_future"; }
            public Future<Verdict> check(Exchange e) { return null; }
        };
        for (Control broken : List.of(new Fixed(Stage.AUTHENTICATE, "fails", Future.failedFuture("store down"), calls), throwing, nullFuture,
                new Fixed(Stage.AUTHENTICATE, "null", Future.succeededFuture(null), calls))) {
            calls.clear();
            Recorded client = run(listener(List.of(broken), List.of()), post("/x"), null);
            assertThat(client.status).as(broken.name()).isEqualTo(503);
            assertThat(client.code()).isEqualTo("control_fault");
            assertThat(client.body.toString()).doesNotContain("boom", "store down");
            assertThat(calls).as("the endpoint never ran").doesNotContain("endpoint");
        }
    }

    @Test
    void aFaultsMessageNeverReachesTheLog() {
        Control throwing = new Control() {
            public Stage stage() { return Stage.LIMIT; }
            public String name() { return "throws"; }
            public Future<Verdict> check(Exchange e) { throw new IllegalStateException("Unrecognized token 'sk-live-4eC39HqLyjWDarjtT1zdp7dc'"); }
        };
        try (LogCapture logs = LogCapture.capture()) {
            Recorded client = run(listener(List.of(throwing), List.of()), post("/x"), null);
            assertThat(client.code()).isEqualTo("control_fault");
            assertThat(logs.errors()).anySatisfy(l -> assertThat(l).contains("control throws failed", "java.lang.IllegalStateException at "))
                    .allSatisfy(l -> assertThat(l).doesNotContain("sk-live", "Unrecognized token"));
        }
    }

    @Test
    void anAsynchronousControlContinuesInOrderWhenItDecides() {
        Promise<Verdict> later = Promise.promise();
        Listener l = listener(List.of(new Fixed(Stage.AUTHENTICATE, "async", later.future(), calls),
                new Fixed(Stage.LIMIT, "after", Verdict.ALLOWED, calls)), List.of());
        Exchange ex = post("/x");
        Recorded client = run(l, ex, null);
        assertThat(calls).containsExactly("async");
        assertThat(client.status).isEqualTo(-1);
        later.complete(Verdict.ALLOW);
        assertThat(calls).containsExactly("async", "after", "endpoint");
        assertThat(client.status).isEqualTo(200);
        assertThat(client.body.toString()).isEqualTo("served");
        List<String> timed = new ArrayList<>();
        for (int i = 0; i < ex.steps(); i++) timed.add(ex.stepName(i));
        assertThat(timed).as("every step timed, in order").containsExactly("route", "async", "after", "body");
        assertThat(events).containsExactly("finished:200");
    }

    @Test
    void theBodyIsReadBeforeTheFirstControlThatNeedsItAndNeverForARefusalBeforeIt() {
        Buffer body = Buffer.buffer("{}");
        Listener refusing = listener(List.of(new Fixed(Stage.AUTHENTICATE, "authn", new Verdict.Deny(401, "no_key", "no").future(), calls),
                new Fixed(Stage.INSPECT_BODY, "inspect", Verdict.ALLOWED, calls, true)), List.of());
        Recorded refused = run(refusing, post("/x"), body);
        assertThat(refused.status).isEqualTo(401);
        assertThat(refused.bodyReads).as("a refused caller's body is never read").isZero();

        Listener reading = listener(List.of(new Fixed(Stage.AUTHENTICATE, "authn", Verdict.ALLOWED, calls),
                new Control() {
                    public Stage stage() { return Stage.INSPECT_BODY; }
                    public String name() { return "reads"; }
                    public boolean needsBody() { return true; }
                    public Future<Verdict> check(Exchange e) {
                        calls.add("reads:" + (e.body() == null ? "none" : e.body().toString()));
                        return Verdict.ALLOWED;
                    }
                }), List.of());
        calls.clear();
        Recorded served = run(reading, post("/x"), body);
        assertThat(served.bodyReads).isEqualTo(1);
        assertThat(calls).containsExactly("authn", "reads:{}", "endpoint");
    }

    @Test
    void aControlMayAnswerItselfWithoutTheTerminal() {
        Verdict.Respond replay = new Verdict.Respond(201, List.of(Map.entry("Idempotency-Replayed", "true")), Buffer.buffer("kept"));
        Recorded client = run(listener(List.of(new Fixed(Stage.LIMIT, "replay", replay.future(), calls)), List.of()), post("/x"), null);
        assertThat(client.status).isEqualTo(201);
        assertThat(client.body.toString()).isEqualTo("kept");
        assertThat(client.headers.get("Idempotency-Replayed")).isEqualTo("true");
        assertThat(calls).doesNotContain("endpoint");
    }

    @Test
    void edgeControlsRunBeforeRoutingAndUnknownPathsAre404() {
        Control closing = new Fixed(Stage.EDGE, "address", new Verdict.Deny(403, "ip_denied", "no").closing().future(), calls);
        Recorded refused = run(listener(List.of(), List.of(closing)), post("/nowhere"), null);
        assertThat(refused.status).as("refused before routing: no 404").isEqualTo(403);
        assertThat(refused.closed).isTrue();

        Recorded missing = run(listener(List.of(), List.of()), post("/nowhere"), null);
        assertThat(missing.status).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("route_not_found");
        Exchange get = Exchange.builder().method(HttpMethod.GET).path("/x").build();
        Recorded wrongMethod = run(listener(List.of(), List.of()), get, null);
        assertThat(wrongMethod.status).isEqualTo(405);
        assertThat(wrongMethod.headers.get("Allow")).isEqualTo("POST");
    }
}
