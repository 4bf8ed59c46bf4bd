package dev.bastion.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real HTTP server on a loopback port that records every request it receives (method, URI, headers,
 * body) and answers with a configurable behaviour — the "upstream" of integration tests.
 */
public final class StubUpstream implements AutoCloseable {
    /** What the upstream saw. */
    public record Seen(String method, String uri, MultiMap headers, Buffer body) {}

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> closedEarly = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpServerRequest> behaviour = StubUpstream::echoJson;

    public StubUpstream(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(false))
                .requestHandler(req -> req.body().onSuccess(body -> {
                    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
                    seen.add(new Seen(req.method().name(), req.uri(), copy, body));
                    req.connection().closeHandler(v -> {
                        if (!req.response().ended()) closedEarly.add(req.uri());
                    });
                    behaviour.accept(req);
                }));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public Seen last() {
        if (seen.isEmpty()) throw new AssertionError("the upstream received no request");
        return seen.get(seen.size() - 1);
    }

    /** URIs of requests whose connection closed before the stub finished its response. */
    public List<String> closedEarly() {
        return List.copyOf(closedEarly);
    }

    public void behave(Consumer<HttpServerRequest> behaviour) {
        this.behaviour = behaviour;
    }

    public Vertx vertx() {
        return vertx;
    }

    public static void echoJson(HttpServerRequest req) {
        req.response().putHeader("Content-Type", "application/json").putHeader("Server", "stub/1.0")
                .end("{\"ok\":true,\"path\":\"" + req.path() + "\"}");
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
