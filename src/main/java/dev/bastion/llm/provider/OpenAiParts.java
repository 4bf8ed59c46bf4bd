package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.shown;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;

/** Reading an OpenAI chat request the same way for every translation: text content, and the keys a part may carry. */
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
}
