package dev.bastion.mock;

import dev.bastion.llm.TokenCounter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}) as the mock serves it: the same replies as its chat
 * completions ({@link MockLlmServer#reply(String, String, Integer)}: {@code echo: …}, the leaked deploy key), as a
 * whole {@code response} object or as the API's typed event stream — {@code event:} and {@code data:} lines, a
 * {@code sequence_number} on each, the text as {@code response.output_text.delta} events, repeated whole in the
 * {@code .done} events and in {@code response.completed}, which alone carries the usage; no {@code [DONE]}.
 * {@code max_output_tokens} cuts the reply and makes the response {@code incomplete}, as the API does.
 */
final class MockResponses {
    private final MockLlmServer server;
    private final Vertx vertx;
    private final long chunkDelayMs;
    private final TokenCounter counter;
    private final AtomicLong ids = new AtomicLong();

    MockResponses(MockLlmServer server, Vertx vertx, long chunkDelayMs, TokenCounter counter) {
        this.server = server;
        this.vertx = vertx;
        this.chunkDelayMs = chunkDelayMs;
        this.counter = counter;
    }

    void handle(HttpServerResponse resp, JsonObject in) {
        String model = in.getString("model");
        Object input = in.getValue("input");
        if (model == null || input == null) {
            resp.setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject().put("error", new JsonObject()
                    .put("message", "Missing required parameter: '" + (model == null ? "model" : "input") + "'.").put("type", "invalid_request_error")
                    .put("param", model == null ? "model" : "input").put("code", "missing_required_parameter")).encode());
            return;
        }
        String instructions = in.getString("instructions");
        StringBuilder read = new StringBuilder(instructions == null ? "" : instructions);
        String lastUser = texts(input, read);
        Integer max = in.getInteger("max_output_tokens");
        MockLlmServer.Reply reply = server.reply(model, lastUser, max);
        int inputTokens = counter.count(model, read.toString());
        long n = ids.incrementAndGet();
        String id = "resp_mock" + n, messageId = "msg_mock" + n;
        JsonObject usage = new JsonObject().put("input_tokens", inputTokens).put("input_tokens_details", new JsonObject().put("cached_tokens", 0))
                .put("output_tokens", reply.tokens()).put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
                .put("total_tokens", inputTokens + reply.tokens());
        boolean incomplete = "length".equals(reply.finish());
        JsonObject message = message(messageId, reply.text(), incomplete ? "incomplete" : "completed");
        JsonObject done = response(id, model, in, incomplete ? "incomplete" : "completed", new JsonArray().add(message), usage);
        if (incomplete) done.put("incomplete_details", new JsonObject().put("reason", "max_output_tokens"));
        if (!in.getBoolean("stream", false)) {
            resp.setStatusCode(200).putHeader("Content-Type", "application/json").end(done.encode());
            return;
        }
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        Events e = new Events(resp);
        JsonObject started = response(id, model, in, "in_progress", new JsonArray(), null);
        e.send("response.created", new JsonObject().put("response", started));
        e.send("response.in_progress", new JsonObject().put("response", started));
        e.send("response.output_item.added", new JsonObject().put("output_index", 0).put("item", message(messageId, null, "in_progress")));
        e.send("response.content_part.added", part(messageId).put("part", new JsonObject().put("type", "output_text").put("text", "").put("annotations", new JsonArray())));
        String[] words = reply.text().split(" ", -1);
        sendWord(e, messageId, words, 0, () -> {
            e.send("response.output_text.done", part(messageId).put("text", reply.text()).put("logprobs", new JsonArray()));
            e.send("response.content_part.done", part(messageId).put("part", message.getJsonArray("content").getJsonObject(0)));
            e.send("response.output_item.done", new JsonObject().put("output_index", 0).put("item", message));
            e.send(incomplete ? "response.incomplete" : "response.completed", new JsonObject().put("response", done));
            resp.end();
        });
    }

    private void sendWord(Events e, String messageId, String[] words, int i, Runnable then) {
        if (e.resp.closed()) return;
        if (i == words.length) {
            then.run();
            return;
        }
        e.send("response.output_text.delta", part(messageId).put("delta", (i == 0 ? "" : " ") + words[i]).put("logprobs", new JsonArray()));
        if (chunkDelayMs > 0) vertx.setTimer(chunkDelayMs, t -> sendWord(e, messageId, words, i + 1, then));
        else sendWord(e, messageId, words, i + 1, then);
    }

    /** The text a model reads from {@code input} into {@code read}; returns the last user text (what the reply answers). */
    private static String texts(Object input, StringBuilder read) {
        if (input instanceof String s) {
            read.append('\n').append(s);
            return s;
        }
        String lastUser = "";
        if (!(input instanceof JsonArray items)) return lastUser;
        for (Object o : items) {
            if (!(o instanceof JsonObject item)) continue;
            String text = switch (item.getString("type", "message")) {
                case "message" -> content(item.getValue("content"));
                case "function_call_output" -> item.getValue("output") instanceof String s ? s : content(item.getValue("output"));
                case "function_call" -> item.getString("arguments", "");
                default -> "";
            };
            read.append('\n').append(text);
            if ("user".equals(item.getString("role"))) lastUser = text;
        }
        return lastUser;
    }

    private static String content(Object content) {
        if (content instanceof String s) return s;
        StringBuilder out = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (Object p : parts) {
                if (p instanceof JsonObject part && part.getValue("text") instanceof String s) out.append(out.isEmpty() ? "" : "\n").append(s);
            }
        }
        return out.toString();
    }

    private static JsonObject message(String id, String text, String status) {
        JsonArray content = new JsonArray();
        if (text != null) content.add(new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray()));
        return new JsonObject().put("type", "message").put("id", id).put("status", status).put("role", "assistant").put("content", content);
    }

    private static JsonObject part(String messageId) {
        return new JsonObject().put("item_id", messageId).put("output_index", 0).put("content_index", 0);
    }

    private static JsonObject response(String id, String model, JsonObject in, String status, JsonArray output, JsonObject usage) {
        return new JsonObject().put("id", id).put("object", "response").put("created_at", System.currentTimeMillis() / 1000).put("status", status)
                .put("model", model).put("instructions", in.getValue("instructions")).put("max_output_tokens", in.getValue("max_output_tokens"))
                .put("output", output).put("parallel_tool_calls", true).put("previous_response_id", in.getValue("previous_response_id"))
                .put("store", in.getBoolean("store", true)).put("temperature", in.getValue("temperature", 1.0))
                .put("tools", in.getValue("tools", new JsonArray())).put("usage", usage).put("metadata", in.getValue("metadata", new JsonObject()));
    }

    /** One stream's events, numbered. */
    private static final class Events {
        final HttpServerResponse resp;
        int sequence;

        Events(HttpServerResponse resp) {
            this.resp = resp;
        }

        void send(String type, JsonObject data) {
            JsonObject event = new JsonObject().put("type", type).put("sequence_number", sequence++);
            data.forEach(e -> event.put(e.getKey(), e.getValue()));
            resp.write(Buffer.buffer("event: " + type + "\ndata: " + event.encode() + "\n\n"));
        }
    }
}
