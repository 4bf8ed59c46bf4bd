package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Gemini models on Google Vertex AI ({@code POST /v1/projects/{project}/locations/{location}/publishers/google/
 * models/{model}:generateContent}, streams at {@code :streamGenerateContent?alt=sse}). Vertex speaks the Gemini
 * API's body format, so requests, answers, streams and errors are the Gemini translation's, given here; what
 * is Vertex's own is the path (the deployment's project and location) and the credential, an OAuth2 token
 * from a service account that the deployment's {@code RequestAuth} adds — not a key.
 */
public final class VertexChatProvider implements ChatProvider {
    private final String prefix;
    private final ChatProvider gemini;

    /** @param gemini the Gemini API's body translation, which Vertex shares */
    public VertexChatProvider(String project, String location, ChatProvider gemini) {
        this.prefix = "/v1/projects/" + BedrockChatProvider.pathSegment(project) + "/locations/" + BedrockChatProvider.pathSegment(location)
                + "/publishers/google/models/";
        this.gemini = Objects.requireNonNull(gemini, "gemini");
    }

    @Override
    public String name() {
        return "vertex";
    }

    @Override
    public String path(String model, boolean stream) {
        return prefix + BedrockChatProvider.pathSegment(model) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    @Override
    public void headers(MultiMap headers, boolean stream) {
        gemini.headers(headers, stream);
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        return gemini.request(openAiChat, model);
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        return gemini.answer(status, body, model);
    }

    @Override
    public Buffer answer(int status, MultiMap headers, Buffer body, String model) {
        return gemini.answer(status, headers, body, model);
    }

    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return gemini.stream(model, usageChunk);
    }
}
