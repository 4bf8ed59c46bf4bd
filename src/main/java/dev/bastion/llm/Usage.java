package dev.bastion.llm;

import com.fasterxml.jackson.databind.JsonNode;

/** Token usage as a provider reports it ({@code usage.prompt_tokens} / {@code completion_tokens}; the Responses API's {@code input_tokens} / {@code output_tokens}). */
public record Usage(long promptTokens, long completionTokens) {
    public long total() {
        return promptTokens + completionTokens;
    }

    /** The {@code usage} object of a response or stream chunk; null when absent, null or malformed. */
    public static Usage of(JsonNode response) {
        JsonNode u = response == null ? null : response.get("usage");
        if (u == null || !u.isObject()) return null;
        boolean responses = !u.has("prompt_tokens") && u.has("input_tokens"); // the Responses API's names
        JsonNode p = u.get(responses ? "input_tokens" : "prompt_tokens");
        if (p == null || !p.canConvertToLong() || p.asLong() < 0) return null;
        JsonNode c = u.get(responses ? "output_tokens" : "completion_tokens");
        long completion;
        if (c != null && c.canConvertToLong()) completion = c.asLong();
        else if (u.path("total_tokens").canConvertToLong()) completion = u.get("total_tokens").asLong() - p.asLong(); // embeddings
        else return null;
        return completion < 0 ? null : new Usage(p.asLong(), completion);
    }
}
