package dev.bastion.llm.provider;

import dev.bastion.config.ModelConfig;

/** The chat wire format of each provider named in config. */
public final class ChatProviders {
    private static final ChatProvider OPENAI = new OpenAiChatProvider();
    private static final ChatProvider ANTHROPIC = new AnthropicChatProvider();
    private static final ChatProvider GEMINI = new GeminiChatProvider();
    private static final ChatProvider BEDROCK = new BedrockChatProvider();

    private ChatProviders() {}

    /** The deployment's wire format, with its own settings (Azure's api-version; Vertex's project and location are in its path). */
    public static ChatProvider of(ModelConfig.Deployment d) {
        return switch (d.provider()) {
            case AZURE -> new AzureChatProvider(d.apiVersion());
            case VERTEX -> new VertexChatProvider(d.project(), d.location(), GEMINI);
            default -> of(d.provider());
        };
    }

    /** A wire format that needs no per-deployment settings. */
    public static ChatProvider of(ModelConfig.Provider provider) {
        return switch (provider) {
            case OPENAI -> OPENAI;
            case ANTHROPIC -> ANTHROPIC;
            case GEMINI -> GEMINI;
            case BEDROCK -> BEDROCK;
            case AZURE -> throw new IllegalArgumentException("azure needs its deployment's api_version: use of(Deployment)");
            case VERTEX -> throw new IllegalArgumentException("vertex needs its deployment's project and location: use of(Deployment)");
        };
    }
}
