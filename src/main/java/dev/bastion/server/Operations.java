package dev.bastion.server;

import dev.bastion.config.RouteConfig;

/**
 * The access line's and the server span's {@code operation}: what kind of request a route serves, from its
 * config — a small fixed vocabulary (docs/observability.md#operation), never a path.
 */
final class Operations {
    static final String PROXY = "proxy";
    static final String LOCAL = "local";

    private Operations() {}

    /** A configured route's operation. */
    static String of(RouteConfig rc) {
        if (rc.fetch() != null) return "fetch";
        if (rc.mcp() != null) return "mcp";
        if (rc.llm() != null) {
            return switch (rc.llm()) {
                case CHAT -> "chat";
                case COMPLETIONS -> "completions";
                case EMBEDDINGS -> "embeddings";
                case MESSAGES -> "messages";
                case RESPONSES -> "responses";
            };
        }
        if (rc.graphql() != null) return "graphql";
        return PROXY;
    }
}
