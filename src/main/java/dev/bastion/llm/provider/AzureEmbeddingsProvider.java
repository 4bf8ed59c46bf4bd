package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Azure OpenAI's embeddings ({@code POST /openai/deployments/{deployment}/embeddings?api-version=…}): OpenAI's
 * format under a deployment path. The request goes as the controls left it, without {@code model} (the
 * deployment in the path names it); what the API version does not take, Azure refuses with a 400 that reaches
 * the client in OpenAI's shape. The answer is OpenAI's, its {@code model} the deployment's name as for every
 * provider; errors become OpenAI's shape as for Azure's chat.
 */
public final class AzureEmbeddingsProvider implements EmbeddingsProvider {
    private final String apiVersion;

    public AzureEmbeddingsProvider(String apiVersion) {
        if (apiVersion == null || apiVersion.isBlank()) throw new IllegalArgumentException("api_version: missing");
        this.apiVersion = apiVersion;
    }

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public Call call(ObjectNode openAiEmbeddings, String model) {
        openAiEmbeddings.remove("model");
        Buffer body = Buffer.buffer(openAiEmbeddings.toString());
        String path = "/openai/deployments/" + AzureChatProvider.pathSegment(model) + "/embeddings?api-version=" + AzureChatProvider.pathSegment(apiVersion);
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
                if (status < 200 || status > 299) return Buffer.buffer(AzureChatProvider.error(status, root).toString());
                if (!(root instanceof ObjectNode out) || !out.path("data").isArray()) throw OpenAiEmbeddings.unreadable("Azure");
                out.put("model", model);
                return Buffer.buffer(out.toString());
            }
        };
    }
}
