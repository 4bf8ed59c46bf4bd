package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI's {@code POST /v1/embeddings} and every server that speaks it: the request goes as the controls
 * left it with the deployment's model name, and the answer passes as the provider sent it (base64 included:
 * the provider encodes it).
 */
public final class OpenAiEmbeddingsProvider implements EmbeddingsProvider {
    public static final String PATH = "/v1/embeddings";

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public Call call(ObjectNode openAiEmbeddings, String model) {
        openAiEmbeddings.put("model", model);
        Buffer body = Buffer.buffer(openAiEmbeddings.toString());
        return new Call() {
            @Override
            public String path() {
                return PATH;
            }

            @Override
            public Buffer body() {
                return body;
            }

            @Override
            public boolean translates() {
                return false;
            }

            @Override
            public Buffer answer(int status, MultiMap headers, Buffer answer) {
                return answer;
            }
        };
    }
}
