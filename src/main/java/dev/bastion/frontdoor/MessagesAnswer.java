package dev.bastion.frontdoor;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole OpenAI chat completion (the normalised answer, after the response filters) as an Anthropic
 * message, and an OpenAI error body as Anthropic's error. The first choice is the answer (a Messages
 * request cannot ask for more). Text → a text block, each tool call → a {@code tool_use} block (its
 * arguments parsed: Anthropic carries tool input as an object), {@code finish_reason} → {@code stop_reason},
 * usage → Anthropic's, where input tokens do not include cache reads: {@code input_tokens} =
 * {@code prompt_tokens} − {@code cached_tokens}, {@code cache_read_input_tokens} = {@code cached_tokens}.
 */
final class MessagesAnswer {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer that cannot be read as a chat completion (or whose tool call has unreadable arguments). */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private MessagesAnswer() {}

    static ObjectNode message(JsonNode chat) {
        JsonNode choice = chat == null ? null : chat.path("choices").path(0);
        if (choice == null || !choice.isObject() || !choice.path("message").isObject()) throw new Unreadable("not a chat completion");
        JsonNode m = choice.get("message");
        ObjectNode out = JSON.createObjectNode()
                .put("id", messageId(chat.path("id").asText("")))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", chat.path("model").asText(""));
        ArrayNode content = out.putArray("content");
        String text = m.path("content").isTextual() ? m.get("content").asText() : textParts(m.get("content"));
        if (text.isEmpty() && m.path("refusal").isTextual()) text = m.get("refusal").asText(); // what the model said when it refused
        if (!text.isEmpty()) content.addObject().put("type", "text").put("text", text);
        for (JsonNode call : m.path("tool_calls")) {
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.path("id").asText(""))
                    .put("name", call.path("function").path("name").asText(""));
            block.set("input", input(call.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        out.set("usage", usage(chat.path("usage")));
        return out;
    }

    /** An OpenAI-shaped error (a provider's, translated; or an OpenAI-format provider's own) in Anthropic's shape. */
    static ObjectNode error(int status, JsonNode body, String requestId) {
        JsonNode e = body == null ? null : body.get("error");
        String message = e != null && e.path("message").isTextual() ? e.get("message").asText()
                : "The upstream answered with status " + status + " and no error it could explain.";
        String providerType = e == null ? null : e.path("type").asText(null);
        String type = providerType != null && AnthropicErrors.TYPES.contains(providerType) ? providerType : AnthropicErrors.type(status);
        String code = e == null ? null : e.path("code").isTextual() ? e.get("code").asText() : providerType;
        return AnthropicErrors.error(type, message, code, requestId);
    }

    /** OpenAI's {@code finish_reason} as Anthropic's {@code stop_reason}. */
    static String stopReason(String finish) {
        if (finish == null) return "end_turn";
        return switch (finish) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn"; // stop: OpenAI's format does not say whether a stop sequence ended it
        };
    }

    /** Anthropic's usage from OpenAI's: cache reads are counted apart from the input. */
    static ObjectNode usage(JsonNode u) {
        long prompt = u.path("prompt_tokens").asLong(0);
        long cached = Math.min(prompt, u.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        return JSON.createObjectNode().put("input_tokens", prompt - cached).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", cached).put("output_tokens", u.path("completion_tokens").asLong(0));
    }

    /** Anthropic's message id when the answer came from Anthropic ({@code chatcmpl-msg_…}), else the answer's own. */
    static String messageId(String chatId) {
        return chatId.startsWith("chatcmpl-msg_") ? chatId.substring("chatcmpl-".length()) : chatId;
    }

    private static String textParts(JsonNode content) {
        if (content == null || !content.isArray()) return "";
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : content) if (p.path("text").isTextual()) sb.append(p.get("text").asText());
        return sb.toString();
    }

    private static JsonNode input(String arguments) {
        if (arguments.isBlank()) return JSON.createObjectNode();
        try {
            JsonNode input = JSON.readTree(arguments);
            if (input != null && input.isObject()) return input;
        } catch (JacksonException e) {
            // below
        }
        throw new Unreadable("a tool call's arguments are not a JSON object");
    }
}
