package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP stack itself gives up on, or that carry what must never be forwarded, sent byte for
 * byte: each gets an answer in the JSON error shape and an access line — never a silent close — and
 * nothing reaches the upstream that should not.
 */
class TransportEdgeTest {
    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"([^\"]+)\"");
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: echo, match: { methods: [POST, GET], path: /v1/echo }, upstream: app, auth: { methods: [api_key] } }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static String send(int port, String request) throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            return raw.write(request).readAll(2000);
        }
    }

    /** The access line of the answered request, found by the request id its error body names. */
    static JsonObject accessLineOf(String response) throws Exception {
        Matcher m = REQUEST_ID.matcher(response);
        assertThat(m.find()).as("a request id in " + response).isTrue();
        return new JsonObject(gw.accessLine(m.group(1)));
    }

    @Test
    void aChunkExtensionWithAValueIsAnswered400NotDroppedSilently() throws Exception {
        // "5;ext=1" is valid HTTP/1.1 (RFC 9112 §7.1.1) that Netty's decoder refuses mid-body; the client
        // must still get an answer and the request an access line.
        int before = gw.upstream.seen().size();
        String resp = send(gw.gateway.publicPort(), "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{\"a\":\r\n0\r\n\r\n");
        assertThat(resp).startsWith("HTTP/1.1 400").contains("\"code\":\"request_malformed\"").contains("Connection: close");
        JsonObject line = accessLineOf(resp);
        assertThat(line.getInteger("status")).isEqualTo(400);
        assertThat(line.getString("error")).isEqualTo("request_malformed");
        assertThat(line.getString("refused_by")).isEqualTo("body");
        assertThat(gw.upstream.seen()).as("nothing forwarded").hasSize(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.2", "HTTP/2.0", "HTTP/3.0"})
    void anUnsupportedHttpVersionIsAnswered505(String version) throws Exception {
        int before = gw.upstream.seen().size();
        String resp = send(gw.gateway.publicPort(), "GET /v1/echo " + version + "\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n");
        assertThat(resp).startsWith("HTTP/1.1 505").contains("\"code\":\"http_version_not_supported\"").contains("X-Content-Type-Options: nosniff");
        JsonObject line = accessLineOf(resp);
        assertThat(line.getInteger("status")).isEqualTo(505);
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void aFragmentIsNeverForwarded() throws Exception {
        String auth = "Host: x\r\nAuthorization: Bearer " + key + "\r\n\r\n";
        assertThat(send(gw.gateway.publicPort(), "GET /v1/echo?a=1#frag HTTP/1.1\r\n" + auth)).startsWith("HTTP/1.1 200");
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/echo?a=1");
        assertThat(send(gw.gateway.publicPort(), "GET /v1/echo#frag?b=2 HTTP/1.1\r\n" + auth)).startsWith("HTTP/1.1 200");
        assertThat(gw.upstream.last().uri()).as("what follows '#' is all fragment").isEqualTo("/v1/echo");
        assertThat(send(gw.gateway.publicPort(), "GET /v1/echo#/../admin HTTP/1.1\r\n" + auth)).startsWith("HTTP/1.1 200");
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/echo");
    }

    @Test
    void theAdminListenerAnswersMalformedFramingInTheSameShape() throws Exception {
        String resp = send(gw.gateway.adminPort(), "POST /admin/v1/revocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 12a\r\n\r\n{}");
        assertThat(resp).startsWith("HTTP/1.1 400").contains("\"error\":{\"code\":\"").contains("\"request_id\":");
        String version = send(gw.gateway.adminPort(), "GET /health/live HTTP/1.2\r\nHost: x\r\n\r\n");
        assertThat(version).startsWith("HTTP/1.1 505").contains("http_version_not_supported");
        String ok = send(gw.gateway.adminPort(), "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200").contains("X-Request-Id: ").contains("{\"status\":\"up\"}");
        assertThat(send(gw.gateway.adminPort(), "GET /health/../metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
                .as("the admin listener decodes paths like the public one").startsWith("HTTP/1.1 400").contains("path_invalid");
    }
}
