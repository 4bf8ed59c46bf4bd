package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Google's Gemini API embeddings ({@code POST /v1beta/models/{model}:batchEmbedContents}, the key as
 * {@code x-goog-api-key}) behind OpenAI's {@code /v1/embeddings}.
 * <p>
 * <b>Requests.</b> Each input string becomes one entry of {@code requests} — {@code model} (the resource
 * name, which Google requires on every entry and to match the path's), {@code content.parts[0].text} — with
 * {@code dimensions} as each entry's {@code outputDimensionality}. <b>Refused</b>: token id inputs (Gemini
 * takes text), more than {@value #MAX_INPUTS} inputs (Google's limit per batch), an empty input array, and
 * every field but {@code model}, {@code input}, {@code dimensions}, {@code encoding_format} and {@code user}
 * (dropped: Gemini takes no end-user id).
 * <p>
 * <b>Answers.</b> {@code embeddings[i].values} are the vectors, in input order; as floats or, when the
 * request asked for {@code encoding_format: base64}, encoded as OpenAI does. Gemini reports no usage for
 * embeddings: {@code prompt_tokens} is Bastion's own count of the inputs (the same tokenizer the budget
 * reserves with), so budgets settle on an estimate for these models. Errors become OpenAI's shape as for
 * Gemini's chat.
 */
public final class GeminiEmbeddingsProvider implements EmbeddingsProvider {
    /** Google refuses a batch of more ({@code at most 100 requests can be in one batch}). */
    static final int MAX_INPUTS = 100;

    private final TokenCounter counter;

    public GeminiEmbeddingsProvider(TokenCounter counter) {
        this.counter = counter;
    }

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public Call call(ObjectNode openAiEmbeddings, String model) {
        OpenAiEmbeddings.Request req = OpenAiEmbeddings.read(openAiEmbeddings, "gemini");
        if (req.texts().size() > MAX_INPUTS) throw new ChatProvider.UntranslatableRequest("gemini embeds at most " + MAX_INPUTS + " inputs per request.");
        String resource = GeminiChatProvider.resource(model);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode requests = out.putArray("requests");
        for (String text : req.texts()) {
            ObjectNode r = requests.addObject().put("model", resource);
            r.putObject("content").putArray("parts").addObject().put("text", text);
            if (req.dimensions() != null) r.put("outputDimensionality", req.dimensions());
        }
        Buffer body = Buffer.buffer(out.toString());
        String path = "/v1beta/" + resource + ":batchEmbedContents";
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
                JsonNode embeddings = root == null ? null : root.get("embeddings");
                if (embeddings == null || !embeddings.isArray() || embeddings.size() != req.texts().size()) {
                    throw OpenAiEmbeddings.unreadable("Gemini");
                }
                List<JsonNode> vectors = new ArrayList<>(embeddings.size());
                for (JsonNode e : embeddings) {
                    if (!OpenAiEmbeddings.isVector(e.get("values"))) throw OpenAiEmbeddings.unreadable("Gemini");
                    vectors.add(e.get("values"));
                }
                long tokens = 0;
                for (String text : req.texts()) tokens += counter.count(model, text);
                return Buffer.buffer(OpenAiEmbeddings.list(vectors, req.base64(), model, tokens).toString());
            }
        };
    }
}
