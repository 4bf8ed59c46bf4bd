package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Client certificates on both listeners (E7), with curl (OpenSSL) as the client: the public listener requests them
 * and maps verified ones to callers ({@code auth.methods: [mtls]}: SPIFFE IDs, DNS SANs, subject DNs); the admin
 * listener requires them and still authorizes by key. The listener's own certificate rotates in place.
 */
class GatewayMtlsTest {
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("bastion-mtls");
        TestCertificates.ca(dir, "server-ca");
        TestCertificates.server(dir, "server-ca", "gw-1", "IP:127.0.0.1");
        TestCertificates.server(dir, "server-ca", "gw-2", "IP:127.0.0.1");
        Files.copy(dir.resolve("gw-1.pem"), dir.resolve("live.pem"));
        Files.copy(dir.resolve("gw-1-key.pem"), dir.resolve("live-key.pem"));
        TestCertificates.ca(dir, "client-ca");
        TestCertificates.client(dir, "client-ca", "billing", "/CN=billing", "URI:spiffe://acme.test/billing");
        TestCertificates.client(dir, "client-ca", "nightly", "/CN=nightly", "URI:spiffe://acme.test/jobs/nightly");
        TestCertificates.client(dir, "client-ca", "worker", "/CN=worker", "DNS:worker.globex.test");
        TestCertificates.client(dir, "client-ca", "ops", "/O=Acme/CN=ops", null); // RFC 2253: CN=ops,O=Acme
        TestCertificates.client(dir, "client-ca", "revoked", "/CN=revoked", "URI:spiffe://acme.test/revoked");
        TestCertificates.client(dir, "client-ca", "unmapped", "/CN=unmapped", "URI:spiffe://other.test/billing");
        TestCertificates.ca(dir, "other-ca");
        // the same SPIFFE ID as a mapped caller, from a CA the gateway does not trust
        TestCertificates.client(dir, "other-ca", "forged", "/CN=billing", "URI:spiffe://acme.test/billing");
        gw = TestGateway.start("""
                listeners:
                  public:
                    host: 127.0.0.1
                    port: 0
                    tls:
                      cert: "%1$s/live.pem"
                      key: "%1$s/live-key.pem"
                      reload_interval: 100ms
                      client_auth: request
                      client_ca: "%1$s/client-ca.pem"
                      client_identities:
                        - { spiffe_id: "spiffe://acme.test/billing", org: acme, scopes: [billing.read] }
                        - { spiffe_id: "spiffe://acme.test/jobs/*", org: acme, subject: jobs }
                        - { spiffe_id: "spiffe://acme.test/revoked", org: acme }
                        - { dns_san: worker.globex.test, org: globex }
                        - { subject_dn: "cn=ops, o=Acme", org: acme, roles: [admin] }
                  admin:
                    host: 127.0.0.1
                    port: 0
                    tls: { cert: "%1$s/live.pem", key: "%1$s/live-key.pem", client_auth: required, client_ca: "%1$s/client-ca.pem" }
                store: { url: "{{store}}" }
                revocation: { poll_interval: 100ms }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: svc
                    match: { methods: [GET], path: /svc }
                    upstream: app
                    auth: { methods: [mtls] }
                  - id: billing
                    match: { methods: [GET], path: /billing }
                    upstream: app
                    auth: { methods: [mtls, api_key] }
                    require: { scopes_all: [billing.read] }
                  - id: open
                    match: { methods: [GET], path: /open }
                    upstream: app
                    public: true
                """.formatted(dir));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
    }

    /** curl's status line and body, or its exit code when no HTTP answer came ("exit=35": the handshake failed). */
    static String curl(int port, String path, String client, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--http1.1", "--cacert", dir.resolve("server-ca.pem").toString(),
                "-w", "\n%{http_code}", "https://127.0.0.1:" + port + path));
        if (client != null) cmd.addAll(List.of("--cert", dir.resolve(client + ".pem").toString(), "--key", dir.resolve(client + "-key.pem").toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out : "exit=" + p.exitValue() + " " + out;
    }

    static String pub(String path, String client, String... extra) throws Exception {
        return curl(gw.gateway.publicPort(), path, client, extra);
    }

    @Test
    void mappedCertificatesAreCallers() throws Exception {
        assertThat(pub("/svc", "billing")).endsWith("\n200");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Org")).isEqualTo("acme");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Subject")).isEqualTo("spiffe://acme.test/billing");
        assertThat(pub("/svc", "nightly")).endsWith("\n200");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Subject")).isEqualTo("jobs");
        assertThat(pub("/svc", "worker")).endsWith("\n200");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Org")).isEqualTo("globex");
        assertThat(pub("/svc", "ops")).endsWith("\n200");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Subject")).isEqualTo("CN=ops,O=Acme");
        // the mapping's scopes authorize: billing has billing.read, the jobs do not
        assertThat(pub("/billing", "billing")).endsWith("\n200");
        assertThat(pub("/billing", "nightly")).contains("\"code\":\"scope_missing\"").endsWith("\n403");
    }

    @Test
    void anAbsentUnmappedOrUntrustedCertificateIs401InTheOneShape() throws Exception {
        assertThat(pub("/svc", null)).contains("\"code\":\"credentials_missing\"").contains("\"request_id\"").endsWith("\n401");
        assertThat(pub("/svc", "unmapped")).contains("\"code\":\"certificate_not_mapped\"").doesNotContain("other.test").endsWith("\n401");
        // request mode: a certificate from another CA finishes the handshake but counts as none, even with a mapped SPIFFE ID
        assertThat(pub("/svc", "forged")).contains("\"code\":\"credentials_missing\"").doesNotContain("acme.test").endsWith("\n401");
        // and it changes nothing on a route that needs no certificate
        assertThat(pub("/open", "forged")).endsWith("\n200");
    }

    @Test
    void aForwardedCertificateHeaderIsNeitherACredentialNorForwarded() throws Exception {
        String pem = Files.readString(dir.resolve("billing.pem")).replace("\n", "");
        String spiffe = "By=spiffe://acme.test/gw;URI=spiffe://acme.test/billing;Hash=00";
        for (String header : List.of("X-Forwarded-Client-Cert: " + spiffe, "X-SSL-Client-Cert: " + pem, "X-Client-Cert: " + pem, "Ssl-Client-Cert: " + pem,
                "X-Client-Verify: SUCCESS")) {
            assertThat(pub("/svc", null, "-H", header)).as(header).contains("\"code\":\"credentials_missing\"").endsWith("\n401");
            assertThat(pub("/open", null, "-H", header)).as(header).endsWith("\n200");
            String name = header.substring(0, header.indexOf(':'));
            assertThat(gw.upstream.last().headers().get(name)).as(name + " reached the upstream").isNull();
        }
    }

    @Test
    void aRevokedCertificateIsRefused() throws Exception {
        assertThat(pub("/svc", "revoked")).endsWith("\n200");
        String jti = dev.bastion.authn.ClientCertAuthenticator.thumbprint(cert("revoked"));
        StringWriter out = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute("revoke", "--store", "sqlite:" + gw.dir.resolve("bastion.db"), "--token", jti);
        assertThat(exit).as(out.toString()).isZero();
        Eventually.until("the certificate's revocation", () -> pub("/svc", "revoked").contains("\"code\":\"token_revoked\""));
        assertThat(pub("/svc", "billing")).endsWith("\n200"); // others are untouched
    }

    static java.security.cert.X509Certificate cert(String name) throws Exception {
        try (var in = Files.newInputStream(dir.resolve(name + ".pem"))) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void theAdminListenerRequiresACertificateAndStillAuthorizesByKey() throws Exception {
        int admin = gw.gateway.adminPort();
        // no certificate, or one from another CA: the handshake fails, no route is reached
        assertThat(curl(admin, "/health/live", null)).startsWith("exit=");
        assertThat(curl(admin, "/health/live", "forged")).startsWith("exit=");
        assertThat(curl(admin, "/health/live", "billing")).endsWith("\n200");
        // a certificate is not an admin: the API still wants an admin key
        assertThat(curl(admin, "/admin/v1/keys", "ops")).endsWith("\n401");
        String key = gw.createKey("acme", "admin");
        assertThat(curl(admin, "/admin/v1/keys", "ops", "-H", "Authorization: Bearer " + key)).endsWith("\n200");
        assertThat(curl(admin, "/admin/v1/keys", null, "-H", "Authorization: Bearer " + key)).startsWith("exit=");
    }

    @Test
    void aRotatedServerCertificateIsServedToNewConnections() throws Exception {
        assertThat(served()).contains("CN=gw-1");
        Files.copy(dir.resolve("gw-2-key.pem"), dir.resolve("live-key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("gw-2.pem"), dir.resolve("live.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("live-key.tmp"), dir.resolve("live-key.pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve("live.tmp"), dir.resolve("live.pem"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Eventually.until("the rotated server certificate", () -> served().contains("CN=gw-2"));
        assertThat(pub("/svc", "billing")).endsWith("\n200");
    }

    /** The subject of the certificate a new connection to the public listener gets. */
    static String served() throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + gw.gateway.publicPort(), "-servername", "localhost")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        int at = out.indexOf("subject=");
        return at < 0 ? out : out.substring(at, out.indexOf('\n', at)).replace(" ", "");
    }
}
