package dev.bastion.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ModelConfig;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.ChatProviders;

/**
 * Fuzzes the Anthropic front door's request translation and its round trip through the Anthropic provider:
 * a Messages request the front door accepts becomes an OpenAI chat request ({@link MessagesRequest#toChat});
 * the provider turns that back into a Messages request, which the front door must accept and read as the same
 * chat request (the model aside, read as {@link #canonical}: the provider merges neighbouring turns of one role, as
 * Anthropic wants turns to alternate, and drops an assistant turn that says nothing). Anything else the front door refuses with its {@code Refused} — never
 * another exception — and the provider never refuses what the front door let in.
 */
class MessagesRoundTripFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatProvider ANTHROPIC = ChatProviders.of(ModelConfig.Provider.ANTHROPIC);

    @FuzzTest(maxDuration = "10s")
    void frontDoorAndProviderRoundTrip(byte[] input) throws Exception {
        if (!(parse(input) instanceof ObjectNode messages)) return;
        ObjectNode chat;
        try {
            chat = MessagesRequest.toChat(messages);
        } catch (MessagesRequest.Refused e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        ObjectNode sent = (ObjectNode) JSON.readTree(ANTHROPIC.request(chat.deepCopy(), "claude-x").getBytes());
        ObjectNode again = MessagesRequest.toChat(sent);
        chat.put("model", "claude-x");
        assertThat(canonical(again)).as("round trip of %s via %s", messages, sent).isEqualTo(canonical(chat));
    }

    /**
     * The conversation as the model reads it. A message is its role, its parts and its tool calls: a string content is
     * one text part, neighbouring text parts are one text (the provider sends a system prompt so), and an empty text is
     * nothing. An assistant turn that says nothing is no turn, and same-role user or assistant neighbours are one turn:
     * Anthropic wants turns to alternate, and the provider merges them by design (its blocks in order, so a text turn
     * and a tool-call turn of the assistant become one turn with both).
     */
    private static ObjectNode canonical(ObjectNode chat) {
        ObjectNode out = chat.deepCopy();
        if (!out.has("messages")) return out;
        ArrayNode merged = JSON.createArrayNode();
        for (JsonNode m : out.path("messages")) {
            ObjectNode c = ((ObjectNode) m).deepCopy();
            ArrayNode parts = JSON.createArrayNode();
            appendParts(parts, c.remove("content"));
            c.set("parts", parts);
            JsonNode calls = c.remove("tool_calls");
            ArrayNode callList = calls != null && calls.isArray() ? (ArrayNode) calls.deepCopy() : JSON.createArrayNode();
            c.set("tool_calls", callList);
            String role = c.path("role").asText();
            if (role.equals("assistant") && parts.isEmpty() && callList.isEmpty()) continue;
            ObjectNode last = merged.isEmpty() ? null : (ObjectNode) merged.get(merged.size() - 1);
            if (last != null && (role.equals("user") || role.equals("assistant")) && last.path("role").asText().equals(role)) {
                appendParts((ArrayNode) last.get("parts"), parts);
                ((ArrayNode) last.get("tool_calls")).addAll(callList);
            } else {
                merged.add(c);
            }
        }
        out.set("messages", merged);
        return out;
    }

    /** Adds a content (a string, or an array of parts) to {@code parts}, text joined with the text before it. */
    private static void appendParts(ArrayNode parts, JsonNode content) {
        if (content == null || content.isNull()) return;
        if (content.isTextual()) {
            appendText(parts, content.asText());
            return;
        }
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) && part.size() == 2 && part.path("text").isTextual()) appendText(parts, part.path("text").asText());
            else parts.add(part.deepCopy());
        }
    }

    private static void appendText(ArrayNode parts, String text) {
        if (text.isEmpty()) return;
        JsonNode last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
        if (last != null && "text".equals(last.path("type").asText()) && last.size() == 2) {
            ((ObjectNode) last).put("text", last.path("text").asText() + text);
        } else {
            parts.addObject().put("type", "text").put("text", text);
        }
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
