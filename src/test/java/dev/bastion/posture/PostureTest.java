package dev.bastion.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every posture row fires on a config that violates it and stays quiet on a near miss that does not. Certificates are
 * made by the JDK's keytool with the dates each case needs; a secret's age is its file's modification time.
 */
class PostureTest {
    @TempDir
    static Path dir;

    static Path valid, expired, expiring, notPem, freshSecret, staleSecret;

    /** A config no row fires on: every case below changes one thing in it. */
    static final String CONSOLE_OIDC = "console: { oidc: { issuer: \"https://idp.example.com\", client_id: bastion-console, client_secret: \"SECRET\", "
            + "roles: { claim: groups, operator: [platform-ops] } } }\n";
    static final String BASE = """
            listeners:
              public: { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            store: { url: "sqlite:/tmp/posture-test.db" }
            tokens: { master_key: env:MASTER }
            audit: { sinks: [{ type: file, path: /tmp/posture-audit.jsonl }] }
            limits: { defaults: [{ per: org, rate: 100/1m }] }
            upstreams:
              app: { url: "https://api.example.com" }
            routes:
              - id: app
                match: { methods: [GET], path: /app }
                upstream: app
                auth: { methods: [api_key] }
            """;

    static final String CHAT = """
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: app
                llm: chat
            """;

    /** An MCP route no MCP row fires on (each MCP case changes one thing in it). */
    static final String MCP = """
              - id: mcp
                match: { methods: [POST], path: /mcp }
                auth: { methods: [api_key] }
                mcp:
                  servers: [{ name: s, upstream: app }]
                  resource: https://gw.example.com/mcp
                  authorization_servers: [https://idp.example.com]
                  access: { default: deny }
            """;

    @BeforeAll
    static void files() throws Exception {
        valid = certificate("valid", "-1d", 365);
        expired = certificate("expired", "-400d", 30);
        expiring = certificate("expiring", "-1d", 10);
        notPem = Files.writeString(dir.resolve("not-pem.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("key.pem"), "unused: the check reads the certificate only\n");
        freshSecret = Files.writeString(dir.resolve("fresh-key"), "sk-fresh");
        staleSecret = Files.writeString(dir.resolve("stale-key"), "sk-stale");
        Files.setLastModifiedTime(staleSecret, FileTime.from(Instant.now().minus(Duration.ofDays(100))));
    }

    /** A self-signed certificate valid from {@code start} (keytool's relative form) for {@code days}, exported as PEM. */
    private static Path certificate(String name, String start, int days) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-keystore", store.toString(), "-storepass", "changeit", "-alias", "a", "-keyalg", "EC",
                "-dname", "CN=" + name, "-startdate", start, "-validity", Integer.toString(days));
        run(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storepass", "changeit", "-alias", "a", "-file", pem.toString());
        return pem;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(command[1] + " failed: " + out);
    }

    private static String tls(Path cert) {
        return "tls: { cert: " + cert + ", key: " + dir.resolve("key.pem") + " }";
    }

    private static String withTls(Path cert) {
        return BASE.replace("public: { host: 127.0.0.1, port: 0 }", "public: { host: 127.0.0.1, port: 0, " + tls(cert) + " }");
    }

    static Stream<Arguments> rows() {
        String publicRoute = BASE.replace("auth: { methods: [api_key] }", "public: true");
        return Stream.of(
                Arguments.of("BP-TLS-001", BASE.replace("public: { host: 127.0.0.1, port: 0 }", "public: { host: 0.0.0.0, port: 0 }"),
                        BASE.replace("public: { host: 127.0.0.1, port: 0 }", "public: { host: 0.0.0.0, port: 0, " + tls(valid) + " }")),
                Arguments.of("BP-TLS-002", BASE.replace("public: { host: 127.0.0.1, port: 0 }", "public: { host: 0.0.0.0, port: 0, trusted_proxies: [10.0.0.0/8] }"),
                        BASE.replace("public: { host: 127.0.0.1, port: 0 }", "public: { host: 127.0.0.1, port: 0, trusted_proxies: [10.0.0.0/8] }")),
                Arguments.of("BP-CERT-001", withTls(expired),
                        withTls(valid)),
                Arguments.of("BP-CERT-001", withTls(notPem),
                        withTls(expiring)),
                Arguments.of("BP-CERT-002", withTls(expiring),
                        withTls(valid)),
                Arguments.of("BP-ADMIN-001", BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 0.0.0.0, port: 0, unsafe_expose: true }"),
                        BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: localhost, port: 0 }")),
                Arguments.of("BP-ADMIN-001", BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 0.0.0.0, port: 0, unsafe_expose: true, "
                                + tls(valid).replace(" }", ", client_auth: request, client_ca: " + valid + " }") + " }"),
                        BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 0.0.0.0, port: 0, unsafe_expose: true, "
                                + tls(valid).replace(" }", ", client_auth: required, client_ca: " + valid + " }") + " }")),
                Arguments.of("BP-UPSTREAM-001", BASE.replace("upstreams:\n", "environment: prod\nupstreams:\n"),
                        BASE.replace("upstreams:\n", "environment: prod\nupstreams:\n").replace("url: \"https://api.example.com\" }",
                                "url: \"https://api.example.com\", tls: { ca: " + valid + " } }")),
                Arguments.of("BP-CONSOLE-001", BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 0.0.0.0, port: 0, unsafe_expose: true }"),
                        BASE.replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 0.0.0.0, port: 0, unsafe_expose: true }")
                                + "console: { public_url: \"https://console.example.com\" }\n"),
                Arguments.of("BP-CONSOLE-002", BASE + CONSOLE_OIDC.replace("SECRET", "env:CONSOLE_SECRET"), BASE + CONSOLE_OIDC.replace("SECRET", "file:/run/secrets/console")),
                Arguments.of("BP-KEY-001", BASE.replace("tokens: { master_key: env:MASTER }\n", ""), BASE),
                Arguments.of("BP-CORS-001", BASE.replace("upstream: app\n", "upstream: app\n    cors: { origins: ['*'] }\n"),
                        BASE.replace("upstream: app\n", "upstream: app\n    cors: { origins: ['https://app.example.com'] }\n")),
                Arguments.of("BP-AUTH-001", publicRoute, BASE),
                Arguments.of("BP-AUTH-002", BASE + CHAT + "    public: true\n", BASE + CHAT + "    auth: { methods: [api_key] }\n"),
                Arguments.of("BP-WAF-001", publicRoute + "waf: { rules: { mode: detect } }\n", publicRoute),
                Arguments.of("BP-WAF-002", BASE + "    waf: { enabled: false }\n", BASE + "    waf: { enabled: true }\n"),
                Arguments.of("BP-GUARD-001", BASE + CHAT + "    auth: { methods: [api_key] }\n    guard: off\n", BASE + CHAT + "    auth: { methods: [api_key] }\n"),
                Arguments.of("BP-MCP-001", BASE + MCP + "      pinning: { mode: off }\n", BASE + MCP + "      pinning: { mode: approve }\n"),
                Arguments.of("BP-MCP-002", BASE + MCP + "      guard: { results: false }\n", BASE + MCP + "      guard: { policy: default }\n"),
                Arguments.of("BP-MCP-003", BASE + MCP.replace("      access: { default: deny }\n", ""), BASE + MCP),
                Arguments.of("BP-GRAPHQL-001", BASE.replace("[GET], path: /app }", "[POST], path: /graphql }") + "    graphql: { introspection: true }\n",
                        BASE.replace("[GET], path: /app }", "[POST], path: /graphql }") + "    graphql: {}\n"),
                Arguments.of("BP-LIMIT-001", BASE.replace("limits: { defaults: [{ per: org, rate: 100/1m }] }\n", ""),
                        BASE.replace("limits: { defaults: [{ per: org, rate: 100/1m }] }\n", "") + "    limits: [{ per: api_key, rate: 100/1m }]\n"),
                Arguments.of("BP-LIMIT-002", BASE.replace("limits: { defaults:", "limits: { per_ip: off, defaults:"), BASE),
                Arguments.of("BP-STORE-001", BASE.replace("{ url: \"sqlite:/tmp/posture-test.db\" }", "{ url: \"postgresql://db.internal:5432/b\", username: b, password: env:DB }"),
                        BASE.replace("{ url: \"sqlite:/tmp/posture-test.db\" }", "{ url: \"postgresql://db.internal:5432/b?sslmode=verify-full\", username: b, password: env:DB }")),
                Arguments.of("BP-STORE-002", BASE.replace("{ url: \"sqlite:/tmp/posture-test.db\" }", "{ url: \"postgresql://db.internal:5432/b\", insecure_transport: true }"),
                        BASE.replace("{ url: \"sqlite:/tmp/posture-test.db\" }", "{ url: \"postgresql://db.internal:5432/b?sslmode=verify-full\", insecure_transport: true }")),
                Arguments.of("BP-REDIS-001", BASE + "redis: { url: \"rediss://cache.internal:6380\" }\n",
                        BASE + "redis: { url: \"rediss://cache.internal:6380\", password: env:REDIS }\n"),
                Arguments.of("BP-REDIS-001", BASE + "redis: { url: \"redis://cache.internal:6379\", password: env:REDIS }\n",
                        BASE + "redis: { url: \"rediss://cache.internal:6380\", password: env:REDIS, ca_file: " + valid + " }\n"),
                Arguments.of("BP-REDIS-002", BASE + "redis: { url: \"redis://cache.internal:6379\", insecure_transport: true }\n",
                        BASE + "redis: { url: \"rediss://cache.internal:6380\", password: env:REDIS }\n"),
                Arguments.of("BP-AUDIT-001", BASE.replace("audit: { sinks:", "audit: { enabled: false, sinks:"), BASE),
                Arguments.of("BP-AUDIT-002", BASE.replace("audit: { sinks: [{ type: file, path: /tmp/posture-audit.jsonl }] }\n", ""), BASE),
                Arguments.of("BP-AUDIT-004", BASE + "data_protection: { audit_encrypt: [ip] }\n",
                        BASE.replace("audit: { sinks:", "audit: { log_lines: false, sinks:") + "data_protection: { audit_encrypt: [ip] }\n"),
                Arguments.of("BP-AUDIT-003", BASE + "retention: { audit: 30d }\n", BASE + "retention: { audit: 400d }\n"),
                Arguments.of("BP-SECRET-001", BASE.replace("\"https://api.example.com\" }", "\"https://api.example.com\", api_key: \"file:" + staleSecret + "\" }"),
                        BASE.replace("\"https://api.example.com\" }", "\"https://api.example.com\", api_key: \"file:" + freshSecret + "\" }")));
    }

    private static BastionConfig parse(String yaml) {
        return new ConfigLoader().parse(yaml, "posture-test.yaml");
    }

    private static Set<String> ids(String yaml) {
        return Posture.check(parse(yaml), Instant.now()).findings().stream().map(Finding::id).collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachRowFiresOnAViolationAndStaysQuietOnANearMiss(String id, String violating, String nearMiss) {
        assertThat(ids(violating)).as("the violating config").contains(id);
        assertThat(ids(nearMiss)).as("the near miss").doesNotContain(id);
    }

    @Test
    void theBaseIsCleanAndEveryRowHasACase() {
        assertThat(Posture.check(parse(BASE), Instant.now()).findings()).isEmpty();
        Set<String> covered = rows().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(Posture.ROWS.stream().map(Row::id).toList());
        assertThat(Posture.ROWS.stream().map(Row::id).distinct().count()).as("ids are unique").isEqualTo(Posture.ROWS.size());
    }

    @Test
    void aFindingNamesThePlaceAndNeverTheSecretsValue() throws Exception {
        String yaml = BASE.replace("\"https://api.example.com\" }", "\"https://api.example.com\", api_key: \"file:" + staleSecret + "\" }")
                .replace("upstream: app\n", "upstream: app\n    cors: { origins: ['*'] }\n");
        PostureReport report = Posture.check(parse(yaml), Instant.now());
        assertThat(report.findings()).extracting(Finding::where)
                .containsExactly("routes[0].cors.origins (app)", "upstreams.app.api_key (100d old, max_age 90d)");
        assertThat(report.table() + report.json()).doesNotContain("sk-stale");
    }

    @Test
    void aCertificateIsJudgedAtTheInstantGiven() {
        BastionConfig c = parse(withTls(valid));
        assertThat(Posture.check(c, Instant.now()).findings()).isEmpty();
        List<String> later = Posture.check(c, Instant.now().plus(Duration.ofDays(350))).findings().stream().map(Finding::id).toList();
        assertThat(later).containsExactly("BP-CERT-002");
        List<String> after = Posture.check(c, Instant.now().plus(Duration.ofDays(400))).findings().stream().map(Finding::id).toList();
        assertThat(after).containsExactly("BP-CERT-001");
    }

    @Test
    void theOperationsDocListsEveryRowWithItsSeverity() throws Exception {
        List<String> documented = Files.readAllLines(Path.of("docs/operations.md")).stream().filter(l -> l.startsWith("| `BP-"))
                .map(l -> l.split("\\|")).map(cells -> cells[1].strip().replace("`", "") + " " + cells[2].strip()).toList();
        assertThat(documented).containsExactlyElementsOf(Posture.ROWS.stream().map(r -> r.id() + " " + r.severity().label()).toList());
    }

    @Test
    void theWatchersOverdueSecretsAddToTheFilesViewWithoutRepeatingIt() {
        String yaml = BASE.replace("\"https://api.example.com\" }", "\"https://api.example.com\", api_key: \"file:" + staleSecret + "\" }");
        PostureReport files = Posture.check(parse(yaml), Instant.now());
        PostureReport both = Posture.withOverdueSecrets(files, List.of("upstreams.app.api_key", "upstreams.other.api_key"));
        assertThat(both.findings()).extracting(Finding::where).containsExactly("upstreams.app.api_key (100d old, max_age 90d)",
                "upstreams.other.api_key (past its max_age, reported by the secret watcher)");
        assertThat(Posture.withOverdueSecrets(files, List.of()).findings()).isEqualTo(files.findings());
    }
}
