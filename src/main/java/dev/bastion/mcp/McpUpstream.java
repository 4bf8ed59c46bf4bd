package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.McpConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.llm.SseSplitter;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResponse;
import dev.bastion.upstream.UpstreamResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MCP route's way to its servers, each an {@link Upstream} of its own (the connector, the egress policy and the
 * upstream's credential; the caller's token is removed there). A call goes to the server its name says, with the
 * server's own name in the body and in {@code Mcp-Name}; its answer — JSON or an event stream — is relayed as it
 * arrives. A list ({@code tools/list}, prompts, resources, resource templates) is asked of every server, every page
 * read, and answered as one merged list of what the caller may see. With several servers, what no single server
 * can answer ({@code ping}, notifications) Bastion answers itself. Never a failed future: a server that cannot be
 * reached is an {@link UpstreamFailure}.
 */
public final class McpUpstream implements Upstream {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(McpUpstream.class);
    /** The largest list page or discovery answer read whole. */
    static final int MAX_ANSWER = 8 * 1024 * 1024;
    /** Pages followed per server and list; a server that pages on forever is cut off here. */
    static final int MAX_PAGES = 16;
    private static final Map<String, String> LISTS = Map.of("tools/list", "tools", "prompts/list", "prompts", "resources/list", "resources",
            "resources/templates/list", "resourceTemplates");

    private final String routeId;
    private final McpNames names;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final McpPolicy policy;
    /** The servers' tool definitions calls are checked against; null when the route pins nothing. */
    private final ToolDefinitions definitions;

    /** One server: its upstream and the path that reaches its MCP endpoint (the upstream's URL is the endpoint). */
    private record Server(String name, Upstream upstream, String path) {}

    /**
     * @param upstreams the gateway's upstreams by name; each server's must be there (the config validator checks)
     * @param configs   the upstreams' config, for the endpoint's path
     */
    public McpUpstream(String routeId, McpConfig config, Map<String, Upstream> upstreams, Map<String, UpstreamConfig> configs, McpPolicy policy) {
        this.routeId = routeId;
        this.names = new McpNames(config);
        this.policy = policy;
        this.definitions = config.pinning().mode() == McpConfig.PinMode.OFF ? null : new ToolDefinitions(config.pinning().maxAge());
        for (McpConfig.Server s : config.servers()) {
            Upstream u = upstreams.get(s.upstream());
            if (u == null) throw new IllegalArgumentException("mcp.servers: unknown upstream '" + s.upstream() + "'");
            // The upstream's URL is the endpoint: its base path is the whole target (or "/" when it has none).
            servers.put(s.name(), new Server(s.name(), u, configs.get(s.upstream()).basePath().isEmpty() ? "/" : ""));
        }
    }

    @Override
    public String name() {
        return routeId;
    }

    @Override
    public Future<UpstreamResult> send(UpstreamRequest r) {
        McpMessage msg = r.exchange().attribute(McpMessage.class);
        if (msg == null) return Future.failedFuture(new IllegalStateException("no MCP message on the exchange")); // a fault: the transport step is missing
        String list = LISTS.get(msg.method());
        if (list != null) return list(r, msg, list);
        if (McpMessage.BY_NAME.contains(msg.method())) return byName(r, msg);
        if (McpMessage.BY_URI.contains(msg.method())) return byUri(r, msg);
        if (servers.size() == 1) return forward(r, servers.values().iterator().next(), r.body(), msg, msg.name());
        // Several servers, and a message for none of them in particular.
        if (msg.notification()) return answer(202, null, null);
        return switch (msg.method()) {
            case "ping" -> answer(200, msg, result(msg, McpMessage.MAPPER.createObjectNode()));
            case "server/discover" -> discover(r, msg);
            default -> answer(200, msg, McpErrors.rpc(msg.id(), McpProtocol.METHOD_NOT_FOUND, "This method is not served by a route with several MCP servers."));
        };
    }

    /** A tool call or a prompt: to the server its name says, under the server's own name. */
    private Future<UpstreamResult> byName(UpstreamRequest r, McpMessage msg) {
        McpNames.Target t = names.resolve(msg.subject());
        if (t == null) return answer(200, msg, McpErrors.rpc(msg.id(), McpProtocol.INVALID_PARAMS, "Unknown name."));
        if (definitions == null || !msg.method().equals("tools/call")) return sendByName(r, msg, t);
        return definition(r, msg, t).compose(current -> {
            if (current.failure() != null) return Future.succeededFuture(current.failure());
            if (current.definition() == null) return answer(200, msg, McpErrors.rpc(msg.id(), McpProtocol.INVALID_PARAMS, "Unknown tool."));
            // the one decision the lists make, on the tool as the server defines it now
            McpDecision.Refuse no = policy.refusal(r.exchange().identity(), new McpItem(McpItem.Kind.TOOL, t.server(), t.name(), msg.subject(), current.definition()));
            if (no == null) return sendByName(r, msg, t);
            r.exchange().errorCode(no.reason());
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json");
            Buffer body = Buffer.buffer(McpErrors.error(McpErrors.rpcCode(no.reason()), no.reason(), no.message(), r.exchange().requestId()));
            headers.set("Content-Length", Integer.toString(body.length()));
            return Future.succeededFuture(new UpstreamResponse(no.status(), headers, new WholeBody(body), () -> {}, 60_000, 0));
        });
    }

    private Future<UpstreamResult> sendByName(UpstreamRequest r, McpMessage msg, McpNames.Target t) {
        // The message as the policies left it (a redaction rewrites its arguments in place).
        if (!names.namespaced()) return forward(r, servers.get(t.server()), bytes(msg.body()), msg, msg.name());
        ObjectNode body = msg.body().deepCopy();
        ((ObjectNode) body.get("params")).put("name", t.name());
        return forward(r, servers.get(t.server()), bytes(body), msg, t.name());
    }

    /** A called tool's definition as its server lists it now; null when the server does not list it. */
    private record Current(JsonNode definition, UpstreamFailure failure) {}

    /** From the definitions read within {@code max_age}, else from the server's whole list, read again now. */
    private Future<Current> definition(UpstreamRequest r, McpMessage msg, McpNames.Target t) {
        JsonNode known = definitions.fresh(t.server(), t.name());
        if (known != null) return Future.succeededFuture(new Current(known, null));
        Server s = servers.get(t.server());
        return pages(r, s, request(msg, "tools/list"), "tools", new ArrayList<>(), 0, Long.MAX_VALUE, true).map(l -> {
            if (l.failure() != null) return new Current(null, l.failure());
            if (l.error() != null) return new Current(null, new UpstreamFailure(UpstreamFailure.Kind.ERROR, s.name(), "tools/list refused"));
            Map<String, JsonNode> all = new HashMap<>();
            List<String> twice = new ArrayList<>();
            for (JsonNode item : l.items().get(s.name())) {
                String own = text(item, "name");
                if (own != null && all.putIfAbsent(own, item) != null) twice.add(own);
            }
            twice.forEach(all::remove); // a name listed twice is served by neither (as in lists): which definition would be checked?
            definitions.replace(s.name(), all);
            return new Current(all.get(t.name()), null);
        });
    }

    /** A resource: URIs are not renamed, so with several servers the one that lists it gets it (two that list it: refused). */
    private Future<UpstreamResult> byUri(UpstreamRequest r, McpMessage msg) {
        if (servers.size() == 1) return forward(r, servers.values().iterator().next(), r.body(), msg, msg.name());
        ObjectNode listing = request(msg, "resources/list");
        return gather(r, listing, "resources").compose(lists -> {
            if (lists.failure() != null) return Future.succeededFuture(lists.failure());
            if (lists.error() != null) return answer(200, msg, withId(lists.error(), msg));
            List<String> owners = new ArrayList<>();
            lists.items().forEach((server, items) -> {
                for (JsonNode item : items) if (msg.subject() != null && msg.subject().equals(text(item, "uri"))) owners.add(server);
            });
            if (owners.size() != 1) {
                if (owners.size() > 1) log.warn("mcp route {}: resource listed by {} servers; reads of it are refused", routeId, owners.size());
                return answer(200, msg, McpErrors.rpc(msg.id(), McpProtocol.INVALID_PARAMS, owners.isEmpty() ? "Unknown resource." : "Resource served by several servers."));
            }
            return forward(r, servers.get(owners.getFirst()), r.body(), msg, msg.name());
        });
    }

    private Future<UpstreamResult> forward(UpstreamRequest r, Server server, Buffer body, McpMessage msg, String name) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json").set(McpProtocol.METHOD_HEADER, msg.method());
        if (name != null) headers.set(McpProtocol.NAME_HEADER, name);
        r.exchange().logField("mcp_server", server.name());
        return server.upstream().send(r.translated(server.path(), body, headers));
    }

    /** Every server's list, merged: names exposed, collisions and unusable names left out loudly, only what the caller may see. */
    private Future<UpstreamResult> list(UpstreamRequest r, McpMessage msg, String key) {
        ObjectNode first = msg.body().deepCopy();
        if (servers.size() > 1 && first.get("params") instanceof ObjectNode p) p.remove("cursor"); // each server pages on its own
        return gather(r, first, key).compose(lists -> {
            if (lists.failure() != null) return Future.succeededFuture(lists.failure());
            if (lists.error() != null) return answer(200, msg, withId(lists.error(), msg));
            McpItem.Kind kind = switch (key) {
                case "tools" -> McpItem.Kind.TOOL;
                case "prompts" -> McpItem.Kind.PROMPT;
                case "resources" -> McpItem.Kind.RESOURCE;
                default -> McpItem.Kind.RESOURCE_TEMPLATE;
            };
            boolean named = kind == McpItem.Kind.TOOL || kind == McpItem.Kind.PROMPT;
            Map<String, Integer> seen = new HashMap<>();
            List<ObjectNode> merged = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            lists.items().forEach((server, items) -> {
                for (JsonNode item : items) {
                    if (!(item instanceof ObjectNode entry)) continue;
                    String own = text(entry, named ? "name" : kind == McpItem.Kind.RESOURCE ? "uri" : "uriTemplate");
                    if (own == null || (named && !names.exposable(own))) {
                        refused.add(server + ":" + (own == null ? "(unnamed)" : own));
                        continue;
                    }
                    if (kind == McpItem.Kind.TOOL && definitions != null) definitions.put(server, own, entry);
                    String exposed = named ? names.expose(server, own) : own;
                    ObjectNode out = entry.deepCopy();
                    if (named) out.put("name", exposed);
                    seen.merge(exposed, 1, Integer::sum);
                    if (policy.visible(r.exchange().identity(), new McpItem(kind, server, own, exposed, entry))) merged.add(out);
                }
            });
            // A name two entries share is served by neither: a call could not say which one it means.
            if (kind == McpItem.Kind.TOOL && definitions != null) {
                seen.forEach((exposed, n) -> {
                    McpNames.Target t = n > 1 ? names.resolve(exposed) : null;
                    if (t != null) definitions.forget(t.server(), t.name());
                });
            }
            merged.removeIf(e -> {
                String exposed = text(e, named ? "name" : kind == McpItem.Kind.RESOURCE ? "uri" : "uriTemplate");
                if (seen.get(exposed) == 1) return false;
                refused.add(exposed);
                return true;
            });
            if (!refused.isEmpty()) {
                List<String> distinct = refused.stream().distinct().toList();
                log.warn("mcp route {}: {} left out of {} (a name with the separator {}, or a collision): {}", routeId, distinct.size(), key,
                        McpConfig.SEPARATOR, distinct);
                r.exchange().logField("mcp_refused_names", distinct.size());
            }
            // What this caller may see, never to be served to another from a shared cache (SEP-2549).
            ObjectNode result = McpMessage.MAPPER.createObjectNode().put("ttlMs", lists.ttlMs()).put("cacheScope", "private");
            ArrayNode array = result.putArray(key);
            merged.forEach(array::add);
            if (servers.size() == 1 && lists.nextCursor() != null) result.put("nextCursor", lists.nextCursor());
            return answer(200, msg, result(msg, result));
        });
    }

    /** With several servers: the first server's discovery answer, with every server's capabilities together. */
    private Future<UpstreamResult> discover(UpstreamRequest r, McpMessage msg) {
        List<Future<Answer>> asks = new ArrayList<>();
        for (Server s : servers.values()) asks.add(ask(r, s, msg.body()));
        return Future.all(asks).compose(all -> {
            ObjectNode base = null;
            ObjectNode capabilities = McpMessage.MAPPER.createObjectNode();
            for (Future<Answer> f : asks) {
                Answer a = f.result();
                if (a.failure() != null) return Future.succeededFuture(a.failure());
                if (a.message().get("error") != null) return answer(200, msg, withId((ObjectNode) a.message(), msg));
                JsonNode res = a.message().get("result");
                if (!(res instanceof ObjectNode o)) return Future.succeededFuture(unreadable(a.server()));
                if (base == null) base = o.deepCopy();
                if (o.get("capabilities") instanceof ObjectNode c) c.properties().forEach(e -> capabilities.putIfAbsent(e.getKey(), e.getValue()));
            }
            base.set("capabilities", capabilities);
            return answer(200, msg, result(msg, base));
        });
    }

    /** The items of one list from every server (all pages), or the first failure or JSON-RPC error. */
    private record Lists(Map<String, List<JsonNode>> items, String nextCursor, long ttlMs, UpstreamFailure failure, ObjectNode error) {}

    private Future<Lists> gather(UpstreamRequest r, ObjectNode request, String key) {
        Map<String, Future<Lists>> perServer = new LinkedHashMap<>();
        for (Server s : servers.values()) perServer.put(s.name(), pages(r, s, request, key, new ArrayList<>(), 0, Long.MAX_VALUE, servers.size() > 1));
        return Future.all(new ArrayList<>(perServer.values())).map(all -> {
            Map<String, List<JsonNode>> items = new LinkedHashMap<>();
            String cursor = null;
            long ttl = Long.MAX_VALUE;
            for (Map.Entry<String, Future<Lists>> e : perServer.entrySet()) {
                Lists l = e.getValue().result();
                if (l.failure() != null || l.error() != null) return l;
                items.put(e.getKey(), l.items().get(e.getKey()));
                cursor = l.nextCursor();
                ttl = Math.min(ttl, l.ttlMs());
            }
            return new Lists(items, cursor, ttl, null, null);
        });
    }

    /** A server's list, page after page; with {@code all} false only the page asked for (its cursor goes back to the client). */
    private Future<Lists> pages(UpstreamRequest r, Server s, ObjectNode request, String key, List<JsonNode> into, int page, long ttlMs, boolean all) {
        return ask(r, s, request).compose(a -> {
            if (a.failure() != null) return Future.succeededFuture(new Lists(null, null, 0, a.failure(), null));
            if (a.message().get("error") != null) return Future.succeededFuture(new Lists(null, null, 0, null, (ObjectNode) a.message()));
            JsonNode res = a.message().get("result");
            if (res == null || !(res.get(key) instanceof ArrayNode arr)) return Future.succeededFuture(new Lists(null, null, 0, unreadable(s.name()), null));
            arr.forEach(into::add);
            // SEP-2549: a list may be cached as long as its shortest-lived page; a page without a ttl, not at all
            JsonNode t = res.get("ttlMs");
            long ttl = Math.min(ttlMs, t != null && t.canConvertToLong() && t.asLong() >= 0 ? t.asLong() : 0);
            String next = text(res, "nextCursor");
            if (next == null || !all) return Future.succeededFuture(new Lists(Map.of(s.name(), into), next, ttl, null, null));
            if (page + 1 >= MAX_PAGES) {
                log.warn("mcp route {}: server {} still paging {} after {} pages; the rest is left out", routeId, s.name(), key, MAX_PAGES);
                return Future.succeededFuture(new Lists(Map.of(s.name(), into), null, ttl, null, null));
            }
            ObjectNode again = request.deepCopy();
            (again.get("params") instanceof ObjectNode p ? p : again.putObject("params")).put("cursor", next);
            return pages(r, s, again, key, into, page + 1, ttl, all);
        });
    }

    /** One server's answer to one message: the JSON-RPC response, or why there is none. */
    private record Answer(String server, JsonNode message, UpstreamFailure failure) {}

    private Future<Answer> ask(UpstreamRequest r, Server s, ObjectNode message) {
        McpMessage m = McpMessage.parse(bytes(message)).message();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json")
                .set("Accept", "application/json, text/event-stream").set(McpProtocol.METHOD_HEADER, m.method());
        return s.upstream().send(r.translated(s.path(), bytes(message), headers)).compose(result -> switch (result) {
            case UpstreamFailure f -> Future.succeededFuture(new Answer(s.name(), null, f));
            case UpstreamResponse resp -> {
                if (resp.status() != 200) {
                    resp.abort();
                    yield Future.succeededFuture(new Answer(s.name(), null, new UpstreamFailure(UpstreamFailure.Kind.ERROR, s.name(), "status " + resp.status())));
                }
                String type = resp.headers().get("Content-Type");
                boolean events = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
                yield whole(resp).map(body -> {
                    JsonNode reply = events ? fromEvents(body, m.id()) : json(body);
                    return reply instanceof ObjectNode ? new Answer(s.name(), reply, null) : new Answer(s.name(), null, unreadable(s.name()));
                }).otherwise(t -> new Answer(s.name(), null, UpstreamFailure.of(s.name(), t)));
            }
        });
    }

    /** A response body read whole, within {@link #MAX_ANSWER} and the upstream's deadline. */
    private static Future<Buffer> whole(UpstreamResponse resp) {
        Promise<Buffer> done = Promise.promise();
        Buffer acc = Buffer.buffer();
        Context ctx = Vertx.currentContext();
        long wait = Math.max(1, (resp.deadlineNanos() - System.nanoTime()) / 1_000_000);
        long timer = ctx == null ? -1 : ctx.owner().setTimer(wait, id -> {
            resp.abort();
            done.tryFail(new java.util.concurrent.TimeoutException("answer not complete in time"));
        });
        resp.body().exceptionHandler(done::tryFail);
        resp.body().handler(chunk -> {
            acc.appendBuffer(chunk);
            if (acc.length() > MAX_ANSWER) {
                resp.abort();
                done.tryFail(new IOException("answer over " + MAX_ANSWER + " bytes"));
            }
        });
        resp.body().endHandler(v -> done.tryComplete(acc));
        resp.body().resume();
        return done.future().onComplete(x -> {
            if (timer >= 0) ctx.owner().cancelTimer(timer);
        });
    }

    /** The response to {@code id} among a stream's events (a server may send progress notifications first). */
    private static JsonNode fromEvents(Buffer body, JsonNode id) {
        SseSplitter splitter = new SseSplitter(MAX_ANSWER);
        List<Buffer> events = new ArrayList<>(splitter.feed(body));
        Buffer rest = splitter.rest();
        if (rest != null) events.add(rest);
        for (Buffer e : events) {
            String data = SseSplitter.data(e);
            JsonNode n = data == null ? null : json(Buffer.buffer(data));
            if (n != null && id != null && id.equals(n.get("id")) && (n.has("result") || n.has("error"))) return n;
        }
        return null;
    }

    private static JsonNode json(Buffer b) {
        try {
            return McpMessage.MAPPER.readTree(b.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    private static UpstreamFailure unreadable(String server) {
        return new UpstreamFailure(UpstreamFailure.Kind.ERROR, server, "not a JSON-RPC answer");
    }

    /** A request of {@code method} with the client's id and no params beyond what the method needs. */
    private static ObjectNode request(McpMessage msg, String method) {
        ObjectNode o = McpMessage.MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        o.set("id", msg.id());
        if (msg.body().get("params") instanceof ObjectNode p && p.get("_meta") != null) o.putObject("params").set("_meta", p.get("_meta"));
        return o;
    }

    /** An answer of Bastion's own: a 2026-07-28 result says it is complete ({@code resultType}), or clients refuse it. */
    private static ObjectNode result(McpMessage msg, ObjectNode result) {
        if (!result.has("resultType")) result.put("resultType", "complete");
        ObjectNode o = McpMessage.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        o.set("id", msg.id());
        o.set("result", result);
        return o;
    }

    /** A server's JSON-RPC error, answered to the client's id. */
    private static ObjectNode withId(ObjectNode error, McpMessage msg) {
        ObjectNode o = error.deepCopy();
        o.set("id", msg.id());
        return o;
    }

    private static Future<UpstreamResult> answer(int status, McpMessage msg, ObjectNode body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        Buffer bytes = body == null ? Buffer.buffer() : bytes(body);
        if (body != null) headers.set("Content-Type", "application/json");
        headers.set("Content-Length", Integer.toString(bytes.length()));
        return Future.succeededFuture(new UpstreamResponse(status, headers, new WholeBody(bytes), () -> {}, 60_000, 0));
    }

    private static Buffer bytes(JsonNode n) {
        try {
            return Buffer.buffer(McpMessage.MAPPER.writeValueAsBytes(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree built from parsed JSON always serialises
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
