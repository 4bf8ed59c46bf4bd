package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.shown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reading an OpenAI chat request the same way for every translation: its options, text content, data URLs,
 * an assistant turn's text, the tools, and the keys a part may carry.
 */
final class OpenAiParts {
    private OpenAiParts() {}

    /** Text content: a string, or an array of text parts (joined, as OpenAI reads them). {@code api} names the target in refusals. */
    static String text(JsonNode content, String at, String api) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw new UntranslatableRequest("'" + at + ".content' must be a string or an array of parts.");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw new UntranslatableRequest("'" + at + ".content[" + i + "]' must be a text part here.");
            }
            onlyKeys(part, at + ".content[" + i + "]", api, "type", "text");
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    /** Refuses a (non-null) key the target has no place for; the key is quoted only when it looks like a name. */
    static void onlyKeys(JsonNode node, String at, String api, String... keys) {
        outer:
        for (var e : node.properties()) {
            if (e.getValue().isNull()) continue;
            for (String k : keys) if (k.equals(e.getKey())) continue outer;
            throw new UntranslatableRequest("'" + at + "." + shown(e.getKey()) + "' has no equivalent in " + api + ".");
        }
    }

    /** The field's value, or null when it is absent or JSON null (OpenAI's SDKs send nulls for unset options). */
    static JsonNode present(ObjectNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** {@code max_completion_tokens}, else {@code max_tokens}; null when neither is given. */
    static Integer maxTokens(ObjectNode in) {
        String name = "max_completion_tokens";
        JsonNode v = present(in, name);
        if (v == null) {
            name = "max_tokens";
            v = present(in, name);
        }
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) throw new UntranslatableRequest("'" + name + "' must be a positive integer.");
        return v.asInt();
    }

    /** {@code stop} as a list of strings (a single string is a list of one); null when absent. */
    static ArrayNode stopSequences(JsonNode stop) {
        if (stop == null) return null;
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (stop.isTextual()) return out.add(stop.asText());
        if (!stop.isArray()) throw new UntranslatableRequest("'stop' must be a string or an array of strings.");
        for (JsonNode s : stop) {
            if (!s.isTextual()) throw new UntranslatableRequest("'stop' must be a string or an array of strings.");
            out.add(s.asText());
        }
        return out;
    }

    /** A base64 {@code data:} URL's media type (lower case) and data; anything else is refused. */
    static String[] dataUrl(String url, String at) {
        int comma = url.indexOf(',');
        String header = comma < 0 || !url.regionMatches(true, 0, "data:", 0, 5) ? "" : url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) throw new UntranslatableRequest("'" + at + "' must be a base64 data: URL.");
        return new String[] {header.substring(0, header.length() - 7), url.substring(comma + 1)};
    }

    /**
     * An assistant turn's text, in order: its content (a string, or text and refusal parts) and its
     * {@code refusal}; empty texts are skipped (providers refuse blank blocks, and clients send "" beside tool calls).
     */
    static void assistantTexts(JsonNode m, String at, String api, Consumer<String> text) {
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) text.accept(content.asText());
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String where = at + ".content[" + i + "]";
                String type = part.path("type").asText("");
                String field = type.equals("text") ? "text" : type.equals("refusal") ? "refusal" : null;
                if (field == null) throw new UntranslatableRequest("'" + where + "' of type '" + shown(type) + "' has no equivalent in an assistant message.");
                onlyKeys(part, where, api, "type", field);
                String t = part.path(field).asText("");
                if (!t.isEmpty()) text.accept(t);
            }
        } else if (content != null && !content.isNull()) {
            throw new UntranslatableRequest("'" + at + ".content' must be a string or an array of parts.");
        }
        JsonNode refusal = m.get("refusal");
        if (refusal != null && refusal.isTextual() && !refusal.asText().isEmpty()) text.accept(refusal.asText());
    }

    /**
     * The request's tools, or null when it has none (absent or empty) — then a {@code tool_choice} other than
     * none/auto names what is not there and is refused.
     */
    static JsonNode tools(ObjectNode in) {
        JsonNode tools = present(in, "tools");
        JsonNode choice = present(in, "tool_choice");
        if (tools != null) {
            if (!tools.isArray()) throw new UntranslatableRequest("'tools' must be an array.");
            if (tools.isEmpty()) tools = null;
        }
        if (tools == null && choice != null && !(choice.isTextual() && (choice.asText().equals("none") || choice.asText().equals("auto")))) {
            throw new UntranslatableRequest("'tool_choice' asks for a tool but 'tools' is empty.");
        }
        return tools;
    }
}
