package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Text embeddings on Google Vertex AI ({@code POST /v1/projects/{project}/locations/{location}/publishers/
 * google/models/{model}:predict}, an OAuth2 token from the deployment's service account) behind OpenAI's
 * {@code /v1/embeddings}. Not the Gemini API's format: Vertex's embedding models take {@code predict}.
 * <p>
 * <b>Requests.</b> Each input string is one {@code instances[].content}; {@code dimensions} is
 * {@code parameters.outputDimensionality}; {@code parameters.autoTruncate} is false, so an input longer than
 * the model takes is refused by Vertex as OpenAI refuses it, never silently cut. <b>Refused</b>: token id
 * inputs, more than {@value #MAX_INPUTS} inputs (Vertex's limit per request; some models, such as
 * {@code gemini-embedding-001}, take one — Vertex's 400 then reaches the client), an empty input array, and
 * every field but {@code model}, {@code input}, {@code dimensions}, {@code encoding_format} and {@code user}
 * (dropped).
 * <p>
 * <b>Answers.</b> {@code predictions[i].embeddings.values} are the vectors, in input order (floats, or base64
 * as OpenAI encodes it); {@code prompt_tokens} is the sum of the provider's
 * {@code predictions[i].embeddings.statistics.token_count}. Errors (Google's shape) become OpenAI's.
 */
public final class VertexEmbeddingsProvider implements EmbeddingsProvider {
    static final int MAX_INPUTS = 250;

    private final String prefix;

    public VertexEmbeddingsProvider(String project, String location) {
        this.prefix = "/v1/projects/" + BedrockChatProvider.pathSegment(project) + "/locations/" + BedrockChatProvider.pathSegment(location)
                + "/publishers/google/models/";
    }

    @Override
    public String name() {
        return "vertex";
    }

    @Override
    public Call call(ObjectNode openAiEmbeddings, String model) {
        OpenAiEmbeddings.Request req = OpenAiEmbeddings.read(openAiEmbeddings, "vertex");
        if (req.texts().size() > MAX_INPUTS) throw new ChatProvider.UntranslatableRequest("vertex embeds at most " + MAX_INPUTS + " inputs per request.");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode instances = out.putArray("instances");
        for (String text : req.texts()) instances.addObject().put("content", text);
        ObjectNode parameters = out.putObject("parameters").put("autoTruncate", false);
        if (req.dimensions() != null) parameters.put("outputDimensionality", req.dimensions());
        Buffer body = Buffer.buffer(out.toString());
        String path = prefix + BedrockChatProvider.pathSegment(model) + ":predict";
        return new Call() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public Buffer body() {
                return body;
            }

            @Override
            public Buffer answer(int status, MultiMap headers, Buffer answer) {
                JsonNode root = AzureChatProvider.parse(answer);
                if (status < 200 || status > 299) return Buffer.buffer(GeminiChatProvider.error(status, root).toString());
                JsonNode predictions = root == null ? null : root.get("predictions");
                if (predictions == null || !predictions.isArray() || predictions.size() != req.texts().size()) {
                    throw OpenAiEmbeddings.unreadable("Vertex");
                }
                List<JsonNode> vectors = new ArrayList<>(predictions.size());
                long tokens = 0;
                for (JsonNode p : predictions) {
                    JsonNode e = p.path("embeddings");
                    if (!OpenAiEmbeddings.isVector(e.get("values"))) throw OpenAiEmbeddings.unreadable("Vertex");
                    vectors.add(e.get("values"));
                    tokens += e.path("statistics").path("token_count").asLong(0);
                }
                return Buffer.buffer(OpenAiEmbeddings.list(vectors, req.base64(), model, tokens).toString());
            }
        };
    }
}
