package dev.bastion.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.IpListsConfig;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IP lists through a real gateway behind a trusted proxy (loopback), so the client address comes
 * from X-Forwarded-For as it would in production — and through one with no trusted proxy, where a
 * forged X-Forwarded-For must not buy a way in.
 */
class IpListsGatewayTest {
    static TestGateway proxied, direct;
    static Path denyFile;
    static String proxiedKey, directKey;

    static String config(String publicListener, String waf) {
        return TestGateway.config("""
                  - { id: api, match: { methods: [GET], path: /v1/models }, upstream: app, auth: { methods: [api_key] } }
                """).replace("  public: { host: 127.0.0.1, port: 0 }", publicListener) + waf;
    }

    @BeforeAll
    static void start() throws Exception {
        denyFile = Files.createTempFile("bastion-deny", ".txt");
        Files.writeString(denyFile, "# incident 42\n192.0.2.0/24\n");
        proxied = TestGateway.start(config("  public: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1/32] }", """
                waf:
                  ip_lists:
                    deny: [203.0.113.0/24, "2001:db8::/32"]
                    deny_files: ["%s"]
                    reload_interval: 1s
                """.formatted(denyFile)));
        proxiedKey = proxied.createKey("acme", "invoke");
        direct = TestGateway.start(config("  public: { host: 127.0.0.1, port: 0 }", """
                waf:
                  ip_lists:
                    allow: [198.51.100.0/24]
                """));
        directKey = direct.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        proxied.close();
        direct.close();
        Files.deleteIfExists(denyFile);
    }

    static HttpResponse<String> from(TestGateway gw, String key, String forwardedFor) throws Exception {
        HttpRequest.Builder b = gw.request("/v1/models").header("Authorization", "Bearer " + key).GET();
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        return gw.send(b.build());
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    @Test
    void deniedAddressesAreRefusedBeforeAnythingElseAndOthersPass() throws Exception {
        int before = proxied.upstream.seen().size();
        HttpResponse<String> v4 = from(proxied, proxiedKey, "203.0.113.7");
        assertThat(v4.statusCode()).isEqualTo(403);
        assertThat(code(v4)).isEqualTo("ip_denied");
        assertThat(v4.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(code(from(proxied, proxiedKey, "2001:db8::42"))).isEqualTo("ip_denied");
        assertThat(code(from(proxied, proxiedKey, "::ffff:203.0.113.9"))).as("the IPv4-mapped spelling").isEqualTo("ip_denied");
        assertThat(code(from(proxied, proxiedKey, "192.0.2.10"))).as("from the file").isEqualTo("ip_denied");
        // Refused before authentication: a request without any key gets the same answer, not 401.
        assertThat(code(from(proxied, "no-such-key", "203.0.113.7"))).isEqualTo("ip_denied");
        assertThat(proxied.upstream.seen()).hasSize(before);
        assertThat(from(proxied, proxiedKey, "198.51.100.1").statusCode()).isEqualTo(200);
    }

    @Test
    void aForgedForwardedForDoesNotGetPastAnAllowList() throws Exception {
        HttpResponse<String> plain = from(direct, directKey, null);
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(code(plain)).isEqualTo("ip_not_allowed");
        HttpResponse<String> forged = from(direct, directKey, "198.51.100.5");
        assertThat(forged.statusCode()).as("the header is not trusted from this peer").isEqualTo(403);
        assertThat(code(forged)).isEqualTo("ip_not_allowed");
    }

    @Test
    void aChangedFileTakesEffectWithoutARestartAndABrokenOneChangesNothing() throws Exception {
        assertThat(from(proxied, proxiedKey, "100.64.0.9").statusCode()).isEqualTo(200);
        Files.writeString(denyFile, "192.0.2.0/24\n100.64.0.0/10   # added during the incident\n");
        awaitStatus("100.64.0.9", 403);

        Files.writeString(denyFile, "192.0.2.0/24\nthis is not a range\n");
        Thread.sleep(2500); // two reload intervals
        assertThat(code(from(proxied, proxiedKey, "100.64.0.9"))).as("the previous lists stay in force").isEqualTo("ip_denied");

        Files.writeString(denyFile, "192.0.2.0/24\n");
        awaitStatus("100.64.0.9", 200);

        // Each reload, and the broken file kept out, is an audit event (config.reloaded).
        dev.bastion.testing.Eventually.until("config.reloaded events", () -> reloads().size() >= 3);
        assertThat(reloads()).extracting(dev.bastion.store.AuditRow::target).containsOnly("waf.ip_lists");
        assertThat(reloads()).extracting(dev.bastion.store.AuditRow::result).contains("success", "failure");
        assertThat(reloads().stream().filter(r -> "failure".equals(r.result()))).allMatch(r -> "invalid_file".equals(r.reason()));
    }

    private static List<dev.bastion.store.AuditRow> reloads() {
        return proxied.store.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "config.reloaded", null, null, null), 100, true, false);
    }

    private static void awaitStatus(String ip, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int got;
        do {
            got = from(proxied, proxiedKey, ip).statusCode();
            if (got == status) return;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(got).as("status for " + ip + " after the file changed").isEqualTo(status);
    }

    @Test
    void badRangesStopTheStartNamingWhere() throws Exception {
        assertThatThrownBy(() -> new IpListsConfig(null, List.of("10.0.0.0/8", "10.1.2.3/8"), null, null, null))
                .hasMessageContaining("deny[1]").hasMessageContaining("host bits");
        Path bad = Files.createTempFile("bastion-bad", ".txt");
        Files.writeString(bad, "10.0.0.0/8\n\n300.1.1.1\n");
        try {
            assertThatThrownBy(() -> IpLists.load(new IpListsConfig(null, null, null, List.of(bad.toString()), null)))
                    .hasMessageContaining(bad + ":3:");
        } finally {
            Files.deleteIfExists(bad);
        }
    }
}
