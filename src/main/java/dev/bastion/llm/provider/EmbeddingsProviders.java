package dev.bastion.llm.provider;

import dev.bastion.config.ModelConfig;
import dev.bastion.llm.TokenCounter;

/** The embeddings wire format of each provider named in config; one that has no embeddings API refuses every request. */
public final class EmbeddingsProviders {
    private static final EmbeddingsProvider OPENAI = new OpenAiEmbeddingsProvider();
    private static final EmbeddingsProvider GEMINI = new GeminiEmbeddingsProvider(new TokenCounter());
    private static final EmbeddingsProvider BEDROCK = new BedrockEmbeddingsProvider();
    private static final EmbeddingsProvider ANTHROPIC = new Unsupported("anthropic");

    private EmbeddingsProviders() {}

    /** The deployment's embeddings format, with its own settings (Azure's api-version; Vertex's project and location). */
    public static EmbeddingsProvider of(ModelConfig.Deployment d) {
        return switch (d.provider()) {
            case OPENAI -> OPENAI;
            case AZURE -> new AzureEmbeddingsProvider(d.apiVersion());
            case GEMINI -> GEMINI;
            case VERTEX -> new VertexEmbeddingsProvider(d.project(), d.location());
            case BEDROCK -> BEDROCK;
            case ANTHROPIC -> ANTHROPIC;
        };
    }

    /** A provider without an embeddings API: the request is refused before anything is sent. */
    private record Unsupported(String name) implements EmbeddingsProvider {
        @Override
        public Call call(com.fasterxml.jackson.databind.node.ObjectNode openAiEmbeddings, String model) {
            throw new ChatProvider.UntranslatableRequest(name + " has no embeddings API.");
        }
    }
}
