package dev.bastion.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Verdict;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.llm.PromptText;
import dev.bastion.llm.TokenCounter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a request may ask of the model (G5): which model, which tools, how many completion tokens, how
 * much input. Checked before any detector runs; the only change it makes is giving a request that
 * names no completion limit the policy's cap, so the cap always holds.
 */
final class RequestCaps {
    private RequestCaps() {}

    /**
     * A refusal, or null when the request is within the policy.
     *
     * @param promptTokens the prompt's tokens when already counted (by the budget), else null
     */
    static Verdict.Deny check(GuardPolicy p, LlmApi api, ObjectNode body, List<PromptText.Segment> text, TokenCounter counter, Integer promptTokens) {
        String model = body.path("model").asText(null);
        if (p.models() != null && (model == null || !p.models().contains(model))) {
            // The caller's own text is never quoted back in an error; the allowed list is configuration.
            return new Verdict.Deny(403, "model_not_allowed", "This route does not allow " + (model == null ? "requests without a model" : "the requested model")
                    + "; allowed: " + allowed(p.models()) + ".");
        }
        if (p.tools() != null && !p.tools().containsAll(toolNames(body))) {
            return new Verdict.Deny(403, "tool_not_allowed", "This route does not allow a requested tool; allowed: " + allowed(p.tools()) + ".");
        }
        if (p.maxTokens() != null && api != LlmApi.EMBEDDINGS) {
            for (String field : api == LlmApi.RESPONSES ? List.of("max_output_tokens") : List.of("max_completion_tokens", "max_tokens")) {
                JsonNode asked = body.get(field);
                if (asked != null && !asked.isNull() && (!asked.canConvertToLong() || asked.asLong() > p.maxTokens())) {
                    return new Verdict.Deny(400, "max_tokens_too_large", field + " may be at most " + p.maxTokens() + " on this route.");
                }
            }
        }
        if (p.maxInputChars() != null) {
            long chars = 0;
            for (PromptText.Segment s : text) if (s.part() != PromptText.Part.FIELD) chars += s.text().length(); // model-bound text only
            if (chars > p.maxInputChars()) return new Verdict.Deny(400, "input_too_long", "The input is " + chars + " characters; this route accepts at most " + p.maxInputChars() + ".");
        }
        if (p.maxInputTokens() != null) {
            int tokens = promptTokens != null ? promptTokens : switch (api) {
                case CHAT, MESSAGES -> counter.chatPrompt(model, body.get("messages"), body.has("tools") ? body.get("tools") : body.get("functions"));
                case COMPLETIONS -> counter.prompt(model, body.get("prompt"));
                case EMBEDDINGS -> counter.prompt(model, body.get("input"));
                case RESPONSES -> counter.responsesPrompt(model, body);
            };
            if (tokens > p.maxInputTokens()) return new Verdict.Deny(400, "input_too_long", "The input is " + tokens + " tokens; this route accepts at most " + p.maxInputTokens() + ".");
        }
        return null;
    }

    /** Gives a request that names no completion limit the policy's cap; true when the body changed. */
    static boolean capCompletion(GuardPolicy p, LlmApi api, ObjectNode body) {
        if (p.maxTokens() == null || api == LlmApi.EMBEDDINGS) return false;
        boolean named = api == LlmApi.RESPONSES ? body.hasNonNull("max_output_tokens") : body.hasNonNull("max_completion_tokens") || body.hasNonNull("max_tokens");
        if (named) return false;
        body.put(dev.bastion.llm.LlmRequest.limitField(api), p.maxTokens());
        return true;
    }

    /**
     * The tools a request defines or forces, by name: a function or a custom tool by its own name; any other kind
     * the provider runs itself (web search, code interpreter, file search, a remote MCP server, computer use…) by
     * its type, and chat's {@code web_search_options} as {@code web_search}; so a policy allows those by listing
     * the type. A definition without a readable name is named "" and matches no policy: an allow-list lets
     * through what it lists, and nothing it cannot read.
     */
    static Set<String> toolNames(JsonNode body) {
        Set<String> names = new TreeSet<>();
        for (JsonNode t : body.path("tools")) names.add(toolName(t));
        for (JsonNode f : body.path("functions")) names.add(f.path("name").asText(""));
        JsonNode choice = body.path("tool_choice");
        if (choice.isObject()) {
            JsonNode allowed = choice.path("allowed_tools");
            if (allowed.isObject()) for (JsonNode t : allowed.path("tools")) names.add(toolName(t));
            else if ("allowed_tools".equals(choice.path("type").asText())) for (JsonNode t : choice.path("tools")) names.add(toolName(t)); // Responses: flat
            else names.add(toolName(choice));
        }
        JsonNode call = body.path("function_call").path("name");
        if (call.isTextual()) names.add(call.asText());
        if (body.has("web_search_options")) names.add("web_search");
        return names;
    }

    /**
     * A tool's name: chat nests a function's or custom tool's name ({@code {"type":"function","function":{"name":…}}}),
     * the Responses API does not ({@code {"type":"function","name":…}}); a definition carrying both spellings with
     * different names has no readable name. A tool the provider runs by itself is named by its type.
     */
    private static String toolName(JsonNode tool) {
        String type = tool.path("type").asText("");
        return switch (type) {
            case "function", "" -> named(tool, "function"); // "": the shape before types
            case "custom" -> named(tool, "custom");
            default -> type;
        };
    }

    private static String named(JsonNode tool, String nest) {
        JsonNode nested = tool.path(nest).path("name"), flat = tool.path("name");
        if (nested.isTextual() && flat.isTextual()) return nested.asText().equals(flat.asText()) ? flat.asText() : "";
        return nested.isTextual() ? nested.asText() : flat.asText("");
    }

    private static String allowed(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
