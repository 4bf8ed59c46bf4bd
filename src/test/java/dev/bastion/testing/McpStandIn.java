package dev.bastion.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An MCP server over Streamable HTTP, revision 2026-07-28 (stateless: no initialize, no session), on a loopback port,
 * as strict as a conforming server: it refuses a request whose {@code MCP-Protocol-Version} it does not speak or
 * whose {@code Mcp-Method} / {@code Mcp-Name} disagree with the body (-32020). It serves {@code server/discover},
 * {@code tools/list} (paged), {@code tools/call} ({@code echo} answers JSON; {@code stream} answers an event stream
 * whose result waits for {@link #release()}), {@code resources/list}, {@code resources/read}, {@code prompts/list};
 * records every request's headers and body; and changes a tool's description on request ({@link #describe}), for
 * rug-pull tests.
 */
public final class McpStandIn implements AutoCloseable {
    /** What the server saw. */
    public record Seen(String method, MultiMap headers, JsonObject body) {}

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> tools = new java.util.LinkedHashMap<>(); // replaced whole, never changed in place once serving
    private final List<String> resources;
    private final List<String> prompts;
    private final int pageSize;
    private volatile long ttlMs = 60_000;
    private final Map<String, String> descriptions = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> release = new CompletableFuture<>();

    /**
     * @param tools     tool names, in list order (a name may repeat: a server that lists one tool twice)
     * @param pageSize  tools per {@code tools/list} page
     */
    public McpStandIn(Vertx vertx, List<String> tools, List<String> resources, List<String> prompts, int pageSize) throws Exception {
        for (int i = 0; i < tools.size(); i++) this.tools.put(tools.get(i) + "#" + i, tools.get(i));
        this.resources = List.copyOf(resources);
        this.prompts = List.copyOf(prompts);
        this.pageSize = pageSize;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(body -> {
                    JsonObject json = null;
                    try {
                        json = body.length() == 0 ? null : body.toJsonObject();
                    } catch (RuntimeException e) {
                        // recorded as null: not JSON
                    }
                    seen.add(new Seen(req.method().name(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), json));
                    handle(req, json);
                }));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The MCP endpoint's URL. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/mcp";
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public Seen last() {
        if (seen.isEmpty()) throw new AssertionError("the MCP server received no request");
        return seen.getLast();
    }

    /** Changes a tool's description from now on (a rug pull). */
    public void describe(String tool, String description) {
        descriptions.put(tool, description);
    }

    /** Lists and serves a tool under another name from now on, with the description it had (a rename that keeps the words). */
    public synchronized void rename(String from, String to) {
        String description = descriptions.getOrDefault(from, "The " + from + " tool.");
        Map<String, String> next = new java.util.LinkedHashMap<>(tools);
        next.replaceAll((k, v) -> v.equals(from) ? to : v);
        tools = next;
        descriptions.put(to, description);
    }

    /** How long this server says its lists may be cached. */
    public void ttl(long ms) {
        this.ttlMs = ms;
    }

    /** Lets the {@code stream} tool's waiting answer finish. */
    public void release() {
        release.complete(null);
    }

    private void handle(HttpServerRequest req, JsonObject msg) {
        if (req.method() != io.vertx.core.http.HttpMethod.POST) {
            req.response().setStatusCode(405).putHeader("Allow", "POST").end();
            return;
        }
        if (msg == null || msg.getString("method") == null) {
            error(req, 400, null, -32600, "invalid request");
            return;
        }
        if (msg.getValue("id") == null) { // a notification may come without the standard headers
            req.response().setStatusCode(202).end();
            return;
        }
        if (!"2026-07-28".equals(req.getHeader("MCP-Protocol-Version"))) {
            error(req, 400, null, -32022, "unsupported protocol version");
            return;
        }
        String method = msg.getString("method");
        JsonObject params = msg.getJsonObject("params", new JsonObject());
        String named = params.getString("name", params.getString("uri"));
        if (!method.equals(req.getHeader("Mcp-Method")) || (named != null && !named.equals(req.getHeader("Mcp-Name")))) {
            error(req, 400, msg.getValue("id"), -32020, "header mismatch");
            return;
        }
        Object id = msg.getValue("id");
        switch (method) {
            case "server/discover" -> result(req, id, new JsonObject().put("supportedVersions", new JsonArray().add("2026-07-28"))
                    .put("capabilities", new JsonObject().put("tools", new JsonObject()).put("resources", new JsonObject()))
                    .put("serverInfo", new JsonObject().put("name", "stand-in").put("version", "1")));
            case "tools/list" -> toolsList(req, id, params.getString("cursor"));
            case "tools/call" -> call(req, id, params);
            case "resources/list" -> {
                JsonArray out = new JsonArray();
                resources.forEach(u -> out.add(new JsonObject().put("uri", u).put("name", u)));
                result(req, id, cacheable().put("resources", out));
            }
            case "resources/read" -> result(req, id, cacheable().put("contents", new JsonArray()
                    .add(new JsonObject().put("uri", named).put("text", "contents of " + named))));
            case "prompts/list" -> {
                JsonArray out = new JsonArray();
                prompts.forEach(p -> out.add(new JsonObject().put("name", p).put("description", "prompt " + p)));
                result(req, id, cacheable().put("prompts", out));
            }
            default -> error(req, 200, id, -32601, "method not found");
        }
    }

    private void toolsList(HttpServerRequest req, Object id, String cursor) {
        List<String> names = List.copyOf(tools.values());
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        JsonArray page = new JsonArray();
        for (int i = from; i < Math.min(names.size(), from + pageSize); i++) {
            String n = names.get(i);
            page.add(new JsonObject().put("name", n).put("description", descriptions.getOrDefault(n, "The " + n + " tool."))
                    .put("inputSchema", new JsonObject().put("type", "object")));
        }
        JsonObject result = cacheable().put("tools", page);
        if (from + pageSize < names.size()) result.put("nextCursor", Integer.toString(from + pageSize));
        result(req, id, result);
    }

    private void call(HttpServerRequest req, Object id, JsonObject params) {
        String name = params.getString("name");
        JsonObject args = params.getJsonObject("arguments", new JsonObject());
        if (!tools.containsValue(name)) {
            error(req, 200, id, -32602, "unknown tool");
            return;
        }
        JsonObject text = new JsonObject().put("content", new JsonArray().add(new JsonObject().put("type", "text")
                .put("text", name + ": " + args.getString("text", ""))));
        if (!name.equals("stream")) {
            result(req, id, text);
            return;
        }
        // An event stream: a progress notification at once, the result only once the test releases it.
        req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        JsonObject progress = new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/progress")
                .put("params", new JsonObject().put("progressToken", "p1").put("progress", 1).put("total", 2));
        req.response().write("event: message\ndata: " + progress.encode() + "\n\n");
        CompletableFuture<Void> gate = release;
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        gate.whenComplete((v, t) -> ctx.runOnContext(x -> {
            release = new CompletableFuture<>();
            req.response().end("event: message\ndata: " + new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", text.put("resultType", "complete")).encode() + "\n\n");
        }));
    }

    /** SEP-2549: lists and reads say how long, and by whom, they may be cached. */
    private JsonObject cacheable() {
        return new JsonObject().put("ttlMs", ttlMs).put("cacheScope", "public");
    }

    private static void result(HttpServerRequest req, Object id, JsonObject result) {
        result.put("resultType", "complete"); // required of every 2026-07-28 result
        req.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).encode());
    }

    private static void error(HttpServerRequest req, int status, Object id, int code, String message) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", new JsonObject().put("code", code).put("message", message)).encode());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
