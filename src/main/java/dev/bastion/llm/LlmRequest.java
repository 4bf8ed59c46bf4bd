package dev.bastion.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.RouteConfig.LlmApi;
import io.vertx.core.buffer.Buffer;

/**
 * An OpenAI-compatible request as the budget sees it: which model, how many prompt tokens, how many
 * completion tokens it may produce at most, and whether it streams. Read from the exchange's one parse of
 * the body, which the other controls share.
 *
 * @param promptTokens      counted with the model's encoding ({@link TokenCounter})
 * @param maxTokens         {@code max_completion_tokens} / {@code max_tokens} when given (the larger of the two when both are), a
 *                          response's {@code max_output_tokens}; else null
 * @param choices           completions generated at once ({@code n}, or {@code best_of} for completions)
 * @param stream            whether the response is an SSE stream
 * @param clientWantsUsage  the client itself asked for {@code stream_options.include_usage}
 * @param json              the parsed body
 * @param detailedImages    image parts of a chat request not marked {@code detail: low}: counted at the low-detail
 *                          price in {@code promptTokens}, they may cost many times that ({@link TokenCounter#PER_IMAGE})
 */
public record LlmRequest(LlmApi api, String model, int promptTokens, Integer maxTokens, int choices, boolean stream,
                         boolean clientWantsUsage, ObjectNode json, int detailedImages) {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_CHOICES = 128;
    static final long MAX_TOKENS_CAP = 10_000_000;

    /** A body Bastion cannot account for: answered 400, naming the field. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public static LlmRequest parse(LlmApi api, Buffer body, TokenCounter counter) throws Invalid {
        if (body == null || body.length() == 0) throw new Invalid("The request body is empty; a JSON object is expected.");
        JsonNode root;
        try {
            root = MAPPER.readTree(body.getBytes());
        } catch (java.io.IOException e) { // JacksonException included
            throw new Invalid("The request body is not valid JSON.");
        }
        return parse(api, root, counter);
    }

    /** @param root the body already parsed (the exchange's shared tree); null when it was not JSON */
    public static LlmRequest parse(LlmApi api, JsonNode root, TokenCounter counter) throws Invalid {
        if (root == null) throw new Invalid("The request body is not valid JSON.");
        if (!root.isObject()) throw new Invalid("The request body must be a JSON object.");
        ObjectNode json = (ObjectNode) root;
        JsonNode modelNode = json.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank() || modelNode.asText().length() > 256) {
            throw new Invalid("'model' must be a non-empty string.");
        }
        String model = modelNode.asText();
        boolean stream = bool(json, "stream");
        JsonNode options = json.get("stream_options");
        boolean wantsUsage = options != null && options.isObject() && options.path("include_usage").asBoolean(false);
        int choices = (int) integer(json, "n", 1, MAX_CHOICES, 1);
        Integer maxTokens = null;
        int prompt;
        int detailedImages = 0;
        switch (api.normalised()) { // a front door's body is the normalised one by now
            case CHAT -> {
                JsonNode messages = json.get("messages");
                if (messages == null || !messages.isArray()) throw new Invalid("'messages' must be an array.");
                prompt = counter.chatPrompt(model, messages, json.has("tools") ? json.get("tools") : json.get("functions"));
                detailedImages = detailedImages(messages);
                // Both named: the larger counts. Providers disagree on which one wins (OpenAI and vLLM read
                // max_completion_tokens, llama.cpp-style servers only max_tokens), so anything less would
                // let "max_completion_tokens: 1, max_tokens: 100000" reserve one token and spend the rest.
                long max = Math.max(integer(json, "max_completion_tokens", 1, MAX_TOKENS_CAP, -1), integer(json, "max_tokens", 1, MAX_TOKENS_CAP, -1));
                maxTokens = max < 0 ? null : (int) max;
            }
            case COMPLETIONS -> {
                if (!json.has("prompt")) throw new Invalid("'prompt' is required.");
                prompt = counter.prompt(model, json.get("prompt"));
                long max = integer(json, "max_tokens", 1, MAX_TOKENS_CAP, -1);
                maxTokens = max < 0 ? null : (int) max;
                choices = Math.max(choices, (int) integer(json, "best_of", 1, MAX_CHOICES, 1)); // best_of candidates are all billed
            }
            case EMBEDDINGS -> {
                if (!json.has("input")) throw new Invalid("'input' is required.");
                prompt = counter.prompt(model, json.get("input"));
                maxTokens = 0;
                stream = false;
            }
            case RESPONSES -> {
                JsonNode input = json.get("input");
                if (input == null || !(input.isTextual() || input.isArray())) throw new Invalid("'input' must be a string or an array of items.");
                prompt = counter.responsesPrompt(model, json);
                if (input.isArray()) detailedImages = detailedImages(input); // message items hold content parts as chat messages do
                long max = integer(json, "max_output_tokens", 1, MAX_TOKENS_CAP, -1);
                maxTokens = max < 0 ? null : (int) max;
                choices = 1; // one response a request: the API has no n
                wantsUsage = true; // every stream ends with response.completed, which carries the usage
            }
            default -> throw new IllegalStateException(api.toString());
        }
        return new LlmRequest(api, model, prompt, maxTokens, choices, stream, wantsUsage, json, detailedImages);
    }

    /** Image parts whose {@code detail} is not {@code low} ({@code high}, {@code auto} or absent: the provider may pick high). */
    private static int detailedImages(JsonNode messages) {
        int n = 0;
        for (JsonNode m : messages) {
            for (JsonNode part : m.path("content")) {
                String type = part.path("type").asText("");
                JsonNode detail = type.equals("image_url") ? part.path("image_url").path("detail") : part.path("detail");
                if ((type.equals("image_url") || type.equals("input_image")) && !"low".equals(detail.asText(""))) n++;
            }
        }
        return n;
    }

    /**
     * Holds the completion to {@code cap} tokens a choice in a body that named no limit of its own: every
     * limit field present is lowered to the cap (a guard policy's cap may have been added, larger), and
     * with none present the API's field is added — {@code max_completion_tokens} for chat (the o-series
     * refuse {@code max_tokens}), {@code max_tokens} for completions. A provider translation reads either.
     */
    public static void capCompletion(ObjectNode body, LlmApi api, int cap) {
        boolean named = false;
        for (String field : api.normalised() == LlmApi.RESPONSES ? new String[] {"max_output_tokens"} : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) continue;
            named = true;
            if (!v.canConvertToLong() || v.asLong() > cap) body.put(field, cap);
        }
        if (!named) body.put(limitField(api), cap);
    }

    /** The field that limits the answer's tokens in {@code api}'s requests. */
    public static String limitField(LlmApi api) {
        return switch (api.normalised()) {
            case CHAT -> "max_completion_tokens"; // the o-series refuse max_tokens
            case RESPONSES -> "max_output_tokens";
            default -> "max_tokens";
        };
    }

    /** Whether the provider must be asked to report the stream's usage (the client did not ask already). */
    public boolean needsUsageReport() {
        return stream && !clientWantsUsage;
    }

    /** Adds {@code stream_options.include_usage: true}, keeping the client's other stream options. */
    public static void includeUsage(ObjectNode body) {
        JsonNode options = body.get("stream_options");
        ObjectNode o = options != null && options.isObject() ? (ObjectNode) options : body.putObject("stream_options");
        o.put("include_usage", true);
    }

    private static boolean bool(ObjectNode json, String field) throws Invalid {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw new Invalid("'" + field + "' must be true or false.");
        return n.asBoolean();
    }

    private static long integer(ObjectNode json, String field, long min, long max, long absent) throws Invalid {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) return absent;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new Invalid("'" + field + "' must be an integer from " + min + " to " + max + ".");
        }
        return n.asLong();
    }
}
