package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

class ConfigLoaderTest {
    static final String VALID = """
            listeners:
              public: { port: 8080 }
            upstreams:
              openai:
                url: https://api.openai.com
                api_key: env:OPENAI_API_KEY
            routes:
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: openai
                auth: { methods: [api_key] }
                require: { scopes_all: [invoke] }
                limits:
                  - { per: api_key, rate: 100/1m }
            """;

    private static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "t.yaml");
    }

    @Test
    void validConfigMapsToTypedRecordsWithDefaults() {
        BastionConfig c = parse(VALID);
        assertThat(c.environment()).isEqualTo(Environment.DEV);
        assertThat(c.listeners().publicListener().host()).isEqualTo("127.0.0.1");
        assertThat(c.listeners().admin().port()).isEqualTo(9090);
        assertThat(c.edge().maxBodyBytes().bytes()).isEqualTo(1024 * 1024);
        assertThat(c.store().url()).isEqualTo("sqlite:./data/bastion.db");
        UpstreamConfig up = c.upstreams().get("openai");
        assertThat(up.apiKey()).isEqualTo(new SecretRef(SecretRef.Kind.ENV, "OPENAI_API_KEY"));
        assertThat(up.port()).isEqualTo(443);
        RouteConfig r = c.routes().get(0);
        assertThat(r.limits().get(0).rate()).isEqualTo(new Rate(100, Duration.ofMinutes(1)));
        assertThat(r.limits().get(0).burst()).as("no burst: a window, not a bucket").isNull();
        assertThat(r.limits().get(0).name()).isEqualTo("api_key-100-1m");
        assertThat(c.limits().perIpRate()).isEqualTo(new Rate(2000, Duration.ofMinutes(5)));
        assertThat(c.limits().failureMode(false)).isEqualTo(LimitsConfig.FailureMode.LOCAL);
        assertThat(c.limits().failureMode(true)).isEqualTo(LimitsConfig.FailureMode.DENY);
    }

    @Test
    void theModelCatalogueMapsToTypedRecordsWithDefaults() {
        BastionConfig c = parse(VALID.replace("    upstream: openai\n", "    llm: chat\n")
                + "models:\n  fast:\n    deployments:\n      - { upstream: openai, model: gpt-4o-mini, weight: 3 }\n"
                + "      - { upstream: openai, provider: anthropic }\n");
        assertThat(c.routes().get(0).routesByModel()).isTrue();
        var ds = c.models().get("fast").deployments();
        assertThat(ds.get(0)).isEqualTo(new ModelConfig.Deployment("openai", ModelConfig.Provider.OPENAI, "gpt-4o-mini", 3));
        assertThat(ds.get(1)).as("model defaults to the public name (null here, the catalogue fills it), weight to 1")
                .isEqualTo(new ModelConfig.Deployment("openai", ModelConfig.Provider.ANTHROPIC, null, 1));
    }

    @Test
    void anEmbeddingsRouteMayRouteByModelBesideAChatRouteOnOneCatalogue() {
        BastionConfig c = parse(VALID.replace("    upstream: openai\n", "    llm: embeddings\n").replace("path: /v1/chat/completions", "path: /v1/embeddings")
                + "models:\n  claude:\n    deployments:\n      - { upstream: openai, provider: anthropic, model: claude-x }\n"
                + "  embed:\n    deployments:\n      - { upstream: openai, provider: gemini, model: text-embedding-004 }\n");
        assertThat(c.routes().get(0).routesByModel()).isTrue();
        assertThat(c.routes().get(0).llm()).isEqualTo(RouteConfig.LlmApi.EMBEDDINGS);
    }

    @Test
    void aMessagesRouteRoutesByModelAndItsControlsReadTheChatFormat() {
        BastionConfig c = parse(VALID.replace("    upstream: openai\n", "    llm: messages\n")
                + "models:\n  claude:\n    deployments:\n      - { upstream: openai, provider: anthropic, model: claude-sonnet-4-5 }\n");
        RouteConfig r = c.routes().get(0);
        assertThat(r.llm()).isEqualTo(RouteConfig.LlmApi.MESSAGES);
        assertThat(r.llm().normalised()).isEqualTo(RouteConfig.LlmApi.CHAT);
        assertThat(r.routesByModel()).isTrue();
        assertThat(r.guard()).as("guardrails on by default, as on every llm route").isEqualTo(GuardConfig.DEFAULT);
    }

    @Test
    void azureAndGeminiDeploymentsMapWithTheirSettings() {
        BastionConfig c = parse(VALID.replace("    upstream: openai\n", "    llm: chat\n")
                + "models:\n  fast:\n    deployments:\n      - { upstream: openai, provider: azure, model: gpt-4o-prod, api_version: 2024-10-21 }\n"
                + "      - { upstream: openai, provider: gemini, model: gemini-2.5-flash }\n"
                + "      - { upstream: openai, provider: gemini, model: tunedModels/support-v2 }\n");
        var ds = c.models().get("fast").deployments();
        assertThat(ds.get(0)).isEqualTo(new ModelConfig.Deployment("openai", ModelConfig.Provider.AZURE, "gpt-4o-prod", 1, "2024-10-21", null, null, null, null));
        assertThat(ds.get(1)).isEqualTo(new ModelConfig.Deployment("openai", ModelConfig.Provider.GEMINI, "gemini-2.5-flash", 1, null, null, null, null, null));
        assertThat(ds.get(2).model()).isEqualTo("tunedModels/support-v2");
    }

    @Test
    void theGeminiKeyHeaderIsAnUpstreamSetting() {
        BastionConfig c = parse(VALID.replace("    api_key: env:OPENAI_API_KEY\n", "    api_key: env:OPENAI_API_KEY\n    api_key_header: x-goog-api-key\n"));
        assertThat(c.upstreams().get("openai").apiKeyHeader()).isEqualTo(UpstreamConfig.ApiKeyHeader.X_GOOG_API_KEY);
        assertThat(UpstreamConfig.ApiKeyHeader.X_GOOG_API_KEY.headerName).isEqualTo("X-Goog-Api-Key");
    }

    @Test
    void theShippedExampleConfigIsValid() {
        BastionConfig c = new ConfigLoader().load(Path.of("examples/bastion.yaml"));
        assertThat(c.routes()).isNotEmpty();
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("unknown key names its path", VALID.replace("require: { scopes_all: [invoke] }", "require: { scopez: [invoke] }"),
                        "routes[0].require.scopez: (line 12) unknown key 'scopez' (known keys: orgs, roles, scopes_all, scopes_any)"),
                Arguments.of("unknown top-level key", VALID + "listner: {}\n", "unknown key 'listner'"),
                Arguments.of("wrong type", VALID.replace("port: 8080", "port: [1]"), "listeners.public.port: (line 2) wrong type (expected: integer)"),
                Arguments.of("string where a number belongs", VALID.replace("port: 8080", "port: '8080'"), "listeners.public.port"),
                Arguments.of("unknown upstream reference", VALID.replace("upstream: openai", "upstream: opanai"),
                        "routes[0].upstream: unknown upstream 'opanai' (declared: openai)"),
                Arguments.of("a route without an upstream that is not llm: chat, embeddings or messages", VALID.replace("    upstream: openai\n", ""),
                        "upstream: missing (only an llm: chat, embeddings or messages route may omit it, to route by model through the models catalogue)"),
                Arguments.of("an embeddings route whose catalogue only has providers without embeddings",
                        VALID.replace("    upstream: openai\n", "    llm: embeddings\n").replace("path: /v1/chat/completions", "path: /v1/embeddings")
                                + "models:\n  claude:\n    deployments:\n      - { upstream: openai, provider: anthropic, model: claude-x }\n",
                        "routes[0].llm: embeddings, and every model of the catalogue is served only by providers without an embeddings API (anthropic)"),
                Arguments.of("an embeddings route falling back to a model without embeddings",
                        VALID.replace("    upstream: openai\n", "    llm: embeddings\n    failover: { fallbacks: [claude] }\n").replace("path: /v1/chat/completions", "path: /v1/embeddings")
                                + "models:\n  claude:\n    deployments:\n      - { upstream: openai, provider: anthropic, model: claude-x }\n"
                                + "  embed:\n    deployments:\n      - { upstream: openai, model: text-embedding-3-small }\n",
                        "routes[0].failover.fallbacks: model 'claude' is served only by providers without an embeddings API (anthropic)"),
                Arguments.of("a messages route with a fixed upstream", VALID.replace("    upstream: openai\n", "    upstream: openai\n    llm: messages\n"),
                        "upstream: an llm: messages route routes by model through the models catalogue"),
                Arguments.of("routing by model with no catalogue", VALID.replace("    upstream: openai\n", "    llm: chat\n"),
                        "routes[0].upstream: missing, and there is no models catalogue to route by model"),
                Arguments.of("a deployment on an undeclared upstream", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openia, model: gpt-4o }\n",
                        "models.gpt-4o.deployments[0].upstream: unknown upstream 'openia' (declared: openai)"),
                Arguments.of("an unknown provider", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, provider: openaii }\n",
                        "provider"),
                Arguments.of("an azure deployment without api_version", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, provider: azure, model: gpt-4o-prod }\n",
                        "api_version: missing (an azure deployment needs one, e.g. 2024-10-21)"),
                Arguments.of("api_version on another provider", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, model: gpt-4o, api_version: 2024-10-21 }\n",
                        "api_version: only for provider azure"),
                Arguments.of("an api_version that is not one", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, provider: azure, api_version: '2024-10-21&x=1' }\n",
                        "api_version: '2024-10-21&x=1' is not an API version"),
                Arguments.of("an azure deployment name with a slash", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, provider: azure, model: a/b, api_version: 2024-10-21 }\n",
                        "model: 'a/b' is not an Azure deployment name"),
                Arguments.of("a gemini model name with a colon", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments:\n      - { upstream: openai, provider: gemini, model: 'gemini:x' }\n",
                        "model: 'gemini:x' is not a Gemini model name"),
                Arguments.of("a model with no deployment", VALID.replace("    upstream: openai\n", "    llm: chat\n")
                                + "models:\n  gpt-4o:\n    deployments: []\n",
                        "deployments: at least one"),
                Arguments.of("route without auth", VALID.replace("    auth: { methods: [api_key] }\n", "").replace("    require: { scopes_all: [invoke] }\n", ""),
                        "routes[0]: (line 13) auth: missing (every route needs auth, or an explicit public: true)"),
                Arguments.of("literal secret refused", VALID.replace("env:OPENAI_API_KEY", "sk-live-abcdef"),
                        "upstreams.openai.api_key: (line 6) a secret must be a reference"),
                Arguments.of("bad rate", VALID.replace("100/1m", "100 per minute"), "routes[0].limits[0].rate: (line 14) '100 per minute' is not a rate"),
                Arguments.of("bad enum", VALID.replace("per: api_key", "per: planet"), "routes[0].limits[0].per: (line 14) 'planet' is not a valid value (one of: ip, user, org, api_key, client, route)"),
                Arguments.of("duplicate key", VALID.replace("listeners:\n", "listeners:\n  public: { port: 1 }\n"), "Duplicate field 'public'"),
                Arguments.of("bad path", VALID.replace("path: /v1/chat/completions", "path: /v1/../x"), "routes[0].match: (line 9) path: '/v1/../x' (expected: a normalised path"),
                Arguments.of("upstream with credentials in url", VALID.replace("https://api.openai.com", "https://u:p@api.openai.com"),
                        "upstreams.openai: (line 7) url: credentials in the URL are refused"),
                Arguments.of("wildcard cors with credentials", VALID.replace("    limits:\n", "    cors: { origins: ['*'], credentials: true }\n    limits:\n"),
                        "origins: '*' together with credentials: true is refused"),
                Arguments.of("wildcard cors in prod", "environment: prod\n" + VALID.replace("    limits:\n", "    cors: { origins: ['*'] }\n    limits:\n"),
                        "routes[0].cors.origins: '*' is refused when environment is prod"),
                Arguments.of("duplicate route", VALID + """
                          - id: chat
                            match: { methods: [POST], path: /v1/chat/completions }
                            upstream: openai
                            public: true
                        """, "routes[1].id: 'chat' is already used by routes[0]"),
                Arguments.of("admin exposed without consent", VALID.replace("  public: { port: 8080 }", "  public: { port: 8080 }\n  admin: { host: 0.0.0.0 }"),
                        "listeners.admin.host: '0.0.0.0' is not loopback"),
                Arguments.of("public route with per-key limit", VALID.replace("    auth: { methods: [api_key] }\n    require: { scopes_all: [invoke] }\n", "    public: true\n"),
                        "limits: per api_key needs an authenticated caller"),
                Arguments.of("two issuers with one iss", VALID + """
                        identity:
                          issuers:
                            - { name: a, issuer: "https://idp.example", audiences: [x] }
                            - { name: b, issuer: "https://idp.example", audiences: [y] }
                        """, "identity.issuers[1].issuer: 'https://idp.example' is already declared by identity.issuers[0]"),
                Arguments.of("hmac algorithm for an issuer", VALID + """
                        identity:
                          issuers:
                            - { name: a, issuer: "https://idp.example", audiences: [x], algorithms: [HS256] }
                        """, "algorithms: 'HS256' is not allowed"),
                Arguments.of("issuer without audience or azp", VALID + """
                        identity:
                          issuers:
                            - { name: a, issuer: "https://idp.example" }
                        """, "audiences: give audiences or authorized_parties"),
                Arguments.of("jwt route without issuers", VALID.replace("methods: [api_key]", "methods: [jwt]"),
                        "routes[0].auth.methods: jwt needs at least one entry under identity.issuers"),
                Arguments.of("user token to a model provider", VALID.replace("    limits:\n", "    forward_user_token: true\n    limits:\n")
                        .replace("methods: [api_key]", "methods: [jwt]").replace("api_key: env:OPENAI_API_KEY", "api_key: env:OPENAI_API_KEY\n    kind: ai")
                        + "identity:\n  issuers:\n    - { name: a, issuer: \"https://idp.example\", audiences: [x] }\n",
                        "forward_user_token: upstream 'openai' is kind ai"),
                Arguments.of("route on the JWKS path", VALID.replace("path: /v1/chat/completions", "path: /.well-known/jwks.json"),
                        "is Bastion's own JWKS"),
                Arguments.of("api key cache ttl too long", VALID + "api_keys: { cache_ttl: 10m }\n", "api_keys: (line 15) cache_ttl: 10m (expected: 1ms..60s"),
                Arguments.of("misspelled limit key", VALID.replace("per: api_key, rate: 100/1m", "per: api_key, rate: 100/1m, brust: 5"),
                        "routes[0].limits[0].brust: (line 14) unknown key 'brust'"),
                Arguments.of("misspelled limits section", VALID + "limit: { per_ip: 10/1m }\n", "unknown key 'limit'"),
                Arguments.of("per-user limit on an api-key-only route", VALID.replace("per: api_key", "per: user"),
                        "routes[0].limits: per user would never see a user: the route takes neither jwt nor bastion_token"),
                Arguments.of("per-client cap on an api-key-only route", VALID + "    concurrency: [{ per: client, max: 2 }]\n",
                        "routes[0].concurrency: per client would never see a client"),
                Arguments.of("two limits under one name", VALID.replace("- { per: api_key, rate: 100/1m }",
                        "- { per: api_key, rate: 100/1m, name: a }\n      - { per: ip, rate: 5/1m, name: a }"), "two different limits are named 'a'"),
                Arguments.of("redis limits without redis", VALID + "limits: { backend: redis }\n", "limits.backend: redis needs redis.url"),
                Arguments.of("bad per-ip rate", VALID + "limits: { per_ip: lots }\n", "'lots' is not a rate"),
                Arguments.of("unknown default tier", VALID + "limits: { tiers: { free: [{ rate: 10/1m }] }, default_tier: fre }\n",
                        "default_tier: 'fre' is not among tiers"),
                Arguments.of("tier limit with a per", VALID + "limits: { tiers: { free: [{ per: ip, rate: 10/1m }] } }\n", "unknown key 'per'"),
                Arguments.of("unknown failure mode", VALID + "limits: { on_backend_failure: allow }\n", "'allow' is not a valid value (one of: local, deny)"),
                Arguments.of("probe interval of zero", VALID + "limits: { backend_probe_interval: 0s }\n", "backend_probe_interval: PT0S (expected: > 0)"),
                Arguments.of("guard on a route that is not llm", VALID + "    guard: default\n", "guard: guardrails read OpenAI-compatible requests"),
                Arguments.of("unknown guard policy", VALID + "    llm: chat\n    guard: strcit\n", "routes[0].guard: unknown policy 'strcit' (declared: default, or off)"),
                Arguments.of("unknown guard action", VALID + "guard: { policies: { default: { pii: { EMAIL: shred } } } }\n", "'shred' is not a valid value (one of: block, redact, pseudonymize, flag, allow)"),
                Arguments.of("org on an unknown policy", VALID + "guard: { orgs: { acme: strict } }\n", "orgs.acme: unknown policy 'strict'"),
                Arguments.of("injection thresholds reversed", VALID + "guard: { policies: { default: { injection: { flag_at: 0.9, block_at: 0.5 } } } }\n", "need 0 <= flag_at <= block_at"),
                Arguments.of("tool-result thresholds reversed", VALID + "guard: { policies: { default: { injection: { tool_results: { flag_at: 0.9, block_at: 0.5 } } } } }\n",
                        "injection.tool_results: need 0 <= flag_at <= block_at"),
                Arguments.of("egress proxy rule mode", VALID + "egress: { proxy: { rules: [{ name: a, mode: audit }] } }\n", "mode: 'audit' (expected: enforce or report)"),
                Arguments.of("egress proxy rule without a name", VALID + "egress: { proxy: { rules: [{ allow: [x.test] }] } }\n", "rules[0].name: missing"),
                Arguments.of("egress proxy rule named twice", VALID + "egress: { proxy: { rules: [{ name: a }, { name: a }] } }\n", "rules[1].name: 'a' is used twice"),
                Arguments.of("egress proxy port", VALID + "egress: { proxy: { default: { ports: [0] } } }\n", "ports: 0 (expected: 1..65535)"),
                Arguments.of("egress proxy pattern", VALID + "egress: { proxy: { default: { allow: [\"api.*.test\"] } } }\n", "allow: 'api.*.test'"),
                Arguments.of("egress proxy default with orgs", VALID + "egress: { proxy: { default: { orgs: [a] } } }\n", "the default rule is for every other caller"),
                Arguments.of("egress proxy misspelled key", VALID + "egress: { proxy: { rules: [{ name: a, allowed: [x.test] }] } }\n", "unknown key 'allowed'"),
                Arguments.of("egress listener on the public port", VALID.replace("  public: { port: 8080 }\n", "  public: { port: 8080 }\n  egress: { enabled: true, port: 8080 }\n"),
                        "listeners.egress.port: 8080 is another listener's port too"),
                Arguments.of("audit on_failure", VALID + "audit: { on_failure: maybe }\n", "maybe"),
                Arguments.of("audit spool too small", VALID + "audit: { spool: { max_size: 1KiB } }\n", "audit.spool.max_size must be at least 4KiB"),
                Arguments.of("audit node", VALID + "audit: { node: \"a b\" }\n", "audit.node: 'a b'"),
                Arguments.of("audit witness url", VALID + "audit: { checkpoint: { url: \"ftp://x\" } }\n", "audit.checkpoint.url: expected an http(s) URL"),
                Arguments.of("audit misspelled key", VALID + "audit: { on_failures: refuse }\n", "unknown key 'on_failures'"));
    }

    @Test
    void egressProxyKeysMapOneToOne() {
        BastionConfig c = parse(VALID.replace("  public: { port: 8080 }\n", "  public: { port: 8080 }\n  egress: { enabled: true, port: 3129 }\n") + """
                egress:
                  proxy:
                    connect_timeout: 3s
                    idle_timeout: 1m
                    max_duration: 2h
                    default: { allow: ["*.example.com"], deny: [bad.example.com] }
                    rules:
                      - { name: workers, orgs: [acme], roles: [worker], allow: ["*"], ports: [8443], allow_classes: [private], mode: report }
                """);
        assertThat(c.listeners().egress()).isEqualTo(new EgressListenerConfig(true, "127.0.0.1", 3129));
        EgressProxyConfig p = c.egress().proxy();
        assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(p.defaultRule()).isEqualTo(new ProxyRuleConfig("default", List.of(), List.of(), List.of("*.example.com"), List.of("bad.example.com"),
                List.of(443, 80), List.of(), ProxyRuleConfig.Mode.ENFORCE));
        assertThat(p.rules()).containsExactly(new ProxyRuleConfig("workers", List.of("acme"), List.of("worker"), List.of("*"), List.of(), List.of(8443),
                List.of("private"), ProxyRuleConfig.Mode.REPORT));
        // off unless enabled, on loopback:3128, and refusing everything
        BastionConfig defaults = parse(VALID);
        assertThat(defaults.listeners().egress()).isEqualTo(new EgressListenerConfig(false, "127.0.0.1", 3128));
        assertThat(defaults.egress().proxy().defaultRule().allow()).isEmpty();
        assertThat(defaults.egress().proxy().rules()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenConfigFailsWithThePathAndAPreciseMessage(String name, String yaml, String expected) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml: ").hasMessageContaining(expected);
    }

    @Test
    void literalSecretIsNeverEchoed() {
        assertThatThrownBy(() -> parse(VALID.replace("env:OPENAI_API_KEY", "sk-live-abcdef123")))
                .isInstanceOf(ConfigException.class).message().doesNotContain("sk-live-abcdef123");
    }

    @Test
    void emptyAndMissingFilesAreClearErrors() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(ConfigException.class).hasMessageContaining("empty file");
        assertThatThrownBy(() -> new ConfigLoader().load(Path.of("does/not/exist.yaml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void valueSyntaxes() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(ByteSize.parse("16KiB").bytes()).isEqualTo(16384);
        assertThat(ByteSize.parse("1024").bytes()).isEqualTo(1024);
        assertThat(Rate.parse("10/s")).isEqualTo(new Rate(10, Duration.ofSeconds(1)));
        assertThat(Rate.parse("2000/5m")).isEqualTo(new Rate(2000, Duration.ofMinutes(5)));
        assertThatThrownBy(() -> Rate.parse("0/1m")).hasMessageContaining("expected: > 0");
        assertThatThrownBy(() -> ByteSize.parse("1MB")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> SecretRef.parse("env:NOT-A-NAME")).hasMessageContaining("does not name an environment variable");
    }
}
