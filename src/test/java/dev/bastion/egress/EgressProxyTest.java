package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.authn.ApiKeyService;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The egress proxy through real connections on loopback: curl and the JDK's HttpClient as clients, a TLS
 * origin and a plain HTTP origin on 127.0.0.1 (each counting the connections it accepted), and a DNS server of
 * the test's own that maps names to loopback, metadata and private addresses. The default rule never reaches
 * loopback; the tests' orgs get rules that name {@code loopback} in {@code allow_classes}.
 */
class EgressProxyTest {
    static Path dir;
    static Vertx origins;
    static HttpServer tlsOrigin;
    static HttpServer httpOrigin;
    static final AtomicInteger accepted = new AtomicInteger();
    static final List<Map<String, String>> seenHeaders = Collections.synchronizedList(new ArrayList<>());
    static final List<Integer> hostCounts = Collections.synchronizedList(new ArrayList<>());
    static EgressConnectorTest.TinyDns dns;
    static TestGateway gw;
    static LogCapture logs;
    static String keyA, keyB, keyReport, keyOpen;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bastion-egress-proxy");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "2",
                "-subj", "/CN=allowed.test", "-addext", "subjectAltName=DNS:*.allowed.test,DNS:a-only.test,DNS:other.test,IP:127.0.0.1")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();

        origins = Vertx.vertx();
        tlsOrigin = await(origins.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("cert.pem").toString()).setKeyPath(dir.resolve("key.pem").toString())))
                .connectionHandler(c -> accepted.incrementAndGet()).requestHandler(EgressProxyTest::answer).listen(0, "127.0.0.1"));
        httpOrigin = await(origins.createHttpServer().connectionHandler(c -> accepted.incrementAndGet())
                .requestHandler(EgressProxyTest::answer).listen(0, "127.0.0.1"));

        dns = new EgressConnectorTest.TinyDns();
        for (String name : List.of("api.allowed.test", "blocked.allowed.test", "allowed.test", "a-only.test", "other.test", "deep.sub.allowed.test")) {
            dns.answers(name, List.of(List.of("127.0.0.1")));
        }
        dns.answers("metadata.allowed.test", List.of(List.of("169.254.169.254")));
        dns.answers("private.allowed.test", List.of(List.of("10.0.0.5")));
        dns.answers("mixed.allowed.test", List.of(List.of("127.0.0.1", "169.254.169.254")));
        dns.answers("rebind.allowed.test", List.of(List.of("127.0.0.1"), List.of("169.254.169.254")));

        int tls = tlsOrigin.actualPort(), http = httpOrigin.actualPort();
        logs = LogCapture.capture();
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                  egress: { enabled: true, host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                api_keys: { cache_ttl: 300ms }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: status
                    match: { methods: [GET], path: /status }
                    upstream: app
                    public: true
                egress:
                  proxy:
                    connect_timeout: 2s
                    default:
                      allow: ["*.allowed.test"]
                      ports: [443, TLS, HTTP]
                    rules:
                      - name: apps
                        orgs: [org-a]
                        allow: ["*.allowed.test", "A-ONLY.test."]
                        deny: [blocked.allowed.test]
                        ports: [443, 80, TLS, HTTP]
                        allow_classes: [loopback]
                      - name: rollout
                        orgs: [org-r]
                        allow: ["*.allowed.test"]
                        ports: [TLS, HTTP]
                        allow_classes: [loopback]
                        mode: report
                      - name: open
                        roles: [egress-open]
                        allow: ["*"]
                        ports: [443, 80, TLS, HTTP]
                        allow_classes: [loopback]
                """.replace("TLS", String.valueOf(tls)).replace("HTTP", String.valueOf(http)), 1, Map.of(), new VertxOptions().setAddressResolverOptions(dns.resolverOptions()));
        keyA = gw.createKey("org-a", "invoke");
        keyB = gw.createKey("org-b", "invoke");
        keyReport = gw.createKey("org-r", "invoke");
        keyOpen = gw.createKey("org-o", "egress-open");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        if (origins != null) origins.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (dns != null) dns.close();
        if (logs != null) logs.close();
    }

    @BeforeEach
    void reset() {
        accepted.set(0);
        seenHeaders.clear();
    }

    private static void answer(io.vertx.core.http.HttpServerRequest req) {
        Map<String, String> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        req.headers().forEach(e -> h.put(e.getKey(), e.getValue()));
        seenHeaders.add(h);
        hostCounts.add(req.headers().getAll("Host").size());
        req.body().onSuccess(body -> {
            if (req.path().equals("/echo")) req.response().end(body);
            else req.response().putHeader("Content-Type", "text/plain").end("hello " + req.path());
        });
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int proxyPort() {
        return gw.gateway.egressPort();
    }

    // ---- clients ----------------------------------------------------------------------------------------------

    record Curl(int exit, int connectCode, int httpCode, String body) {}

    /** curl through the proxy: {@code KEY@} in the proxy URL (null: none). */
    static Curl curl(String key, String url, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--noproxy", "", "-x",
                "http://" + (key == null ? "" : key + "@") + "127.0.0.1:" + proxyPort(), "--cacert", dir.resolve("cert.pem").toString(),
                "-w", "\n%{http_connect} %{http_code}", url));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        String[] codes = out.substring(nl + 1).trim().split(" ");
        return new Curl(p.exitValue(), Integer.parseInt(codes[0]), Integer.parseInt(codes[1]), out.substring(0, Math.max(0, nl)));
    }

    record Raw(int status, Map<String, String> headers, String body) {
        JsonNode error() throws Exception {
            return JSON.readTree(body).get("error");
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One request on a raw socket to the proxy; reads the answer's head and its Content-Length body. */
    static Raw raw(String requestLine, String proxyAuthorization) throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxyPort())) {
            s.setSoTimeout(10_000);
            String head = requestLine + "\r\nHost: " + requestLine.split(" ")[1].replaceFirst("^http://", "").replaceFirst("/.*", "") + "\r\n"
                    + (proxyAuthorization == null ? "" : "Proxy-Authorization: " + proxyAuthorization + "\r\n") + "\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            return readResponse(s.getInputStream());
        }
    }

    static Raw readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            buf.write(b);
        }
        String[] lines = buf.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) headers.put(lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
        byte[] body = in.readNBytes(length);
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** The egress_connection audit records written so far, as the production encoder renders them. */
    static List<JsonNode> records() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : logs.rendered()) {
            if (!line.contains("\"egress_connection\"")) continue;
            JsonNode n = JSON.readTree(line);
            if ("egress_connection".equals(n.path("event").asText())) out.add(n);
        }
        return out;
    }

    static JsonNode record(String host, int port, String decision) throws Exception {
        return record(host, port, decision, null);
    }

    /** The last record for host:port with this decision (and of this org, unless null), waiting for it. */
    static JsonNode record(String host, int port, String decision, String org) throws Exception {
        JsonNode[] found = new JsonNode[1];
        Eventually.until("an egress_connection record for " + host + ":" + port, () -> {
            for (JsonNode n : records()) {
                if (n.path("host").asText().equals(host) && n.path("port").asInt() == port && n.path("decision").asText().equals(decision)
                        && (org == null || n.path("org").asText().equals(org))) {
                    found[0] = n;
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    // ---- tests ------------------------------------------------------------------------------------------------

    @Test
    void curlReachesAnAllowedDomainThroughATlsTunnelAndPlainHttp() throws Exception {
        Curl tls = curl(keyA, "https://api.allowed.test:" + tlsOrigin.actualPort() + "/hello");
        assertThat(tls.exit()).isZero();
        assertThat(tls.connectCode()).isEqualTo(200);
        assertThat(tls.body()).isEqualTo("hello /hello");
        // a deeper subdomain matches *.allowed.test too
        assertThat(curl(keyA, "http://deep.sub.allowed.test:" + httpOrigin.actualPort() + "/deep").body()).isEqualTo("hello /deep");

        Curl plain = curl(keyA, "http://api.allowed.test:" + httpOrigin.actualPort() + "/echo", "--data-binary", "ping-body");
        assertThat(plain.httpCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("ping-body");
        Map<String, String> h = seenHeaders.getLast();
        assertThat(h.get("Host")).isEqualTo("api.allowed.test:" + httpOrigin.actualPort());
        assertThat(h).doesNotContainKeys("Proxy-Authorization", "Proxy-Connection");
        assertThat(h.values()).noneMatch(v -> v.contains(keyA));
        assertThat(record("api.allowed.test", tlsOrigin.actualPort(), "allow").path("rule").asText()).isEqualTo("apps");

        // Host comes from the target, once: a client's other Host cannot pick a virtual host the rule did not judge
        try (Socket s = new Socket("127.0.0.1", proxyPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET http://api.allowed.test:" + httpOrigin.actualPort() + "/vhost HTTP/1.1\r\nHost: admin.internal\r\n"
                    + "Proxy-Authorization: " + basic(keyA, "") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(s.getInputStream()).body()).isEqualTo("hello /vhost");
        }
        assertThat(seenHeaders.getLast().get("Host")).isEqualTo("api.allowed.test:" + httpOrigin.actualPort());
        assertThat(hostCounts.getLast()).isEqualTo(1);
    }

    @Test
    void theJdkHttpClientWorksThroughTheProxy() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            ks.setCertificateEntry("origin", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        // plain http: a ProxySelector and an Authenticator (the JDK answers the 407 challenge with Basic user:password)
        try (HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort())))
                .authenticator(new java.net.Authenticator() {
                    @Override
                    protected java.net.PasswordAuthentication getPasswordAuthentication() {
                        return new java.net.PasswordAuthentication("bastion", keyA.toCharArray());
                    }
                }).sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://api.allowed.test:" + httpOrigin.actualPort() + "/jdk")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello /jdk");
        }
        // https: the JDK sends a Proxy-Authorization header of the request on its CONNECT (Basic for tunnels is off by default)
        try (HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort())))
                .sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://api.allowed.test:" + tlsOrigin.actualPort() + "/jdk-tls"))
                    .header("Proxy-Authorization", "Bearer " + keyA).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello /jdk-tls");
        }
    }

    @Test
    void domainsOutsideTheRuleAndDeniedDomainsAndPortsAreRefusedBeforeAnyConnection() throws Exception {
        int tls = tlsOrigin.actualPort();
        // deny wins over *.allowed.test
        Raw denied = raw("CONNECT blocked.allowed.test:" + tls + " HTTP/1.1", basic(keyA, ""));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.error().path("code").asText()).isEqualTo("egress_denied");
        assertThat(denied.error().path("message").asText()).contains("domain_denied").doesNotContain("127.0.0.1");
        assertThat(denied.error().path("request_id").asText()).isEqualTo(denied.headers().get("X-Request-Id"));
        // the apex is not a subdomain
        assertThat(raw("CONNECT allowed.test:" + tls + " HTTP/1.1", basic(keyA, "")).error().path("message").asText()).contains("domain_not_allowed");
        assertThat(raw("CONNECT other.test:" + tls + " HTTP/1.1", basic(keyA, "")).status()).isEqualTo(403);
        // a port the rule does not list
        Raw port = raw("CONNECT api.allowed.test:8 HTTP/1.1", basic(keyA, ""));
        assertThat(port.status()).isEqualTo(403);
        assertThat(port.error().path("message").asText()).contains("port_not_allowed");
        // absolute form is judged the same way
        assertThat(raw("GET http://blocked.allowed.test:" + httpOrigin.actualPort() + "/ HTTP/1.1", basic(keyA, "")).status()).isEqualTo(403);
        // exact names are canonical: case and a trailing dot do not matter, either way round
        assertThat(curl(keyA, "https://A-Only.TEST:" + tls + "/x").body()).isEqualTo("hello /x");
        assertThat(raw("CONNECT BLOCKED.allowed.test.:" + tls + " HTTP/1.1", basic(keyA, "")).status()).isEqualTo(403);
        assertThat(accepted).hasValue(1); // only the A-Only.TEST tunnel
        JsonNode r = record("blocked.allowed.test", tls, "deny", "org-a");
        assertThat(r.path("reason").asText()).isEqualTo("domain_denied");
        assertThat(r.path("org").asText()).isEqualTo("org-a");
        assertThat(r.path("connected").asBoolean()).isFalse();
    }

    @Test
    void withoutAValidCredentialTheAnswerIs407AndNothingGoesUpstream() throws Exception {
        int tls = tlsOrigin.actualPort();
        String target = "CONNECT api.allowed.test:" + tls + " HTTP/1.1";
        Raw none = raw(target, null);
        assertThat(none.status()).isEqualTo(407);
        assertThat(none.headers().get("Proxy-Authenticate")).isEqualTo("Basic realm=\"bastion-egress\"");
        assertThat(none.error().path("code").asText()).isEqualTo("proxy_credentials_missing");
        Raw bad = raw(target, basic("bst_notarealkey0000000000000000000000000000", ""));
        assertThat(bad.status()).isEqualTo(407);
        assertThat(bad.headers().get("Proxy-Authenticate")).isEqualTo("Basic realm=\"bastion-egress\"");
        assertThat(raw(target, "Bearer not-a-token").status()).isEqualTo(407);
        assertThat(curl(null, "https://api.allowed.test:" + tls + "/").connectCode()).isEqualTo(407);
        assertThat(curl("wrong", "http://api.allowed.test:" + httpOrigin.actualPort() + "/").httpCode()).isEqualTo(407);
        assertThat(accepted).hasValue(0); // not one connection to the origin for any of them
        // a revoked key stops working within the key cache's TTL
        ApiKeyService.CreatedKey k = gw.createKeyRecord("org-a", "invoke");
        assertThat(raw(target, basic(k.plaintext(), "")).status()).isEqualTo(200);
        assertThat(new ApiKeyService(gw.store, Clock.systemUTC()).revoke(k.record().id())).isTrue();
        Eventually.until("the revoked key refused", () -> raw(target, basic(k.plaintext(), "")).status() == 407);
        int before = accepted.get();
        assertThat(raw(target, basic(k.plaintext(), "")).error().path("code").asText()).isEqualTo("api_key_revoked");
        assertThat(accepted).hasValue(before);
        // the key may be the password, with any user name, and Bearer works too
        assertThat(raw(target, basic("bastion", keyA)).status()).isEqualTo(200);
        assertThat(raw(target, "Bearer " + keyA).status()).isEqualTo(200);
    }

    @Test
    void aBastionTokenIsACredentialToo() throws Exception {
        dev.bastion.tokens.ClientService.CreatedClient c = new dev.bastion.tokens.ClientService(gw.store, Clock.systemUTC())
                .create("org-a", java.util.Set.of("invoke"), null, null);
        HttpResponse<String> t = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(c.client().id(), c.secret()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        String token = JSON.readTree(t.body()).get("access_token").asText();
        String target = "CONNECT a-only.test:" + tlsOrigin.actualPort() + " HTTP/1.1";
        assertThat(raw(target, "Bearer " + token).status()).isEqualTo(200);
        assertThat(raw(target, basic("bastion", token)).status()).isEqualTo(200);
        assertThat(raw(target, "Bearer " + token.substring(0, token.length() - 2) + "xx").status()).isEqualTo(407); // a forged signature
        JsonNode r = record("a-only.test", tlsOrigin.actualPort(), "allow", "org-a");
        assertThat(r.path("principal").asText()).isEqualTo("client:" + c.client().id());
        assertThat(logs.all()).doesNotContain(token).doesNotContain(c.secret());
    }

    @Test
    void oneOrgsRuleDoesNotApplyToAnother() throws Exception {
        int tls = tlsOrigin.actualPort();
        assertThat(raw("CONNECT a-only.test:" + tls + " HTTP/1.1", basic(keyA, "")).status()).isEqualTo(200);
        // org-b falls to the default rule: a-only.test is not in it, and loopback is never reachable by default
        Raw b = raw("CONNECT a-only.test:" + tls + " HTTP/1.1", basic(keyB, ""));
        assertThat(b.status()).isEqualTo(403);
        assertThat(b.error().path("message").asText()).contains("domain_not_allowed");
        Raw loop = raw("CONNECT api.allowed.test:" + tls + " HTTP/1.1", basic(keyB, ""));
        assertThat(loop.status()).isEqualTo(403);
        assertThat(loop.error().path("message").asText()).contains("loopback").doesNotContain("127.0.0.1");
        JsonNode r = record("api.allowed.test", tls, "deny", "org-b");
        assertThat(r.path("rule").asText()).isEqualTo("default");
        assertThat(r.path("reason").asText()).isEqualTo("address_class:loopback");
    }

    @Test
    void aReportOnlyRuleLetsTheConnectionThroughAndRecordsWhatItWouldHaveRefused() throws Exception {
        int tls = tlsOrigin.actualPort();
        // other.test is not among the rollout rule's domains, the public listener's port not among its ports: both go
        // through, both recorded as report with the reason
        assertThat(curl(keyReport, "https://other.test:" + tls + "/r2").body()).isEqualTo("hello /r2");
        JsonNode other = record("other.test", tls, "report");
        assertThat(other.path("reason").asText()).isEqualTo("domain_not_allowed");
        assertThat(other.path("mode").asText()).isEqualTo("report");
        assertThat(other.path("outcome").asText()).isEqualTo("completed");
        assertThat(raw("GET http://api.allowed.test:" + gw.gateway.publicPort() + "/status HTTP/1.1", basic(keyReport, "")).status()).isEqualTo(200);
        assertThat(record("api.allowed.test", gw.gateway.publicPort(), "report").path("reason").asText()).isEqualTo("port_not_allowed");
        // an allowed domain is plainly allowed
        assertThat(curl(keyReport, "https://api.allowed.test:" + tls + "/r").body()).isEqualTo("hello /r");
        assertThat(record("api.allowed.test", tls, "allow", "org-r").path("rule").asText()).isEqualTo("rollout");
        // address classes are enforced in report mode too: a rollout is no window onto metadata or private networks
        for (String host : List.of("metadata.allowed.test", "169.254.169.254", "private.allowed.test")) {
            Raw r = raw("CONNECT " + host + ":" + tls + " HTTP/1.1", basic(keyReport, ""));
            assertThat(r.status()).as(host).isEqualTo(403);
        }
        assertThat(record("metadata.allowed.test", tls, "deny", "org-r").path("reason").asText()).isEqualTo("address_class:metadata");
        assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body())
                .contains("bastion_egress_proxy_connections_total{decision=\"report\",outcome=\"completed\",reason=\"domain_not_allowed\",rule=\"rollout\"}");
    }

    @Test
    void metadataPrivateAndOtherClassesAreRefusedInEverySpellingEvenWhereAnyDomainIsAllowed() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        for (String m : List.of("169.254.169.254", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe", "169.254.43518",
                "[::ffff:a9fe:a9fe]", "[::ffff:169.254.169.254]", "[::169.254.169.254]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b:1::a9fe:a9fe]",
                "[2002:a9fe:a9fe::]", "[2001:0:4136:e378:8000:63bf:5601:5601]", "[fd00:ec2::254]", "100.100.100.200", "168.63.129.16",
                "metadata.allowed.test", "mixed.allowed.test")) {
            cases.put(m, "metadata");
        }
        for (String m : List.of("10.0.0.5", "0x0a000005", "10.5", "012.0.0.5", "192.168.1.1", "172.16.0.1", "[::ffff:10.0.0.5]", "[::10.0.0.5]",
                "[64:ff9b::a00:5]", "private.allowed.test")) {
            cases.put(m, "private");
        }
        cases.put("100.64.0.1", "cgnat");
        cases.put("[fd12::1]", "unique_local");
        cases.put("0.0.0.0", "unspecified");
        cases.put("[::]", "unspecified");
        cases.put("169.254.1.1", "link_local");
        cases.put("[fe80::1]", "link_local");
        cases.put("224.0.0.1", "multicast");
        cases.put("255.255.255.255", "broadcast");
        cases.forEach((host, cls) -> {
            try {
                for (String line : List.of("CONNECT " + host + ":443 HTTP/1.1", "GET http://" + host + "/latest/meta-data/ HTTP/1.1")) {
                    Raw r = raw(line, basic(keyOpen, ""));
                    assertThat(r.status()).as(line).isEqualTo(403);
                    assertThat(r.error().path("code").asText()).as(line).isEqualTo("egress_denied");
                    assertThat(r.error().path("message").asText()).as(line).contains("(" + cls + ")").doesNotContain("169.254").doesNotContain("10.0.0.5");
                }
            } catch (Exception e) {
                throw new AssertionError(host, e);
            }
        });
        // loopback, which the rule names, is reached in its other spellings: the class decides, not the spelling
        for (String host : List.of("127.0.0.1", "2130706433", "127.1", "0x7f.1", "[::ffff:127.0.0.1]")) {
            assertThat(raw("GET http://" + host + ":" + httpOrigin.actualPort() + "/spelled HTTP/1.1", basic(keyOpen, "")).status()).as(host).isEqualTo(200);
        }
        assertThat(record("169.254.169.254", 443, "deny").path("reason").asText()).isEqualTo("address_class:metadata");
    }

    @Test
    void badRequestsGetAClearError() throws Exception {
        for (String line : List.of("GET /origin-form HTTP/1.1", "CONNECT api.allowed.test HTTP/1.1", "CONNECT api.allowed.test:99999 HTTP/1.1",
                "CONNECT user@api.allowed.test:443 HTTP/1.1", "GET http://user:pw@api.allowed.test/ HTTP/1.1", "GET https://api.allowed.test/ HTTP/1.1",
                "CONNECT [::1:443 HTTP/1.1", "GET ftp://api.allowed.test/ HTTP/1.1")) {
            Raw r = raw(line, basic(keyA, ""));
            assertThat(r.status()).as(line).isEqualTo(400);
            assertThat(r.error().path("code").asText()).as(line).isEqualTo("proxy_request_invalid");
            assertThat(r.error().path("request_id").asText()).as(line).isNotEmpty();
        }
        assertThat(accepted).hasValue(0);
    }

    @Test
    void dnsRebindingCannotMoveATunnel() throws Exception {
        int http = httpOrigin.actualPort();
        // first answer loopback (the open rule allows it): the tunnel goes to the address checked, DNS asked once
        Raw first = raw("GET http://rebind.allowed.test:" + http + "/first HTTP/1.1", basic(keyOpen, ""));
        assertThat(first.status()).isEqualTo(200);
        assertThat(dns.queries("rebind.allowed.test")).isEqualTo(1);
        // the next answer is metadata: refused at connect time, before any connection
        int before = accepted.get();
        Raw second = raw("CONNECT rebind.allowed.test:" + http + " HTTP/1.1", basic(keyOpen, ""));
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.error().path("message").asText()).contains("metadata");
        assertThat(dns.queries("rebind.allowed.test")).isEqualTo(2);
        assertThat(accepted).hasValue(before);
    }

    @Test
    void theRecordCountsTheBytesEachWayAndTheKeyIsNeverLogged() throws Exception {
        int http = httpOrigin.actualPort();
        String request = "POST /echo HTTP/1.1\r\nHost: api.allowed.test\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + "x".repeat(1000);
        byte[] answer;
        try (Socket s = new Socket("127.0.0.1", proxyPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT api.allowed.test:" + http + " HTTP/1.1\r\nHost: api.allowed.test:" + http + "\r\nProxy-Authorization: "
                    + basic(keyA, "") + "\r\nX-Request-Id: bytes-test-0001\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            Raw connect = readResponse(in);
            assertThat(connect.status()).isEqualTo(200);
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            answer = in.readAllBytes(); // the origin closes after its answer (Connection: close)
        }
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").endsWith("x".repeat(1000));
        JsonNode r = record("api.allowed.test", http, "allow");
        Eventually.until("the tunnel's record", () -> records().stream().anyMatch(n -> n.path("request_id").asText().equals("bytes-test-0001")));
        r = records().stream().filter(n -> n.path("request_id").asText().equals("bytes-test-0001")).findFirst().orElseThrow();
        assertThat(r.path("method").asText()).isEqualTo("CONNECT");
        assertThat(r.path("principal").asText()).startsWith("key:");
        assertThat(r.path("org").asText()).isEqualTo("org-a");
        assertThat(r.path("rule").asText()).isEqualTo("apps");
        assertThat(r.path("bytes_client_to_upstream").asLong()).isEqualTo(request.length());
        assertThat(r.path("bytes_upstream_to_client").asLong()).isEqualTo(answer.length);
        assertThat(r.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(r.path("outcome").asText()).isEqualTo("completed");
        String metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
        assertThat(metrics).contains("bastion_egress_proxy_bytes_total{direction=\"client_to_upstream\",rule=\"apps\"}");
        // no key in any log line, rendered or not, nor in any access line
        for (String key : List.of(keyA, keyB, keyReport, keyOpen)) {
            assertThat(logs.all()).doesNotContain(key);
            assertThat(String.join("\n", logs.rendered())).doesNotContain(key);
            assertThat(String.join("\n", gw.accessLines())).doesNotContain(key);
            assertThat(metrics).doesNotContain(key);
        }
    }
}
