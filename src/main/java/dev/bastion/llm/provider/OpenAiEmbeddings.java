package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's embeddings format as the translations read and write it: the request's inputs, {@code dimensions}
 * and {@code encoding_format}, and the answer's list of vectors — as floats, or as OpenAI sends them when
 * asked for {@code base64}: the float32 values, little-endian, base64-encoded (the official SDKs ask for it
 * by default and decode it).
 */
final class OpenAiEmbeddings {
    /** The fields of OpenAI's request; a translated provider refuses any other rather than drop it unseen. */
    static final Set<String> FIELDS = Set.of("model", "input", "dimensions", "encoding_format", "user");

    private OpenAiEmbeddings() {}

    /** What a translation needs of the request. */
    record Request(List<String> texts, Integer dimensions, boolean base64) {}

    /**
     * Reads a request for a provider that embeds text: {@code input} a string or an array of strings (token id
     * arrays are OpenAI's alone), {@code dimensions} a positive integer, {@code encoding_format} float or base64.
     * {@code user} is dropped (no provider translated here takes an end-user id).
     */
    static Request read(ObjectNode in, String provider) {
        for (var e : in.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                throw new ChatProvider.UntranslatableRequest("'" + AnthropicRequest.shown(e.getKey()) + "' has no equivalent in " + provider + "'s embeddings API.");
            }
        }
        return new Request(texts(in.get("input"), provider), dimensions(in.get("dimensions")), asksBase64(in.get("encoding_format")));
    }

    static List<String> texts(JsonNode input, String provider) {
        if (input != null && input.isTextual()) return List.of(input.asText());
        if (input == null || !input.isArray()) throw new ChatProvider.UntranslatableRequest("'input' must be a string or an array of strings.");
        if (input.isEmpty()) throw new ChatProvider.UntranslatableRequest("'input' must not be an empty array.");
        List<String> out = new ArrayList<>(input.size());
        for (JsonNode item : input) {
            if (item.isNumber() || item.isArray()) throw new ChatProvider.UntranslatableRequest(provider + " embeds text, not token ids: send 'input' as strings.");
            if (!item.isTextual()) throw new ChatProvider.UntranslatableRequest("'input' must be a string or an array of strings.");
            out.add(item.asText());
        }
        return out;
    }

    static Integer dimensions(JsonNode d) {
        if (d == null || d.isNull()) return null;
        if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 1) throw new ChatProvider.UntranslatableRequest("'dimensions' must be a positive integer.");
        return d.asInt();
    }

    static boolean asksBase64(JsonNode f) {
        if (f == null || f.isNull()) return false;
        if (f.isTextual() && f.asText().equals("float")) return false;
        if (f.isTextual() && f.asText().equals("base64")) return true;
        throw new ChatProvider.UntranslatableRequest("'encoding_format' must be float or base64.");
    }

    /**
     * OpenAI's answer for the provider's vectors (each an array of numbers, in input order).
     *
     * @param promptTokens the input's tokens: the provider's own count where it gives one
     */
    static ObjectNode list(List<JsonNode> vectors, boolean base64, String model, long promptTokens) {
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) item.put("embedding", encoded(vectors.get(i)));
            else item.set("embedding", vectors.get(i));
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return out;
    }

    /** The vector as OpenAI's base64: each value a little-endian IEEE float32. */
    static String encoded(JsonNode vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : vector) b.putFloat((float) v.asDouble());
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** An array of numbers: a vector the provider answered; false for anything else. */
    static boolean isVector(JsonNode v) {
        if (v == null || !v.isArray() || v.isEmpty()) return false;
        for (JsonNode x : v) if (!x.isNumber()) return false;
        return true;
    }

    /** The answer when a provider's 2xx is not the vectors it should be. */
    static ChatProvider.UnreadableAnswer unreadable(String provider) {
        return new ChatProvider.UnreadableAnswer("The upstream's answer could not be read as " + provider + " embeddings.");
    }
}
