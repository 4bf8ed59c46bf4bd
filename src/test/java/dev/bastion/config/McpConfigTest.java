package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A route's {@code mcp:} block as loaded from YAML: typed 1:1, refused at load when it cannot work or would be unsafe. */
class McpConfigTest {
    static String config(String routes) {
        return """
                listeners:
                  public: { port: 8080 }
                upstreams:
                  search: { url: "http://127.0.0.1:3000/mcp", api_key: env:SEARCH_KEY }
                  files: { url: "http://127.0.0.1:3001/mcp" }
                  bedrock: { url: "https://bedrock.example.test", aws_credentials: { access_key_id: env:A, secret_access_key: env:B } }
                routes:
                """ + routes.indent(2);
    }

    static final String ROUTE = """
            - id: mcp
              match: { methods: [POST], path: /mcp }
              auth: { methods: [api_key] }
              mcp:
                servers: [{ name: search, upstream: search }]
                resource: https://mcp.example.test/mcp
                authorization_servers: [https://idp.example.test]
            """;

    static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "t.yaml");
    }

    @Test
    void anMcpRouteLoadsTypedWithItsDefaultsAndMatchesGetAndDeleteToo() {
        RouteConfig r = parse(config(ROUTE)).routes().getFirst();
        McpConfig m = r.mcp();
        assertThat(m.servers()).containsExactly(new McpConfig.Server("search", "search"));
        assertThat(m.resource()).isEqualTo(URI.create("https://mcp.example.test/mcp"));
        assertThat(m.scopesSupported()).isEmpty();
        assertThat(m.acceptAudiences()).as("no fallback unless listed").isEmpty();
        assertThat(m.allowedOrigins()).isEmpty();
        assertThat(m.namespace()).as("one server keeps its names").isFalse();
        assertThat(r.match().methods()).as("GET and DELETE are authenticated, then answered").containsExactly("POST", "GET", "DELETE", "PUT", "PATCH", "HEAD");
        assertThat(r.routesByModel()).isFalse();
        assertThat(r.contentTypes()).as("MCP messages are JSON").containsExactly("application/json");

        McpConfig two = parse(config(ROUTE.replace("[{ name: search, upstream: search }]",
                "[{ name: search, upstream: search }, { name: files, upstream: files }]"))).routes().getFirst().mcp();
        assertThat(two.namespace()).as("several servers are namespaced").isTrue();
        assertThat(two.serverNames()).containsExactly("search", "files");
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("no servers", ROUTE.replace("servers: [{ name: search, upstream: search }]", "servers: []"), "servers: missing"),
                Arguments.of("a server name with the separator", ROUTE.replace("name: search,", "name: se__arch,"), "the separator __ never"),
                Arguments.of("a server listed twice", ROUTE.replace("[{ name: search, upstream: search }]",
                        "[{ name: search, upstream: search }, { name: search, upstream: files }]"), "'search' is listed twice"),
                Arguments.of("unknown upstream", ROUTE.replace("upstream: search }", "upstream: nowhere }"), "unknown upstream 'nowhere'"),
                Arguments.of("an upstream signed per deployment", ROUTE.replace("upstream: search }", "upstream: bedrock }"), "authenticates per model deployment"),
                Arguments.of("no resource", ROUTE.replace("    resource: https://mcp.example.test/mcp\n", ""), "resource: missing"),
                Arguments.of("plain http off loopback", ROUTE.replace("https://mcp.example.test/mcp", "http://mcp.example.test/mcp"), "http only on a loopback host"),
                Arguments.of("a resource with a fragment", ROUTE.replace("https://mcp.example.test/mcp", "https://mcp.example.test/mcp#x"), "without query, fragment"),
                Arguments.of("a resource for another path", ROUTE.replace("https://mcp.example.test/mcp", "https://mcp.example.test/other"), "is not match.path '/mcp'"),
                Arguments.of("no authorization servers", ROUTE.replace("    authorization_servers: [https://idp.example.test]\n", ""), "authorization_servers: missing"),
                Arguments.of("a wildcard origin", ROUTE + "    allowed_origins: ['*']\n", "'*' is not allowed"),
                Arguments.of("namespace off with two servers", ROUTE.replace("[{ name: search, upstream: search }]",
                        "[{ name: search, upstream: search }, { name: files, upstream: files }]") + "    namespace: false\n", "always namespaced"),
                Arguments.of("public", ROUTE.replace("auth: { methods: [api_key] }", "public: true"), "public: true is refused"),
                Arguments.of("forwarding the caller's token", ROUTE + "  forward_user_token: true\n", "never reaches an MCP server"),
                Arguments.of("an upstream beside it", ROUTE + "  upstream: search\n", "it has no upstream"),
                Arguments.of("a prefix path", ROUTE.replace("path: /mcp", "path: /mcp/*"), "a literal path"),
                Arguments.of("Bastion tokens for a resource Bastion cannot issue them for", ROUTE.replace("methods: [api_key]", "methods: [api_key, bastion_token]"),
                        "'https://mcp.example.test/mcp' is not in tokens.audiences"),
                Arguments.of("a method MCP does not use", ROUTE.replace("methods: [POST]", "methods: [POST, PUT]"), "method PUT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenMcpConfigIsRefusedAtLoadWithThePlace(String name, String route, String expected) {
        assertThatThrownBy(() -> parse(config(route))).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void twoRoutesMayNotShareAResourceOrTheyWouldAcceptEachOthersTokens() {
        String second = ROUTE.replace("id: mcp", "id: mcp2").replace("match: { methods: [POST], path: /mcp }", "match: { methods: [POST], path: /mcp, host: other.example.test }");
        assertThatThrownBy(() -> parse(config(ROUTE + second))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[1].mcp.resource: 'https://mcp.example.test/mcp' is already the resource of routes[0]");
    }

    @Test
    void noRouteMayTakeTheMetadataPathOfAnMcpRoute() {
        String squatter = """
                - id: squat
                  match: { methods: [GET], path: /.well-known/oauth-protected-resource/mcp }
                  upstream: files
                  public: true
                """;
        assertThatThrownBy(() -> parse(config(ROUTE + squatter))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[1].match.path: '/.well-known/oauth-protected-resource/mcp' is the protected-resource metadata of routes[0]");
    }

    @Test
    void serverNamesAreChecked() {
        assertThat(new McpConfig.Server("a-1", "x").name()).isEqualTo("a-1");
        for (String bad : List.of("", "A", "-a", "a_b", "a".repeat(33))) {
            assertThatThrownBy(() -> new McpConfig.Server(bad, "x")).as(bad).hasMessageContaining("servers.name");
        }
    }
}
