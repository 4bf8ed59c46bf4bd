package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI's chat completions and every server that speaks them (vLLM, Ollama, Mistral, Groq…): the format
 * the controls already read, so only the model name changes — to the deployment's — and answers pass
 * through as the provider sent them — a stream checked for its end ({@link OpenAiStream}).
 */
public final class OpenAiChatProvider implements ChatProvider {
    public static final String PATH = "/v1/chat/completions";

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String path(String model, boolean stream) {
        return PATH;
    }

    @Override
    public Buffer request(ObjectNode openAiChat, String model) {
        openAiChat.put("model", model);
        return Buffer.buffer(openAiChat.toString());
    }

    @Override
    public boolean translates() {
        return false;
    }

    @Override
    public Buffer answer(int status, Buffer body, String model) {
        return body;
    }

    /** Events pass byte for byte; a stream cut before {@code [DONE]}, or one with an unreadable event, ends with an error event. */
    @Override
    public StreamTranslator stream(String model, boolean usageChunk) {
        return new OpenAiStream();
    }
}
