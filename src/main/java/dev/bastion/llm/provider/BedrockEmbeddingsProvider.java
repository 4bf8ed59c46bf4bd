package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Amazon Titan text embeddings on AWS Bedrock ({@code POST /model/{modelId}/invoke}, signed with SigV4 by the
 * deployment's {@code RequestAuth}) behind OpenAI's {@code /v1/embeddings}. Bedrock's embeddings are not
 * Converse: each model family has its own InvokeModel body, and only Titan's ({@code amazon.titan-embed-text-*})
 * is translated; a deployment of any other model is refused.
 * <p>
 * <b>Requests.</b> The one input string is {@code inputText}; {@code dimensions} is {@code dimensions}
 * (Titan v2 takes 256, 512 or 1024; Bedrock refuses the rest, and that refusal reaches the client).
 * <b>Refused</b>: more than one input (Titan embeds one text per call, and one client request is never
 * several provider calls here), token id inputs, and every field but {@code model}, {@code input},
 * {@code dimensions}, {@code encoding_format} and {@code user} (dropped).
 * <p>
 * <b>Answers.</b> {@code embedding} is the vector (floats, or base64 as OpenAI encodes it);
 * {@code prompt_tokens} is the provider's {@code inputTextTokenCount}. Errors (a {@code message} and the
 * exception's name in {@code x-amzn-ErrorType}) become OpenAI's shape as for Bedrock's chat.
 */
public final class BedrockEmbeddingsProvider implements EmbeddingsProvider {
    static final String TITAN_TEXT = "amazon.titan-embed-text-";

    @Override
    public String name() {
        return "bedrock";
    }

    @Override
    public Call call(ObjectNode openAiEmbeddings, String model) {
        // The deployment's model id is the operator's: named in config, never in an answer.
        if (!model.startsWith(TITAN_TEXT)) {
            throw new ChatProvider.UntranslatableRequest("on bedrock, only Amazon Titan text embeddings models are translated, and this deployment is not one.");
        }
        OpenAiEmbeddings.Request req = OpenAiEmbeddings.read(openAiEmbeddings, "bedrock");
        if (req.texts().size() != 1) throw new ChatProvider.UntranslatableRequest("bedrock's Titan embeddings take one input per request.");
        ObjectNode out = JSON.createObjectNode().put("inputText", req.texts().getFirst());
        if (req.dimensions() != null) out.put("dimensions", req.dimensions());
        Buffer body = Buffer.buffer(out.toString());
        String path = "/model/" + BedrockChatProvider.pathSegment(model) + "/invoke";
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
                JsonNode root = BedrockChatProvider.parse(answer);
                if (status < 200 || status > 299) return Buffer.buffer(BedrockChatProvider.error(status, headers.get("x-amzn-ErrorType"), root).toString());
                JsonNode vector = root == null ? null : root.get("embedding");
                if (!OpenAiEmbeddings.isVector(vector)) throw OpenAiEmbeddings.unreadable("Bedrock");
                return Buffer.buffer(OpenAiEmbeddings.list(List.of(vector), req.base64(), model, root.path("inputTextTokenCount").asLong(0)).toString());
            }
        };
    }
}
