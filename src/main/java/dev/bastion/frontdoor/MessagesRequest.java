package dev.bastion.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * An Anthropic Messages request as the OpenAI chat request every control reads (and every deployment
 * translates from). Every field is translated, on the documented list of dropped fields, or refused — a
 * request never silently loses something that changes the answer.
 * <p>
 * <b>Translated.</b> {@code model}; {@code system} (a string or text blocks) → a system message first;
 * {@code messages}: user text, images ({@code base64} → a {@code data:} URL; {@code url} → the URL, for
 * providers that fetch it themselves — Bastion never does), base64 PDF documents → {@code file} parts;
 * assistant text and {@code tool_use} blocks → content and {@code tool_calls}; {@code tool_result} blocks
 * → {@code tool} messages, in place, the user's other blocks after them as a user message; {@code tools}
 * (custom tools) → function tools; {@code tool_choice} auto / any / tool / none → auto / required / the
 * named function / none, {@code disable_parallel_tool_use} → {@code parallel_tool_calls: false};
 * {@code max_tokens} → {@code max_completion_tokens}; {@code temperature}, {@code top_p};
 * {@code stop_sequences} → {@code stop}; {@code stream} (with {@code stream_options.include_usage}, so the
 * stream reports its usage); {@code metadata.user_id} → {@code user}.
 * <p>
 * <b>Dropped</b>, since the answer is the same without them: {@code cache_control} anywhere (a caching hint:
 * no deployment is asked to cache), {@code service_tier}, {@code thinking: {"type":"disabled"}}, the
 * {@code thinking} and {@code redacted_thinking} blocks of earlier assistant turns (the model's earlier
 * reasoning, which only Anthropic's thinking mode reads back), and a tool result's {@code is_error} (the
 * result's text, which says what failed, is kept).
 * <p>
 * <b>Refused</b> (400, naming the field): {@code thinking} enabled, {@code top_k}, server tools (web search,
 * code execution, bash, text editor, computer use…), {@code container}, {@code mcp_servers},
 * {@code context_management}, citations, document sources other than base64 PDF, file ids, images inside
 * tool results, other block types, and any field not named here.
 */
final class MessagesRequest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    /** A request the front door refuses; the message names the field, never its content. */
    static final class Refused extends RuntimeException {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private MessagesRequest() {}

    /** The OpenAI chat request for {@code in}; throws {@link Refused}. */
    static ObjectNode toChat(ObjectNode in) {
        ObjectNode out = F.objectNode();
        ArrayNode messages = F.arrayNode();
        for (var e : in.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) continue; // an explicit null is an absent field
            String field = e.getKey();
            switch (field) {
                case "model" -> {
                    if (!v.isTextual() || v.asText().isEmpty()) throw invalid("'model' must be a non-empty string.");
                    out.set("model", v);
                }
                case "messages", "system", "tools", "tool_choice" -> {} // below, in order
                case "max_tokens" -> {
                    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) throw invalid("'max_tokens' must be a positive integer.");
                    out.put("max_completion_tokens", v.asInt());
                }
                case "temperature" -> {
                    if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) throw invalid("'temperature' must be a number from 0 to 1.");
                    out.set("temperature", v);
                }
                case "top_p" -> {
                    if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) throw invalid("'top_p' must be a number from 0 to 1.");
                    out.set("top_p", v);
                }
                case "stop_sequences" -> {
                    if (!v.isArray()) throw invalid("'stop_sequences' must be an array of strings.");
                    for (JsonNode s : v) if (!s.isTextual()) throw invalid("'stop_sequences' must be an array of strings.");
                    if (!v.isEmpty()) out.set("stop", v);
                }
                case "stream" -> {
                    if (!v.isBoolean()) throw invalid("'stream' must be true or false.");
                    out.put("stream", v.asBoolean());
                    // The answer's usage (message_delta) comes from the stream's usage chunk: always asked for.
                    if (v.asBoolean()) out.putObject("stream_options").put("include_usage", true);
                }
                case "metadata" -> {
                    if (!v.isObject()) throw invalid("'metadata' must be an object.");
                    for (var m : v.properties()) {
                        if (m.getValue().isNull()) continue;
                        if (!m.getKey().equals("user_id")) throw unsupported("'metadata." + shown(m.getKey()) + "'");
                        if (!m.getValue().isTextual()) throw invalid("'metadata.user_id' must be a string.");
                        out.set("user", m.getValue());
                    }
                }
                case "thinking" -> {
                    if (!"disabled".equals(v.path("type").asText())) {
                        throw unsupported("'thinking' (extended thinking)", "the OpenAI chat format Bastion's controls read has no thinking blocks");
                    }
                }
                case "cache_control", "service_tier" -> {} // dropped: the answer is the same
                case "top_k" -> throw unsupported("'top_k'", "OpenAI's chat format has no top_k");
                default -> throw unsupported("'" + shown(field) + "'");
            }
        }
        if (!out.has("model")) throw invalid("'model' is required.");
        if (!out.has("max_completion_tokens")) throw invalid("'max_tokens' is required.");
        system(in.get("system"), messages);
        JsonNode list = in.get("messages");
        if (list == null || !list.isArray() || list.isEmpty()) throw invalid("'messages' must be a non-empty array.");
        for (int i = 0; i < list.size(); i++) message(list.get(i), "messages[" + i + "]", messages);
        if (!saysSomething(messages)) throw invalid("'messages' must have a turn with content.");
        out.set("messages", messages);
        tools(in.get("tools"), in.get("tool_choice"), out);
        return out;
    }

    /**
     * Whether a turn besides the system prompt has content: a turn that said nothing (thinking only, or only
     * empty text blocks) is no turn, and the provider drops it — a conversation of such turns alone has none.
     */
    private static boolean saysSomething(ArrayNode messages) {
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("system")) continue;
            if (role.equals("tool") || m.has("tool_calls") || hasContent(m.path("content"))) return true;
        }
        return false;
    }

    private static boolean hasContent(JsonNode content) {
        if (content.isTextual()) return !content.asText().isEmpty();
        for (JsonNode part : content) if (!part.path("type").asText().equals("text") || !part.path("text").asText("").isEmpty()) return true;
        return false;
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) return;
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) messages.addObject().put("role", "system").put("content", system.asText());
            return;
        }
        if (!system.isArray()) throw invalid("'system' must be a string or an array of text blocks.");
        ArrayNode parts = F.arrayNode();
        for (int i = 0; i < system.size(); i++) {
            JsonNode b = system.get(i);
            String at = "system[" + i + "]";
            if (!"text".equals(b.path("type").asText())) throw invalid("'" + at + "' must be a text block.");
            ObjectNode part = text(b, at);
            if (!part.get("text").asText().isEmpty()) parts.add(part); // as an empty string system prompt: none (a fuzz finding)
        }
        if (!parts.isEmpty()) messages.addObject().put("role", "system").set("content", parts);
    }

    private static void message(JsonNode m, String at, ArrayNode out) {
        if (!m.isObject()) throw invalid("'" + at + "' must be an object.");
        for (var e : m.properties()) {
            if (!e.getValue().isNull() && !e.getKey().equals("role") && !e.getKey().equals("content")) throw unsupported("'" + at + "." + shown(e.getKey()) + "'");
        }
        String role = m.path("role").asText("");
        JsonNode content = m.get("content");
        if (!role.equals("user") && !role.equals("assistant")) throw invalid("'" + at + ".role' must be user or assistant.");
        if (content != null && content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (content == null || !content.isArray()) throw invalid("'" + at + ".content' must be a string or an array of content blocks.");
        // Anthropic refuses an empty user turn; read as nothing, it would leave a conversation with no user turn at all.
        if (role.equals("user") && content.isEmpty()) throw invalid("'" + at + ".content' must not be empty.");
        if (role.equals("user")) user(content, at, out);
        else assistant(content, at, out);
    }

    /** A user turn: its blocks in order, each run of tool results as tool messages, the rest as user messages. */
    private static void user(JsonNode content, String at, ArrayNode out) {
        ArrayNode parts = null;
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String where = at + ".content[" + i + "]";
            String type = b.path("type").asText("");
            if (type.equals("tool_result")) {
                if (parts != null) out.addObject().put("role", "user").set("content", parts);
                parts = null;
                out.add(toolResult(b, where));
                continue;
            }
            if (parts == null) parts = F.arrayNode();
            switch (type) {
                case "text" -> parts.add(text(b, where));
                case "image" -> parts.add(image(b, where));
                case "document" -> parts.add(document(b, where));
                default -> throw unsupported("'" + where + "' of type '" + shown(type) + "'");
            }
        }
        if (parts != null) out.addObject().put("role", "user").set("content", parts);
    }

    private static void assistant(JsonNode content, String at, ArrayNode out) {
        ArrayNode parts = F.arrayNode();
        ArrayNode calls = F.arrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String where = at + ".content[" + i + "]";
            String type = b.path("type").asText("");
            switch (type) {
                case "text" -> parts.add(text(b, where));
                case "tool_use" -> {
                    keys(b, where, "type", "id", "name", "input", "cache_control");
                    if (!b.path("id").isTextual() || !b.path("name").isTextual()) throw invalid("'" + where + "' must have an 'id' and a 'name'.");
                    JsonNode input = b.get("input");
                    if (input == null || !input.isObject()) throw invalid("'" + where + ".input' must be an object.");
                    ObjectNode call = calls.addObject().put("id", b.get("id").asText()).put("type", "function");
                    call.putObject("function").put("name", b.get("name").asText()).put("arguments", input.toString());
                }
                case "thinking", "redacted_thinking" -> {} // earlier reasoning: dropped (documented)
                default -> throw unsupported("'" + where + "' of type '" + shown(type) + "'");
            }
        }
        ObjectNode m = out.addObject().put("role", "assistant");
        if (parts.isEmpty()) {
            if (calls.isEmpty()) m.put("content", "");
            else m.putNull("content");
        } else if (parts.size() == 1) {
            m.put("content", parts.get(0).get("text").asText());
        } else {
            m.set("content", parts);
        }
        if (!calls.isEmpty()) m.set("tool_calls", calls);
    }

    private static ObjectNode text(JsonNode b, String at) {
        keys(b, at, "type", "text", "cache_control", "citations");
        JsonNode citations = b.get("citations");
        if (citations != null && !citations.isNull() && !(citations.isArray() && citations.isEmpty())) throw unsupported("'" + at + ".citations'");
        if (!b.path("text").isTextual()) throw invalid("'" + at + ".text' must be a string.");
        return F.objectNode().put("type", "text").put("text", b.get("text").asText());
    }

    private static ObjectNode image(JsonNode b, String at) {
        keys(b, at, "type", "source", "cache_control");
        JsonNode source = b.path("source");
        String url = switch (source.path("type").asText("")) {
            case "base64" -> {
                keys(source, at + ".source", "type", "media_type", "data");
                String media = source.path("media_type").asText("");
                if (!IMAGE_TYPES.contains(media)) throw invalid("'" + at + ".source.media_type' must be image/jpeg, image/png, image/gif or image/webp.");
                if (!source.path("data").isTextual()) throw invalid("'" + at + ".source.data' must be a base64 string.");
                yield "data:" + media + ";base64," + source.get("data").asText();
            }
            case "url" -> {
                keys(source, at + ".source", "type", "url");
                String u = source.path("url").asText("");
                // Passed on for providers that fetch images themselves; the others refuse it. Bastion never fetches.
                if (!u.regionMatches(true, 0, "https://", 0, 8) && !u.regionMatches(true, 0, "http://", 0, 7)) {
                    throw invalid("'" + at + ".source.url' must be an http(s) URL.");
                }
                yield u;
            }
            case "file" -> throw unsupported("'" + at + ".source' of type 'file' (Anthropic's Files API)");
            default -> throw invalid("'" + at + ".source.type' must be base64 or url.");
        };
        ObjectNode part = F.objectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static ObjectNode document(JsonNode b, String at) {
        keys(b, at, "type", "source", "title", "cache_control");
        JsonNode source = b.path("source");
        if (!"base64".equals(source.path("type").asText()) || !"application/pdf".equals(source.path("media_type").asText())) {
            throw unsupported("'" + at + "' other than a base64 PDF");
        }
        keys(source, at + ".source", "type", "media_type", "data");
        if (!source.path("data").isTextual()) throw invalid("'" + at + ".source.data' must be a base64 string.");
        ObjectNode part = F.objectNode().put("type", "file");
        ObjectNode file = part.putObject("file").put("file_data", "data:application/pdf;base64," + source.get("data").asText());
        if (b.path("title").isTextual()) file.put("filename", b.get("title").asText());
        return part;
    }

    private static ObjectNode toolResult(JsonNode b, String at) {
        keys(b, at, "type", "tool_use_id", "content", "is_error", "cache_control");
        if (!b.path("tool_use_id").isTextual()) throw invalid("'" + at + ".tool_use_id' must be a string.");
        ObjectNode m = F.objectNode().put("role", "tool").put("tool_call_id", b.get("tool_use_id").asText());
        JsonNode content = b.get("content");
        if (content == null || content.isNull()) {
            m.put("content", "");
        } else if (content.isTextual()) {
            m.put("content", content.asText());
        } else if (content.isArray()) {
            ArrayNode parts = m.putArray("content");
            for (int i = 0; i < content.size(); i++) {
                JsonNode c = content.get(i);
                String where = at + ".content[" + i + "]";
                // OpenAI's tool messages carry text only.
                if (!"text".equals(c.path("type").asText())) throw unsupported("'" + where + "' of type '" + shown(c.path("type").asText()) + "' in a tool result");
                parts.add(text(c, where));
            }
        } else {
            throw invalid("'" + at + ".content' must be a string or an array of text blocks.");
        }
        return m;
    }

    private static void tools(JsonNode tools, JsonNode choice, ObjectNode out) {
        boolean any = false;
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) throw invalid("'tools' must be an array.");
            ArrayNode list = F.arrayNode();
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String at = "tools[" + i + "]";
                String type = t.path("type").asText("custom");
                if (!type.equals("custom")) throw unsupported("'" + at + "' of type '" + shown(type) + "' (a server tool)");
                keys(t, at, "type", "name", "description", "input_schema", "cache_control");
                if (!t.path("name").isTextual()) throw invalid("'" + at + ".name' must be a string.");
                if (!t.path("input_schema").isObject()) throw invalid("'" + at + ".input_schema' must be a JSON schema object.");
                ObjectNode f = list.addObject().put("type", "function").putObject("function").put("name", t.get("name").asText());
                if (t.path("description").isTextual()) f.put("description", t.get("description").asText());
                f.set("parameters", t.get("input_schema"));
            }
            if (!list.isEmpty()) {
                out.set("tools", list);
                any = true;
            }
        }
        if (choice == null || choice.isNull()) return;
        if (!choice.isObject()) throw invalid("'tool_choice' must be an object.");
        keys(choice, "tool_choice", "type", "name", "disable_parallel_tool_use");
        String type = choice.path("type").asText("");
        if (!any && (type.equals("auto") || type.equals("none"))) return; // says nothing without tools (and OpenAI refuses it there)
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "none" -> out.put("tool_choice", "none");
            case "any" -> out.put("tool_choice", "required");
            case "tool" -> {
                if (!choice.path("name").isTextual()) throw invalid("'tool_choice.name' must be a string.");
                out.putObject("tool_choice").put("type", "function").putObject("function").put("name", choice.get("name").asText());
            }
            default -> throw invalid("'tool_choice.type' must be auto, any, tool or none.");
        }
        if (!any) throw invalid("'tool_choice' asks for a tool but 'tools' is empty.");
        if (any && !type.equals("none") && choice.path("disable_parallel_tool_use").asBoolean(false)) out.put("parallel_tool_calls", false);
    }

    private static void keys(JsonNode node, String at, String... allowed) {
        outer:
        for (var e : node.properties()) {
            if (e.getValue().isNull()) continue;
            for (String k : allowed) if (k.equals(e.getKey())) continue outer;
            throw unsupported("'" + at + "." + shown(e.getKey()) + "'");
        }
    }

    private static Refused invalid(String message) {
        return new Refused("invalid_llm_request", message);
    }

    private static Refused unsupported(String what) {
        return new Refused("unsupported_by_front_door", what + " is not supported by Bastion's Messages API.");
    }

    private static Refused unsupported(String what, String why) {
        return new Refused("unsupported_by_front_door", what + " is not supported by Bastion's Messages API: " + why + ".");
    }

    /** A name the client sent, as an error may quote it: only when it looks like a name, never content. */
    static String shown(String name) {
        return name != null && name.length() <= 48 && name.matches("[A-Za-z0-9_.+/-]+") ? name : "(not shown)";
    }
}
