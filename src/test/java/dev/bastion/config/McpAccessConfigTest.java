package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** A route's {@code mcp.access} and {@code mcp.pinning}: typed 1:1, defaults, and every refusal at load with its path. */
class McpAccessConfigTest {
    static final String TWO = """
            - id: mcp
              match: { methods: [POST], path: /mcp }
              auth: { methods: [api_key] }
              mcp:
                servers: [{ name: search, upstream: search }, { name: files, upstream: files }]
                resource: https://mcp.example.test/mcp
                authorization_servers: [https://idp.example.test]
            """;

    static McpConfig mcp(String extra) {
        return McpConfigTest.parse(McpConfigTest.config(TWO + extra.indent(4))).routes().getFirst().mcp();
    }

    @Test
    void withoutEitherBlockEverythingIsAllowedAndToolsArePinnedOnFirstSight() {
        McpConfig m = mcp("");
        assertThat(m.access().restricts()).isFalse();
        assertThat(m.pinning().mode()).isEqualTo(McpConfig.PinMode.TRUST_FIRST);
        assertThat(m.pinning().maxAge()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rulesAndPinsLoadTyped() {
        McpConfig m = mcp("""
                access:
                  default: deny
                  tools:
                    - { match: "search__*", require: { scopes_all: [mcp.search], roles: [admin] } }
                    - { match: files__delete, decision: deny }
                pinning:
                  mode: approve
                  max_age: 30s
                  pins: { search__lookup: "sha256:%s" }
                """.formatted("a".repeat(64)));
        assertThat(m.access().defaultDecision()).isEqualTo(McpConfig.Decision.DENY);
        assertThat(m.access().tools().getFirst().require().scopesAll()).containsExactly("mcp.search");
        assertThat(m.access().tools().get(1).decision()).isEqualTo(McpConfig.Decision.DENY);
        assertThat(m.pinning().mode()).isEqualTo(McpConfig.PinMode.APPROVE);
        assertThat(m.pinning().pins()).containsEntry("search__lookup", "sha256:" + "a".repeat(64));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a rule that allows everyone", "access: { tools: [{ match: search__x }] }", "neither require nor decision: deny"),
                Arguments.of("a rule without a pattern", "access: { tools: [{ require: { scopes_all: [a] } }] }", "match: missing"),
                Arguments.of("a rule naming no server", "access: { tools: [{ match: serch__x, decision: deny }] }", "names no server"),
                Arguments.of("an unknown role", "access: { tools: [{ match: search__x, require: { roles: [root] } }] }", "roles: 'root'"),
                Arguments.of("a default that is neither", "access: { default: maybe }", "default"),
                Arguments.of("a pin that is no fingerprint", "pinning: { pins: { search__x: abc } }", "pins.search__x"),
                Arguments.of("a pin of no server", "pinning: { pins: { nope__x: \"sha256:%s\" } }".formatted("b".repeat(64)), "server__tool"),
                Arguments.of("pins with pinning off", "pinning: { mode: \"off\", pins: { search__x: \"sha256:%s\" } }".formatted("b".repeat(64)), "mode: off"),
                Arguments.of("an hour-long cache", "pinning: { max_age: 1h }", "at most 5m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedAtLoad(String name, String extra, String message) {
        assertThatThrownBy(() -> mcp(extra)).isInstanceOf(ConfigException.class).hasMessageContaining("mcp").hasMessageContaining(message);
    }
}
