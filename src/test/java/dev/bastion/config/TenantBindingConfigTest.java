package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A route's bind list and {name} segments as loaded from YAML: typed 1:1, refused at load when they cannot work. */
class TenantBindingConfigTest {
    static String config(String route) {
        return """
                listeners:
                  public: { port: 8080 }
                upstreams:
                  app: { url: "http://127.0.0.1:3000" }
                routes:
                """ + route.indent(2);
    }

    static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "t.yaml");
    }

    @Test
    void bindingsLoadTyped() {
        BastionConfig c = parse(config("""
                - id: boards
                  match: { methods: [GET, POST], path: "/orgs/{org}/boards/*" }
                  upstream: app
                  auth: { methods: [api_key] }
                  graphql: {}
                  bind:
                    - { path: org, to: org }
                    - { query: workspace, to: org, required: false }
                    - { body: /org_id, to: user }
                    - { graphql: orgId, to: org }
                """));
        assertThat(c.routes().getFirst().bind()).containsExactly(
                new RouteConfig.Bind("org", null, null, null, "org", true),
                new RouteConfig.Bind(null, "workspace", null, null, "org", false),
                new RouteConfig.Bind(null, null, "/org_id", null, "user", true),
                new RouteConfig.Bind(null, null, null, "orgId", "org", true));
        assertThat(parse(config("""
                - id: plain
                  match: { methods: [GET], path: /x }
                  upstream: app
                  auth: { methods: [api_key] }
                """)).routes().getFirst().bind()).isEmpty();
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("path binding without the segment", """
                        - id: r
                          match: { methods: [GET], path: "/orgs/{id}" }
                          upstream: app
                          auth: { methods: [api_key] }
                          bind: [{ path: org, to: org }]
                        """, "is not a {org} segment"),
                Arguments.of("graphql binding without graphql", """
                        - id: r
                          match: { methods: [POST], path: /graphql }
                          upstream: app
                          auth: { methods: [api_key] }
                          bind: [{ graphql: orgId, to: org }]
                        """, "needs the route's graphql block"),
                Arguments.of("body binding on GET", """
                        - id: r
                          match: { methods: [GET], path: /x }
                          upstream: app
                          auth: { methods: [api_key] }
                          bind: [{ body: /org_id, to: org }]
                        """, "takes bodies"),
                Arguments.of("public route", """
                        - id: r
                          match: { methods: [GET], path: "/orgs/{org}" }
                          upstream: app
                          public: true
                          tiers: false
                          bind: [{ path: org, to: org }]
                        """, "public route"),
                Arguments.of("claim target", """
                        - id: r
                          match: { methods: [GET], path: /x }
                          upstream: app
                          auth: { methods: [api_key] }
                          bind: [{ query: w, to: "claim:work spaces" }]
                        """, "claim:NAME"),
                Arguments.of("a brace inside a segment", """
                        - id: r
                          match: { methods: [GET], path: "/orgs/x{org}" }
                          upstream: app
                          auth: { methods: [api_key] }
                        """, "whole segment"),
                Arguments.of("two templates that match the same requests", """
                        - id: a
                          match: { methods: [GET], path: "/orgs/{org}" }
                          upstream: app
                          auth: { methods: [api_key] }
                        - id: b
                          match: { methods: [GET], path: "/orgs/{id}" }
                          upstream: app
                          auth: { methods: [api_key] }
                        """, "is already matched by"),
                Arguments.of("a template as strip_prefix", """
                        - id: r
                          match: { methods: [GET], path: "/orgs/{org}/*" }
                          upstream: app
                          auth: { methods: [api_key] }
                          strip_prefix: "/orgs/{org}"
                        """, "literal"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenBindingsFailAtLoad(String name, String route, String expected) {
        assertThatThrownBy(() -> parse(config(route))).isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml: ").hasMessageContaining(expected);
    }

    @Test
    void unknownBindingKeysAreRefused() {
        assertThatThrownBy(() -> parse(config("""
                - id: r
                  match: { methods: [GET], path: /x }
                  upstream: app
                  auth: { methods: [api_key] }
                  bind: [{ header: x-org, to: org }]
                """))).isInstanceOf(ConfigException.class);
    }
}
