package dev.bastion.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream mTLS and pinning (E7) through the real gateway: a Vert.x HTTPS upstream that requires a client certificate
 * from its own CA and answers with the name in the one it got.
 */
class UpstreamMtlsTest {
    static Path dir;
    static Vertx vertx;
    static HttpServer upstream;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bastion-upstream-mtls");
        TestCertificates.ca(dir, "server-ca");
        TestCertificates.server(dir, "server-ca", "upstream", "IP:127.0.0.1");
        TestCertificates.server(dir, "server-ca", "impostor", "IP:127.0.0.1"); // valid for the host, another key
        TestCertificates.ca(dir, "client-ca");
        TestCertificates.client(dir, "client-ca", "bastion-1", "/CN=bastion-1", null);
        TestCertificates.client(dir, "client-ca", "bastion-2", "/CN=bastion-2", null);
        TestCertificates.ca(dir, "other-ca");
        TestCertificates.client(dir, "other-ca", "stranger", "/CN=stranger", null);
        // the file the gateway reads, rotated in place later
        Files.copy(dir.resolve("bastion-1.pem"), dir.resolve("live.pem"));
        Files.copy(dir.resolve("bastion-1-key.pem"), dir.resolve("live-key.pem"));

        vertx = Vertx.vertx();
        upstream = listen("upstream");
        int port = upstream.actualPort();
        String pin = TestCertificates.spkiPin(dir.resolve("upstream.pem"));
        String otherPin = TestCertificates.spkiPin(dir.resolve("impostor.pem"));
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                secrets: { poll_interval: 100ms }
                upstreams:
                  live: { url: "https://127.0.0.1:%1$d", tls: { client_cert: "file:%2$s/live.pem", client_key: "file:%2$s/live-key.pem", ca: "%2$s/server-ca.pem" } }
                  nocert: { url: "https://127.0.0.1:%1$d", tls: { ca: "%2$s/server-ca.pem" } }
                  stranger: { url: "https://127.0.0.1:%1$d", tls: { client_cert: "file:%2$s/stranger.pem", client_key: "file:%2$s/stranger-key.pem", ca: "%2$s/server-ca.pem" } }
                  untrusted: { url: "https://127.0.0.1:%1$d", tls: { client_cert: "file:%2$s/bastion-2.pem", client_key: "file:%2$s/bastion-2-key.pem", ca: "%2$s/other-ca.pem" } }
                  pinned: { url: "https://127.0.0.1:%1$d", tls: { client_cert: "file:%2$s/bastion-2.pem", client_key: "file:%2$s/bastion-2-key.pem", ca: "%2$s/server-ca.pem", pin_sha256: ["%3$s"] } }
                  mispinned: { url: "https://127.0.0.1:%1$d", tls: { client_cert: "file:%2$s/bastion-2.pem", client_key: "file:%2$s/bastion-2-key.pem", ca: "%2$s/server-ca.pem", pin_sha256: ["%4$s"] } }
                routes:
                  - { id: live, match: { methods: [GET], path: /live }, upstream: live, public: true }
                  - { id: nocert, match: { methods: [GET], path: /nocert }, upstream: nocert, public: true }
                  - { id: stranger, match: { methods: [GET], path: /stranger }, upstream: stranger, public: true }
                  - { id: untrusted, match: { methods: [GET], path: /untrusted }, upstream: untrusted, public: true }
                  - { id: pinned, match: { methods: [GET], path: /pinned }, upstream: pinned, public: true }
                  - { id: mispinned, match: { methods: [GET], path: /mispinned }, upstream: mispinned, public: true }
                """.formatted(port, dir, pin, otherPin));
    }

    /** An HTTPS server presenting {@code name}'s certificate that requires a client certificate from client-ca; each answer closes its connection. */
    static HttpServer listen(String name) throws Exception {
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve(name + ".pem").toString()).setKeyPath(dir.resolve(name + "-key.pem").toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("client-ca.pem").toString()))
                .setClientAuth(ClientAuth.REQUIRED);
        return vertx.createHttpServer(options).requestHandler(req -> {
            String who;
            try {
                who = ((X509Certificate) req.connection().peerCertificates().getFirst()).getSubjectX500Principal().getName();
            } catch (Exception e) {
                who = "nobody";
            }
            // a new connection per request, so each one shows which certificate a fresh handshake presents
            req.response().putHeader("Connection", "close").end("hello " + who);
        }).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theRightClientCertificateIsAccepted() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/live").build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("hello CN=bastion-");
    }

    @Test
    void noCertificateOrOneFromAnotherCaIsTheGatewaysClear502() throws Exception {
        for (String path : new String[] {"/nocert", "/stranger"}) {
            HttpResponse<String> r = gw.send(gw.request(path).build());
            assertThat(r.statusCode()).as(path).isEqualTo(502);
            assertThat(r.body()).as(path).contains("\"code\":\"upstream_").contains("\"request_id\"")
                    // nothing of the TLS failure reaches the client
                    .doesNotContainIgnoringCase("certificate").doesNotContainIgnoringCase("handshake").doesNotContain("SSL").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void anUpstreamOutsideThePinnedCaIsRefused() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/untrusted").build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"code\":\"upstream_unavailable\"").doesNotContainIgnoringCase("certificate");
    }

    @Test
    void aPinnedKeyIsAcceptedAndAnotherValidCertificateIsRefused() throws Exception {
        assertThat(gw.send(gw.request("/pinned").build()).statusCode()).isEqualTo(200);
        HttpResponse<String> r = gw.send(gw.request("/mispinned").build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"code\":\"upstream_unavailable\"").doesNotContainIgnoringCase("pin");
    }

    @Test
    void aRotatedClientCertificateIsPresentedWithoutRestart() throws Exception {
        assertThat(gw.send(gw.request("/live").build()).body()).isEqualTo("hello CN=bastion-1");
        // rotated in place as a secret mount does: key and certificate replaced, each by a rename
        Files.copy(dir.resolve("bastion-2-key.pem"), dir.resolve("live-key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("bastion-2.pem"), dir.resolve("live.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("live-key.tmp"), dir.resolve("live-key.pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve("live.tmp"), dir.resolve("live.pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Eventually.until("the rotated client certificate", () -> gw.send(gw.request("/live").build()).body().equals("hello CN=bastion-2"));
    }
}
