package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLS on the public listener (E1), probed with OpenSSL's own client so the test does not share the
 * server's TLS stack: TLS 1.2+ only, AEAD suites only, HSTS on every response.
 */
class GatewayTlsTest {
    static Path dir;
    static TestGateway gw;

    static String run(List<String> cmd, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return "exit=" + p.exitValue() + "\n" + out;
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bastion-tls");
        String made = run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), "");
        assertThat(made).startsWith("exit=0");
        gw = TestGateway.start("""
                listeners:
                  public:
                    host: 127.0.0.1
                    port: 0
                    tls: { cert: "%s", key: "%s" }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: status
                    match: { methods: [GET], path: /status }
                    upstream: app
                    public: true
                """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("bastion", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void httpsWorksAndEveryResponseCarriesHsts() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem"))).build()) {
            String base = "https://127.0.0.1:" + gw.gateway.publicPort();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000; includeSubDomains");
            HttpResponse<String> notFound = client.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000; includeSubDomains");
        }
        assertThat(gw.upstream.last().headers().get("X-Forwarded-Proto")).isEqualTo("https");
    }

    @ParameterizedTest(name = "{0} {1}: accepted={2}")
    @CsvSource({
            "-tls1_3, '', true",
            "-tls1_2, ECDHE-ECDSA-AES128-GCM-SHA256, true",
            "-tls1_2, ECDHE-ECDSA-CHACHA20-POLY1305, true",
            "-tls1_2, ECDHE-ECDSA-AES128-SHA256, false",   // CBC: refused
            "-tls1_2, ECDHE-ECDSA-AES256-SHA, false",      // CBC with SHA-1 MAC: refused
            "-tls1_1, 'ALL:@SECLEVEL=0', false",           // TLS 1.1: refused
            "-tls1, 'ALL:@SECLEVEL=0', false"})            // TLS 1.0: refused
    void onlyModernProtocolsAndAeadSuites(String protocol, String cipher, boolean accepted) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + gw.gateway.publicPort(),
                "-servername", "localhost", "-ign_eof", protocol));
        if (!cipher.isEmpty()) cmd.addAll(List.of("-cipher", cipher));
        String out = run(cmd, "GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        if (accepted) {
            assertThat(out).startsWith("exit=0").contains("HTTP/1.1 200");
        } else {
            assertThat(out).doesNotContain("HTTP/1.1 200");
        }
    }
}
