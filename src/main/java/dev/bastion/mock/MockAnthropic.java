package dev.bastion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The mock's Anthropic Messages API ({@code POST /v1/messages}): the key as {@code x-api-key}, the
 * {@code anthropic-version} header, the request checks the real API answers 400 for (in its error shape),
 * and a deterministic answer — the mock's usual reply, or a {@code tool_use} of the first tool when the last
 * user text asks about the weather — as a Messages body or as Anthropic's SSE event sequence.
 * <p>
 * Stricter than the real API in one respect, on purpose: consecutive same-role messages are refused
 * (the real API has come to combine them), so a translation that forgets to merge them is caught.
 */
final class MockAnthropic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream",
            "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "service_tier");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");
    private static final ObjectNode WEATHER_INPUT = JSON.createObjectNode().put("city", "Paris");

    private final MockLlmServer server;
    private final Vertx vertx;
    private final String requiredKey;
    private final long chunkDelayMs;
    private final TokenCounter counter;

    MockAnthropic(MockLlmServer server, Vertx vertx, String requiredKey, long chunkDelayMs, TokenCounter counter) {
        this.server = server;
        this.vertx = vertx;
        this.requiredKey = requiredKey;
        this.chunkDelayMs = chunkDelayMs;
        this.counter = counter;
    }

    void handle(HttpServerRequest req, MockFaults.Fault fault) {
        HttpServerResponse resp = req.response();
        String key = req.getHeader("x-api-key");
        if (requiredKey != null && !requiredKey.equals(key)) {
            req.resume();
            error(resp, 401, "authentication_error", key == null ? "x-api-key header is required" : "invalid x-api-key");
            return;
        }
        if (req.getHeader("anthropic-version") == null) {
            req.resume();
            error(resp, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }
        req.body().onSuccess(body -> {
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, "invalid_request_error", "The request body is not a valid JSON object.");
                return;
            }
            String invalid = invalid(in);
            JsonNode msgs = in.path("messages");
            if (invalid == null && fault != null && fault.kind() == MockFaults.Kind.REJECT_PREFILL && msgs.isArray() && !msgs.isEmpty()
                    && "assistant".equals(msgs.get(msgs.size() - 1).path("role").asText())) {
                // What the newest models answer: they take no prefilled assistant turn
                invalid = "This model does not support assistant message prefill. The conversation must end with a user message.";
            }
            if (invalid != null) {
                error(resp, 400, "invalid_request_error", invalid);
                return;
            }
            Answer a = answer(in);
            if (in.path("stream").asBoolean(false)) stream(resp, a, MockLlmServer.intHeader(req, MockLlmServer.CUT_AFTER_HEADER));
            else json(resp, 200, message(a, a.content(), a.stopReason(), a.stopSequence(), a.outputTokens()));
        });
    }

    // --- what the real API refuses

    /** Why the real API would answer 400, in its words where known; null for a valid request. */
    static String invalid(JsonNode in) {
        for (var e : in.properties()) if (!FIELDS.contains(e.getKey())) return e.getKey() + ": Extra inputs are not permitted";
        if (!in.path("model").isTextual() || in.get("model").asText().isEmpty()) return "model: Field required";
        JsonNode max = in.get("max_tokens");
        if (max == null) return "max_tokens: Field required";
        if (!max.isIntegralNumber() || max.asLong() < 1) return "max_tokens: Input should be an integer greater than or equal to 1";
        String s = system(in.get("system"));
        if (s != null) return s;
        JsonNode messages = in.get("messages");
        if (messages == null) return "messages: Field required";
        if (!messages.isArray()) return "messages: Input should be a valid list";
        if (messages.isEmpty()) return "messages: at least one message is required";
        Set<String> openToolUses = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            String m = message(messages, i, openToolUses);
            if (m != null) return m;
        }
        String t = tools(in.get("tools"), in.get("tool_choice"));
        if (t != null) return t;
        for (String f : List.of("temperature", "top_p")) {
            JsonNode v = in.get(f);
            if (v != null && (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1)) return f + ": Input should be a number from 0 to 1";
        }
        JsonNode stops = in.get("stop_sequences");
        if (stops != null) {
            if (!stops.isArray()) return "stop_sequences: Input should be a valid list";
            for (JsonNode v : stops) if (!v.isTextual() || v.asText().isBlank()) return "stop_sequences: each stop sequence must contain non-whitespace";
        }
        if (in.has("stream") && !in.get("stream").isBoolean()) return "stream: Input should be a valid boolean";
        JsonNode meta = in.get("metadata");
        if (meta != null) {
            if (!meta.isObject()) return "metadata: Input should be a valid dictionary";
            for (var e : meta.properties()) if (!e.getKey().equals("user_id")) return "metadata." + e.getKey() + ": Extra inputs are not permitted";
        }
        return null;
    }

    private static String system(JsonNode system) {
        if (system == null || system.isTextual()) return null;
        if (!system.isArray()) return "system: Input should be a valid string or a list of text blocks";
        for (int i = 0; i < system.size(); i++) {
            if (!"text".equals(system.get(i).path("type").asText()) || !system.get(i).path("text").isTextual()) {
                return "system." + i + ": Input should be a text block";
            }
        }
        return null;
    }

    /** One message; {@code openToolUses} carries the previous assistant turn's tool_use ids to this one. */
    private static String message(JsonNode messages, int i, Set<String> openToolUses) {
        JsonNode m = messages.get(i);
        String at = "messages." + i;
        String role = m.path("role").asText("");
        if (role.equals("system")) {
            return at + ".role: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.";
        }
        if (!role.equals("user") && !role.equals("assistant")) return at + ".role: Input should be 'user' or 'assistant'";
        if (i == 0 && !role.equals("user")) return "messages: first message must use the \"user\" role";
        if (i > 0 && role.equals(messages.get(i - 1).path("role").asText())) {
            return "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"" + role + "\" roles in a row";
        }
        boolean last = i == messages.size() - 1;
        JsonNode content = m.get("content");
        if (content == null) return at + ".content: Field required";
        Set<String> answered = new HashSet<>();
        Set<String> used = new HashSet<>();
        if (content.isTextual()) {
            if (content.asText().isEmpty() && !(last && role.equals("assistant"))) {
                return at + ": all messages must have non-empty content except for the optional final assistant message";
            }
        } else if (content.isArray()) {
            if (content.isEmpty() && !(last && role.equals("assistant"))) {
                return at + ": all messages must have non-empty content except for the optional final assistant message";
            }
            for (int j = 0; j < content.size(); j++) {
                String b = block(content.get(j), at + ".content." + j, role, openToolUses, answered, used);
                if (b != null) return b;
            }
        } else {
            return at + ".content: Input should be a valid string or a list of content blocks";
        }
        if (!openToolUses.isEmpty() && !answered.containsAll(openToolUses)) {
            Set<String> missing = new HashSet<>(openToolUses);
            missing.removeAll(answered);
            return at + ": `tool_use` ids were found without `tool_result` blocks immediately after: " + String.join(", ", missing.stream().sorted().toList())
                    + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
        }
        openToolUses.clear();
        openToolUses.addAll(used);
        return null;
    }

    private static String block(JsonNode b, String at, String role, Set<String> openToolUses, Set<String> answered, Set<String> used) {
        String type = b.path("type").asText("");
        switch (type) {
            case "text" -> {
                if (!b.path("text").isTextual()) return at + ".text: Field required";
                if (b.get("text").asText().isEmpty()) return at + ".text: text content blocks must be non-empty";
            }
            case "image" -> {
                return source(b.path("source"), at, IMAGE_TYPES, true);
            }
            case "document" -> {
                return source(b.path("source"), at, Set.of("application/pdf"), false);
            }
            case "tool_use" -> {
                if (!role.equals("assistant")) return at + ": `tool_use` blocks can only be in `assistant` messages";
                if (!b.path("id").isTextual() || !b.path("name").isTextual()) return at + ": `tool_use` blocks need an `id` and a `name`";
                if (!b.path("input").isObject()) return at + ".input: Input should be a valid dictionary";
                used.add(b.get("id").asText());
            }
            case "tool_result" -> {
                if (!role.equals("user")) return at + ": `tool_result` blocks can only be in `user` messages";
                String id = b.path("tool_use_id").asText(null);
                if (id == null) return at + ".tool_use_id: Field required";
                if (!openToolUses.contains(id)) {
                    return at + ": unexpected `tool_use_id` found in `tool_result` blocks: " + id
                            + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                }
                answered.add(id);
                JsonNode c = b.get("content");
                if (c != null && !c.isTextual()) {
                    if (!c.isArray()) return at + ".content: Input should be a valid string or a list of content blocks";
                    for (int k = 0; k < c.size(); k++) {
                        String t = c.get(k).path("type").asText("");
                        if (!t.equals("text") && !t.equals("image")) return at + ".content." + k + ": Input tag '" + t + "' is not a text or image block";
                    }
                }
            }
            default -> {
                return at + ": Input tag '" + type + "' found using 'type' does not match any of the expected tags: "
                        + "'text', 'image', 'document', 'tool_use', 'tool_result'";
            }
        }
        return null;
    }

    private static String source(JsonNode source, String at, Set<String> mediaTypes, boolean image) {
        switch (source.path("type").asText("")) {
            case "base64" -> {
                if (!mediaTypes.contains(source.path("media_type").asText())) {
                    return at + ".source.media_type: Input should be " + String.join(", ", mediaTypes.stream().sorted().toList());
                }
                if (!source.path("data").isTextual()) return at + ".source.data: Field required";
            }
            case "url" -> {
                String url = source.path("url").asText("");
                if (!url.startsWith("https://") && !url.startsWith("http://")) return at + ".source.url: Input should be an http(s) URL";
            }
            default -> {
                return at + ".source: Input tag '" + source.path("type").asText("") + "' does not match 'base64' or 'url'"
                        + (image ? "" : " (or 'text')");
            }
        }
        return null;
    }

    private static String tools(JsonNode tools, JsonNode choice) {
        if (tools != null) {
            if (!tools.isArray()) return "tools: Input should be a valid list";
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                for (var e : t.properties()) {
                    if (!Set.of("name", "description", "input_schema", "type", "cache_control").contains(e.getKey())) {
                        return "tools." + i + "." + e.getKey() + ": Extra inputs are not permitted";
                    }
                }
                if (!TOOL_NAME.matcher(t.path("name").asText("")).matches()) return "tools." + i + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'";
                if (!t.path("input_schema").isObject()) return "tools." + i + ".input_schema: Field required";
            }
        }
        if (choice == null) return null;
        String type = choice.path("type").asText("");
        if (!Set.of("auto", "any", "tool", "none").contains(type)) return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
        if (type.equals("tool") && !choice.path("name").isTextual()) return "tool_choice.tool.name: Field required";
        return null;
    }

    // --- the answer

    private record Answer(String id, String model, int inputTokens, ArrayNode content, String stopReason, String stopSequence, int outputTokens) {
        boolean toolUse() {
            return "tool_use".equals(content.path(0).path("type").asText());
        }
    }

    private Answer answer(JsonNode in) {
        String model = in.get("model").asText();
        String id = "msg_mock" + server.nextId();
        int inputTokens = inputTokens(model, in);
        String lastUser = lastUserText(in.get("messages"));
        ArrayNode content = JSON.createArrayNode();
        String tool = tool(in, lastUser);
        if (tool != null) {
            content.addObject().put("type", "tool_use").put("id", "toolu_mock" + server.nextId()).put("name", tool).set("input", WEATHER_INPUT);
            int out = counter.count(model, tool) + counter.count(model, WEATHER_INPUT.toString());
            return new Answer(id, model, inputTokens, content, "tool_use", null, out);
        }
        MockLlmServer.Reply r = server.reply(model, lastUser, in.get("max_tokens").asInt());
        String text = r.text();
        int tokens = r.tokens();
        String stopReason = r.finish().equals("length") ? "max_tokens" : "end_turn";
        String stopSequence = null;
        int cut = text.length();
        for (JsonNode s : in.path("stop_sequences")) {
            int at = text.indexOf(s.asText());
            if (at >= 0 && at < cut) {
                cut = at;
                stopSequence = s.asText();
            }
        }
        if (stopSequence != null) {
            text = text.substring(0, cut);
            tokens = counter.count(model, text);
            stopReason = "stop_sequence";
        }
        content.addObject().put("type", "text").put("text", text);
        return new Answer(id, model, inputTokens, content, stopReason, stopSequence, tokens);
    }

    /** The tool to call: the named one when tool_choice forces it, else the first when asked about the weather. */
    private static String tool(JsonNode in, String lastUser) {
        JsonNode tools = in.path("tools");
        if (!tools.isArray() || tools.isEmpty()) return null;
        String choice = in.path("tool_choice").path("type").asText("auto");
        if (choice.equals("none")) return null;
        if (choice.equals("tool")) return in.get("tool_choice").get("name").asText();
        if (choice.equals("any") || lastUser.toLowerCase(Locale.ROOT).contains("weather")) return tools.get(0).path("name").asText();
        return null;
    }

    /** The text the user wrote last (tool results are not the user's words). */
    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) continue;
            JsonNode c = m.get("content");
            if (c.isTextual()) return c.asText();
            List<String> texts = new ArrayList<>();
            for (JsonNode b : c) if ("text".equals(b.path("type").asText())) texts.add(b.path("text").asText());
            return String.join(" ", texts);
        }
        return "";
    }

    /** Input tokens by the mock's one counter: the conversation read as OpenAI chat messages, tools as JSON. */
    private int inputTokens(String model, JsonNode in) {
        ArrayNode messages = JSON.createArrayNode();
        JsonNode system = in.get("system");
        if (system != null) {
            messages.addObject().put("role", "system").set("content", system.isTextual() ? system : parts(system));
        }
        for (JsonNode m : in.get("messages")) {
            JsonNode c = m.get("content");
            messages.addObject().put("role", m.get("role").asText()).set("content", c.isTextual() ? c : parts(c));
        }
        return counter.chatPrompt(model, messages, in.get("tools"));
    }

    /** Anthropic blocks as the OpenAI parts the counter reads: text stays text, tool calls and results are their text. */
    private static ArrayNode parts(JsonNode blocks) {
        ArrayNode parts = JSON.createArrayNode();
        for (JsonNode b : blocks) {
            switch (b.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", b.path("text").asText());
                case "tool_use" -> parts.addObject().put("type", "text").put("text", b.path("name").asText() + b.path("input"));
                case "tool_result" -> {
                    JsonNode c = b.path("content");
                    if (c.isTextual()) parts.addObject().put("type", "text").put("text", c.asText());
                    else parts.addAll(parts(c));
                }
                case "image", "document" -> parts.addObject().put("type", "image_url");
                default -> {}
            }
        }
        return parts;
    }

    private static ObjectNode message(Answer a, ArrayNode content, String stopReason, String stopSequence, int outputTokens) {
        ObjectNode m = JSON.createObjectNode().put("id", a.id()).put("type", "message").put("role", "assistant").put("model", a.model());
        m.set("content", content);
        m.put("stop_reason", stopReason).put("stop_sequence", stopSequence);
        m.putObject("usage").put("input_tokens", a.inputTokens()).put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0)
                .put("output_tokens", outputTokens);
        return m;
    }

    // --- the stream

    private record Event(Buffer bytes, boolean delta) {}

    /** Anthropic's event sequence for the answer: one content block, its deltas word by word (or the tool input in two pieces). */
    private void stream(HttpServerResponse resp, Answer a, int cutAfter) {
        List<Event> events = new ArrayList<>();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        start.set("message", message(a, JSON.createArrayNode(), null, null, 1));
        events.add(event(start, false));
        ObjectNode first = (ObjectNode) a.content().get(0).deepCopy();
        if (a.toolUse()) first.putObject("input");
        else first.put("text", "");
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.set("content_block", first);
        events.add(event(blockStart, false));
        events.add(event(JSON.createObjectNode().put("type", "ping"), false));
        if (a.toolUse()) {
            String input = a.content().get(0).get("input").toString();
            int half = input.length() / 2;
            for (String piece : List.of("", input.substring(0, half), input.substring(half))) {
                events.add(delta(JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece)));
            }
        } else {
            String[] words = a.content().get(0).get("text").asText().split(" ", -1);
            for (int i = 0; i < words.length; i++) {
                String piece = (i == 0 ? "" : " ") + words[i];
                if (!piece.isEmpty()) events.add(delta(JSON.createObjectNode().put("type", "text_delta").put("text", piece)));
            }
        }
        events.add(event(JSON.createObjectNode().put("type", "content_block_stop").put("index", 0), false));
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", a.stopReason()).put("stop_sequence", a.stopSequence());
        end.putObject("usage").put("output_tokens", a.outputTokens());
        events.add(event(end, false));
        events.add(event(JSON.createObjectNode().put("type", "message_stop"), false));
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("Cache-Control", "no-cache")
                .putHeader("request-id", "req_mock" + server.nextId());
        send(resp, events, 0, 0, cutAfter);
    }

    private void send(HttpServerResponse resp, List<Event> events, int i, int deltasSent, int cutAfter) {
        if (resp.closed()) return;
        if (i == events.size()) {
            resp.end();
            return;
        }
        Event e = events.get(i);
        if (e.delta() && cutAfter >= 0 && deltasSent == cutAfter) {
            // The provider's connection dies mid-stream; not at once, or the kernel drops what the reader has not taken yet.
            vertx.setTimer(200, t -> resp.reset());
            return;
        }
        resp.write(e.bytes());
        int sent = deltasSent + (e.delta() ? 1 : 0);
        if (chunkDelayMs > 0) vertx.setTimer(chunkDelayMs, t -> send(resp, events, i + 1, sent, cutAfter));
        else send(resp, events, i + 1, sent, cutAfter);
    }

    private static Event delta(ObjectNode delta) {
        ObjectNode e = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        e.set("delta", delta);
        return event(e, true);
    }

    private static Event event(ObjectNode data, boolean delta) {
        return new Event(Buffer.buffer("event: " + data.get("type").asText() + "\ndata: " + data + "\n\n"), delta);
    }

    private void json(HttpServerResponse resp, int status, ObjectNode body) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("request-id", "req_mock" + server.nextId()).end(body.toString());
    }

    /** Anthropic's error shape: {@code {"type":"error","error":{"type","message"},"request_id"}}. */
    void error(HttpServerResponse resp, int status, String type, String message) {
        String requestId = "req_mock" + server.nextId();
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", requestId);
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("request-id", requestId).end(body.toString());
    }
}
