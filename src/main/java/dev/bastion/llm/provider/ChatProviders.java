package dev.bastion.llm.provider;

import dev.bastion.config.ModelConfig;

/** The chat wire format of each provider named in config. */
public final class ChatProviders {
    private static final ChatProvider OPENAI = new OpenAiChatProvider();
    private static final ChatProvider ANTHROPIC = new AnthropicChatProvider();

    private ChatProviders() {}

    public static ChatProvider of(ModelConfig.Provider provider) {
        return switch (provider) {
            case OPENAI -> OPENAI;
            case ANTHROPIC -> ANTHROPIC;
        };
    }
}
