package dev.bastion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * The embeddings endpoints of the mock's providers: OpenAI's {@code /v1/embeddings} (Azure's under its
 * deployment path), Gemini's {@code batchEmbedContents}, Vertex's {@code predict} and Bedrock's Titan text
 * {@code invoke}. Each checks a request as its real API does — an invalid one gets the reason (in the
 * provider's words where known; the caller sends it in the provider's error shape) — and answers with
 * deterministic unit vectors derived from the text, of the model's native width or the width asked for,
 * and the provider's own usage fields (Gemini reports none).
 */
final class MockEmbeddings {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The tokenizer the mock counts with for providers whose own is not public. */
    private static final String COUNT_MODEL = "text-embedding-3-small";
    static final int OPENAI_MAX_INPUTS = 2048;
    static final int GEMINI_MAX_INPUTS = 100;
    static final int VERTEX_MAX_INPUTS = 250;
    private static final Set<String> OPENAI_FIELDS = Set.of("model", "input", "dimensions", "encoding_format", "user");
    private static final Set<String> AZURE_FIELDS = Set.of("input", "dimensions", "encoding_format", "user", "input_type");
    private static final Set<String> GEMINI_ENTRY = Set.of("model", "content", "taskType", "title", "outputDimensionality");
    private static final Set<String> VERTEX_INSTANCE = Set.of("content", "task_type", "title");
    private static final Set<String> VERTEX_PARAMETERS = Set.of("autoTruncate", "outputDimensionality");
    private static final Set<String> TITAN_FIELDS = Set.of("inputText", "dimensions", "normalize", "embeddingTypes");

    private MockEmbeddings() {}

    // --- OpenAI (and Azure, whose body has no model)

    /** Why OpenAI (or Azure, {@code azure} true) would answer 400; null for a valid request. */
    static String invalidOpenAi(JsonNode in, String model, boolean azure) {
        for (var e : in.properties()) {
            if (!(azure ? AZURE_FIELDS : OPENAI_FIELDS).contains(e.getKey())) return "Unrecognized request argument supplied: " + e.getKey();
        }
        if (!azure && (model == null || model.isBlank())) return "you must provide a model parameter";
        JsonNode input = in.get("input");
        if (input == null || input.isNull()) return "'input' is a required property";
        if (!validInput(input)) return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
        if (input.isArray() && input.size() > OPENAI_MAX_INPUTS && !input.get(0).isNumber()) return "Too many inputs. The max number of inputs is " + OPENAI_MAX_INPUTS + ".";
        JsonNode format = in.get("encoding_format");
        if (format != null && !(format.isTextual() && (format.asText().equals("float") || format.asText().equals("base64")))) {
            return "'" + format.asText() + "' is not one of ['float', 'base64'] - 'encoding_format'";
        }
        JsonNode d = in.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || d.asInt() < 1) return "Invalid value for 'dimensions': must be a positive integer.";
            if (model != null && model.contains("ada-002")) return "This model does not support specifying dimensions.";
            if (model != null && d.asInt() > openAiWidth(model)) return "This model's maximum dimensions is " + openAiWidth(model) + ".";
        }
        return null;
    }

    /** A string, or a non-empty array of strings, of token ids, or of token id arrays; never an empty string. */
    private static boolean validInput(JsonNode input) {
        if (input.isTextual()) return !input.asText().isEmpty();
        if (!input.isArray() || input.isEmpty()) return false;
        JsonNode first = input.get(0);
        for (JsonNode item : input) {
            if (first.isTextual() && !(item.isTextual() && !item.asText().isEmpty())) return false;
            if (first.isNumber() && !item.isIntegralNumber()) return false;
            if (first.isArray() && !(item.isArray() && !item.isEmpty() && allIntegers(item))) return false;
            if (!first.isTextual() && !first.isNumber() && !first.isArray()) return false;
        }
        return true;
    }

    private static boolean allIntegers(JsonNode a) {
        for (JsonNode x : a) if (!x.isIntegralNumber()) return false;
        return true;
    }

    /** OpenAI's answer: one vector per input (token ids embedded as their digits), in the format asked for. */
    static ObjectNode openAiAnswer(JsonNode in, String model, TokenCounter counter) {
        JsonNode input = in.get("input");
        ArrayNode items = JSON.createArrayNode();
        if (input.isTextual() || (input.isArray() && input.get(0).isNumber())) items.add(input);
        else items.addAll((ArrayNode) input);
        int width = in.path("dimensions").isIntegralNumber() ? in.get("dimensions").asInt() : openAiWidth(model);
        boolean base64 = "base64".equals(in.path("encoding_format").asText());
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String text = item.isTextual() ? item.asText() : item.toString();
            tokens += item.isTextual() ? counter.count(model, text) : item.size();
            ArrayNode v = vector(text, width);
            ObjectNode d = data.addObject().put("object", "embedding").put("index", i);
            if (base64) d.put("embedding", base64(v));
            else d.set("embedding", v);
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return out;
    }

    /** The native width of OpenAI's embedding models; the mock's own models are narrow. */
    static int openAiWidth(String model) {
        if (model == null) return 8;
        if (model.contains("text-embedding-3-large")) return 3072;
        if (model.contains("text-embedding-3-small") || model.contains("ada-002")) return 1536;
        return 8;
    }

    // --- Gemini's batchEmbedContents

    /** Why the Gemini API would answer 400 for a batch to {@code pathModel} ({@code models/NAME}); null for a valid one. */
    static String invalidGemini(JsonNode in, String pathModel) {
        for (var e : in.properties()) if (!e.getKey().equals("requests")) return unknownField(e.getKey(), null);
        JsonNode requests = in.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) return "* BatchEmbedContentsRequest.requests: requests is not specified\n";
        if (requests.size() > GEMINI_MAX_INPUTS) return "* BatchEmbedContentsRequest.requests: at most " + GEMINI_MAX_INPUTS + " requests can be in one batch\n";
        for (int i = 0; i < requests.size(); i++) {
            JsonNode r = requests.get(i);
            String at = "requests[" + i + "]";
            for (var e : r.properties()) if (!GEMINI_ENTRY.contains(e.getKey())) return unknownField(e.getKey(), at);
            String model = r.path("model").asText("");
            if (model.isEmpty()) return "* BatchEmbedContentsRequest." + at + ".model: model is not specified\n";
            if (!model.startsWith("models/")) return "* BatchEmbedContentsRequest." + at + ".model: unexpected model name format\n";
            if (!model.equals(pathModel)) return "Model names should match the model in the request URL: " + model + " vs " + pathModel + ".";
            JsonNode parts = r.path("content").path("parts");
            if (!parts.isArray() || parts.isEmpty()) return "* BatchEmbedContentsRequest." + at + ".content.parts: contents.parts must not be empty.\n";
            for (JsonNode p : parts) {
                if (!p.path("text").isTextual() || p.get("text").asText().isEmpty()) return "* BatchEmbedContentsRequest." + at + ".content.parts: text must not be empty.\n";
            }
            JsonNode d = r.get("outputDimensionality");
            if (d != null && (!d.isIntegralNumber() || d.asInt() < 1 || d.asInt() > geminiWidth(pathModel))) {
                return "* BatchEmbedContentsRequest." + at + ".output_dimensionality: must be between 1 and " + geminiWidth(pathModel) + "\n";
            }
        }
        return null;
    }

    /** {@code {"embeddings":[{"values":[…]}]}}: no usage, as the real API reports none. */
    static ObjectNode geminiAnswer(JsonNode in, String pathModel) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode embeddings = out.putArray("embeddings");
        for (JsonNode r : in.get("requests")) {
            StringBuilder text = new StringBuilder();
            for (JsonNode p : r.path("content").path("parts")) text.append(p.path("text").asText());
            int width = r.path("outputDimensionality").isIntegralNumber() ? r.get("outputDimensionality").asInt() : geminiWidth(pathModel);
            embeddings.addObject().set("values", vector(text.toString(), width));
        }
        return out;
    }

    /** {@code gemini-embedding-001} is 3072 wide; the others (text-embedding-004, the mock's) 768. */
    static int geminiWidth(String model) {
        return model.contains("gemini-embedding-001") ? 3072 : 768;
    }

    // --- Vertex's predict

    static String invalidVertex(JsonNode in) {
        for (var e : in.properties()) if (!e.getKey().equals("instances") && !e.getKey().equals("parameters")) return unknownField(e.getKey(), null);
        JsonNode instances = in.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) return "instances must not be empty.";
        if (instances.size() > VERTEX_MAX_INPUTS) return "Unable to submit request because the number of instances " + instances.size() + " exceeds the limit of " + VERTEX_MAX_INPUTS + ".";
        for (int i = 0; i < instances.size(); i++) {
            JsonNode inst = instances.get(i);
            for (var e : inst.properties()) if (!VERTEX_INSTANCE.contains(e.getKey())) return unknownField(e.getKey(), "instances[" + i + "]");
            if (!inst.path("content").isTextual() || inst.get("content").asText().isEmpty()) return "instances[" + i + "].content must be a non-empty string.";
        }
        JsonNode params = in.path("parameters");
        for (var e : params.properties()) if (!VERTEX_PARAMETERS.contains(e.getKey())) return unknownField(e.getKey(), "parameters");
        JsonNode d = params.get("outputDimensionality");
        if (d != null && (!d.isIntegralNumber() || d.asInt() < 1 || d.asInt() > 768)) return "outputDimensionality must be between 1 and 768.";
        return null;
    }

    /** {@code {"predictions":[{"embeddings":{"statistics":{"truncated","token_count"},"values"}}],"metadata":{…}}}. */
    static ObjectNode vertexAnswer(JsonNode in, TokenCounter counter) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode predictions = out.putArray("predictions");
        int width = in.path("parameters").path("outputDimensionality").isIntegralNumber() ? in.path("parameters").get("outputDimensionality").asInt() : 768;
        long chars = 0;
        for (JsonNode inst : in.get("instances")) {
            String text = inst.get("content").asText();
            chars += text.length();
            ObjectNode e = predictions.addObject().putObject("embeddings");
            e.putObject("statistics").put("truncated", false).put("token_count", counter.count(COUNT_MODEL, text));
            e.set("values", vector(text, width));
        }
        out.putObject("metadata").put("billableCharacterCount", chars);
        return out;
    }

    // --- Bedrock's Titan text embeddings (InvokeModel)

    /** Why Bedrock would answer ValidationException for a Titan text embeddings body; null for a valid one. */
    static String invalidTitan(JsonNode in, String modelId) {
        for (var e : in.properties()) {
            if (!TITAN_FIELDS.contains(e.getKey())) return "Malformed input request: extraneous key [" + e.getKey() + "] is not permitted, please reformat your input and try again.";
        }
        if (!in.path("inputText").isTextual()) return "Malformed input request: required key [inputText] not found, please reformat your input and try again.";
        if (in.get("inputText").asText().isEmpty()) return "Malformed input request: expected minLength: 1, actual: 0, please reformat your input and try again.";
        JsonNode d = in.get("dimensions");
        if (d != null) {
            if (!modelId.contains("-v2")) return "Malformed input request: extraneous key [dimensions] is not permitted, please reformat your input and try again.";
            if (!d.isIntegralNumber() || !Set.of(256, 512, 1024).contains(d.asInt())) {
                return "Malformed input request: #/dimensions: " + d + " is not a valid enum value, please reformat your input and try again.";
            }
        }
        return null;
    }

    static ObjectNode titanAnswer(JsonNode in, String modelId, TokenCounter counter) {
        String text = in.get("inputText").asText();
        int width = in.path("dimensions").isIntegralNumber() ? in.get("dimensions").asInt() : modelId.contains("-v2") ? 1024 : 1536;
        ArrayNode v = vector(text, width);
        ObjectNode out = JSON.createObjectNode();
        out.set("embedding", v);
        out.putObject("embeddingsByType").set("float", v);
        out.put("inputTextTokenCount", counter.count(COUNT_MODEL, text));
        return out;
    }

    // --- vectors

    /** A deterministic unit vector of {@code width} values, from SHA-256 of the text and a block counter. */
    static ArrayNode vector(String text, int width) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        double[] v = new double[width];
        double norm = 0;
        byte[] block = null;
        for (int i = 0; i < width; i++) {
            if (i % 32 == 0) {
                sha.update(seed);
                sha.update(ByteBuffer.allocate(4).putInt(i / 32).array());
                block = sha.digest();
            }
            v[i] = block[i % 32] / 128.0;
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm == 0 ? 1 : norm);
        ArrayNode out = JSON.createArrayNode();
        for (double x : v) out.add((float) (x / norm)); // float32 values, as the providers' are
        return out;
    }

    /** OpenAI's base64: each value a little-endian float32. */
    static String base64(ArrayNode vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode x : vector) b.putFloat(x.floatValue());
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static String unknownField(String name, String at) {
        return "Invalid JSON payload received. Unknown name \"" + name + "\"" + (at == null ? "" : " at '" + at + "'") + ": Cannot find field.";
    }
}
