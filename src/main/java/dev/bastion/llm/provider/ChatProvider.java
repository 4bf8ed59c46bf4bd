package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A model provider's wire format for chat (U1): Bastion's controls read and edit the OpenAI chat format —
 * the normalised request and answer — and a provider translates to its own format on the way out and back
 * on the way in, so every control works the same whatever the provider. One implementation per provider;
 * stateless and thread-safe (a streamed answer gets its own {@link StreamTranslator}).
 */
public interface ChatProvider {
    /** The provider's name in config ({@code openai}, {@code anthropic}). */
    String name();

    /** The path to send the request to, appended to the upstream's URL (its base path included). */
    String path(String model, boolean stream);

    /** Headers the provider needs on every request besides its key (e.g. {@code anthropic-version}). */
    default void headers(MultiMap headers) {}

    /**
     * The same, knowing whether the answer is streamed; set after the defaults ({@code Content-Type},
     * {@code Accept}), so a provider may replace them (Bedrock's stream is not SSE).
     */
    default void headers(MultiMap headers, boolean stream) {
        headers(headers);
    }

    /**
     * The provider's request body for an OpenAI chat request (as the controls left it), to be answered by
     * {@code model}. Throws {@link UntranslatableRequest} (→ 400) for what has no equivalent.
     */
    Buffer request(ObjectNode openAiChat, String model);

    /**
     * The provider's whole, non-streamed answer as an OpenAI chat completion — or, for an error status, as
     * an OpenAI error body ({@code {"error":{"message","type","code"}}}) carrying the provider's message.
     * {@code model} is the model that answered, reported in the completion.
     */
    Buffer answer(int status, Buffer body, String model);

    /** The same, with the answer's headers, for providers that say in a header what went wrong (Bedrock's {@code x-amzn-ErrorType}). */
    default Buffer answer(int status, MultiMap headers, Buffer body, String model) {
        return answer(status, body, model);
    }

    /**
     * False for the OpenAI format itself: a request only gets the deployment's model name (it cannot be
     * refused), and answers pass through as the provider sent them.
     */
    default boolean translates() {
        return true;
    }

    /**
     * A translator for one streamed answer: the provider's SSE in, OpenAI chat-completion chunks out.
     * {@code usageChunk}: end with OpenAI's usage chunk ({@code "choices":[]}) — only when the request asked
     * for it ({@code stream_options.include_usage}); a client that did not may read {@code choices[0]} of
     * every chunk.
     */
    StreamTranslator stream(String model, boolean usageChunk);

    /** Translates one streamed answer; fed in network order, ended exactly once. */
    interface StreamTranslator {
        /** Bytes of the provider's stream (split anywhere); returns the OpenAI SSE bytes ready to send (maybe empty). */
        Buffer feed(Buffer chunk);

        /**
         * The provider's stream ended. If it ended properly, returns what is left and {@code data: [DONE]};
         * if it was cut (no final event), returns an OpenAI-style error event and <b>no</b> {@code [DONE]}:
         * a truncated answer must never look complete.
         */
        Buffer end();

        /** The stream carried an error event or ended without its final event. */
        boolean failed();
    }

    /**
     * A success (2xx) whose body is not what the provider answers (not JSON, or not its answer's shape): thrown
     * by {@code answer} so the caller treats it as a failed attempt, not as an answer. The message is safe to show.
     */
    final class UnreadableAnswer extends RuntimeException {
        public UnreadableAnswer(String message) {
            super(message, null, false, false);
        }

        /** The error the client gets when nothing else answers, in OpenAI's shape. */
        public Buffer body() {
            return Buffer.buffer(AnthropicChatProvider.errorBody(getMessage(), "upstream_invalid_answer").toString());
        }
    }

    /** A request the provider's format cannot express; the message is safe to show the client. */
    final class UntranslatableRequest extends RuntimeException {
        public UntranslatableRequest(String message) {
            super(message, null, false, false);
        }
    }
}
