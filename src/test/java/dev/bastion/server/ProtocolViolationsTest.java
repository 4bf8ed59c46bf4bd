package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed HTTP/1.1 that request smuggling and header injection rely on, sent byte for byte over a raw
 * socket: each is refused with 400 in the JSON error shape (or the connection is closed without a
 * response), and none of them reaches the upstream.
 */
class ProtocolViolationsTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: chat, match: { methods: [POST, GET], path: /v1/echo }, upstream: app, auth: { methods: [api_key] } }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static Stream<Arguments> violations() {
        String auth = "Authorization: Bearer KEY\r\n";
        return Stream.of(
                Arguments.of("NUL in a header value", "GET /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "X-Note: a\0b\r\n\r\n"),
                Arguments.of("space in a header name", "GET /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "X Note: a\r\n\r\n"),
                Arguments.of("space before the colon", "GET /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("bare LF inside a header value", "GET /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "X-Note: a\rb\r\n\r\n"),
                Arguments.of("two Content-Lengths", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
                Arguments.of("Content-Length with a sign", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: +2\r\n\r\n{}"),
                Arguments.of("Content-Length list", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 2, 2\r\n\r\n{}"),
                Arguments.of("Transfer-Encoding not ending in chunked", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("an unknown transfer coding", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("invalid chunk size", "POST /v1/echo HTTP/1.1\r\nHost: x\r\n" + auth + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
                Arguments.of("HTTP/1.1 without Host", "GET /v1/echo HTTP/1.1\r\n" + auth + "\r\n"),
                Arguments.of("two Host headers", "GET /v1/echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + auth + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void refusedAndNeverForwarded(String name, String request) throws Exception {
        int before = gw.upstream.seen().size();
        String resp;
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            resp = raw.write(request.replace("KEY", key)).readAll(1500);
        }
        assertThat(resp).as(name).satisfiesAnyOf(
                r -> assertThat(r).isEmpty(),
                r -> assertThat(r).matches("(?s)HTTP/1\\.[01] 400 .*").contains("\"code\":\"").contains("\"request_id\":"));
        assertThat(gw.upstream.seen()).as(name + ": nothing forwarded").hasSize(before);
    }

    @org.junit.jupiter.api.Test
    void anObsoleteLineFoldIsUnfoldedNeverForwardedAsTwoLines() throws Exception {
        // RFC 9112 §5.2 lets a gateway replace obs-fold with spaces instead of refusing: the upstream must
        // never see the folded form, which it might read as a header of its own.
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("GET /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nX-Note: a\r\n X-Injected: 1\r\n\r\n").readAll(1500);
            assertThat(resp).startsWith("HTTP/1.1 200");
        }
        assertThat(gw.upstream.last().headers().get("X-Injected")).isNull();
        assertThat(gw.upstream.last().headers().get("X-Note")).isEqualTo("a X-Injected: 1");
    }

    /**
     * CL.TE smuggling: a front end that frames by Content-Length would read "GET …smuggled" as part of the
     * body. Bastion frames by Transfer-Encoding (RFC 9112 §6.3), so the hidden request is no part of the
     * first one: it is answered as a request of its own, without the first one's credentials (401, never
     * forwarded), and the connection is closed after it (RFC 9112 §6.1: a server MUST) — no later request
     * shares it.
     */
    @org.junit.jupiter.api.Test
    void contentLengthWithChunkedIsFramedByChunksAndTheConnectionIsClosed() throws Exception {
        int before = gw.upstream.seen().size();
        String smuggled = "GET /v1/echo?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n";
        String first = "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (5 + smuggled.length()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled;
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write(first).readAll(1500);
            assertThat(resp).startsWith("HTTP/1.1 200").contains("Connection: close").doesNotContain("smuggled");
            assertThat(raw.closedWithin(2000)).as("connection closed after a request framed two ways").isTrue();
        }
        assertThat(gw.upstream.seen().subList(before, gw.upstream.seen().size()))
                .noneMatch(r -> String.valueOf(r.uri()).contains("smuggled"));
    }
}
