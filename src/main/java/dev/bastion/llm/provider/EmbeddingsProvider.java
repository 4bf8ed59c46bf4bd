package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A model provider's wire format for embeddings (U1): the controls read OpenAI's {@code /v1/embeddings}
 * request, and a provider that has an embeddings API translates it to its own and its answer back to
 * OpenAI's list of vectors. The sibling of {@link ChatProvider}, kept apart because an embeddings answer
 * depends on its request (how many inputs, whether the vectors go as base64, the tokens counted when the
 * provider reports none): one {@link Call} per request carries both ways. Stateless and thread-safe.
 */
public interface EmbeddingsProvider {
    /** The provider's name in config ({@code openai}, {@code gemini}). */
    String name();

    /**
     * The provider's request for an OpenAI embeddings request (as the controls left it), to be answered by
     * {@code model}. Throws {@link ChatProvider.UntranslatableRequest} (→ 400) for what has no equivalent —
     * everything, for a provider without an embeddings API.
     */
    Call call(ObjectNode openAiEmbeddings, String model);

    /** One translated request, and how its answer reads as OpenAI's. */
    interface Call {
        /** The path to send to, appended to the upstream's URL (its base path included). */
        String path();

        Buffer body();

        /** False for the OpenAI format itself: the answer passes as the provider sent it. */
        default boolean translates() {
            return true;
        }

        /**
         * The provider's whole answer as OpenAI's {@code {"object":"list","data":[…],"model","usage"}} — or, for
         * an error status, as an OpenAI error body carrying the provider's message. Never the raw bytes.
         */
        Buffer answer(int status, MultiMap headers, Buffer body);
    }
}
