package dev.bastion.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ModelConfig;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.ChatProviders;

/**
 * Fuzzes the Anthropic front door's request translation and its round trip through the Anthropic provider:
 * a Messages request the front door accepts becomes an OpenAI chat request ({@link MessagesRequest#toChat});
 * the provider turns that back into a Messages request, which the front door must accept and read as the same
 * chat request (the model aside; a content of text parts reads as their joined text, and consecutive text turns of one role
 * as one: the provider merges them, as Anthropic wants turns to alternate). Anything else the front door refuses with its {@code Refused} — never
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
        assertThat(textsJoined(again)).as("round trip of %s via %s", messages, sent).isEqualTo(textsJoined(chat));
    }

    /** A content of text parts only is the same content as their text joined (the provider sends a system prompt so). */
    private static ObjectNode textsJoined(ObjectNode chat) {
        ObjectNode out = chat.deepCopy();
        for (JsonNode m : out.path("messages")) {
            JsonNode content = m.get("content");
            if (content == null || !content.isArray() || content.isEmpty()) continue;
            StringBuilder text = new StringBuilder();
            boolean onlyText = true;
            for (JsonNode part : content) {
                onlyText &= "text".equals(part.path("type").asText()) && part.size() == 2 && part.path("text").isTextual();
                text.append(part.path("text").asText());
            }
            if (onlyText) ((ObjectNode) m).put("content", text.toString());
        }
        // Anthropic wants turns to alternate: the provider merges consecutive text turns of one role, by design.
        com.fasterxml.jackson.databind.node.ArrayNode merged = JSON.createArrayNode();
        for (JsonNode m : out.path("messages")) {
            JsonNode last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.path("role").equals(m.path("role")) && m.path("content").isTextual() && last.path("content").isTextual()
                    && m.size() == 2 && last.size() == 2) {
                ((ObjectNode) last).put("content", last.path("content").asText() + m.path("content").asText());
            } else {
                merged.add(m);
            }
        }
        if (out.has("messages")) out.set("messages", merged);
        return out;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
