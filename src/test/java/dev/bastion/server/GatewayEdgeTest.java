package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Edge and route steps (E2, E4, E5, Z1): limits, framing, paths, errors, request ids, CORS, client IPs. */
class GatewayEdgeTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0, trusted_proxies: [127.0.0.1/32] }
                  admin: { host: 127.0.0.1, port: 0 }
                edge:
                  max_header_bytes: 4KiB
                  max_uri_bytes: 1KiB
                  max_body_bytes: 2KiB
                  header_timeout: 700ms
                  body_timeout: 700ms
                  idle_timeout: 5s
                store: { url: "{{store}}" }
                upstreams:
                  app: { url: "{{upstream}}", api_key: env:PROVIDER_KEY }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    content_types: [application/json]
                    auth: { methods: [api_key] }
                    max_body_bytes: 1KiB
                    cors:
                      origins: [https://app.example.com]
                  - id: models
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                  - id: limited
                    match: { methods: [GET], path: /limited }
                    upstream: app
                    auth: { methods: [api_key] }
                    limits:
                      - { per: api_key, rate: 3/1m }
                  - id: per-ip
                    match: { methods: [GET], path: /per-ip }
                    upstream: app
                    public: true
                    limits:
                      - { per: ip, rate: 2/1m }
                """);
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    @Test
    void unknownPathIs404() throws Exception {
        HttpResponse<String> r = gw.get("/admin", key);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(code(r)).isEqualTo("route_not_found");
        HttpResponse<String> metrics = gw.get("/metrics", null);
        assertThat(metrics.statusCode()).as("metrics are never on the public listener").isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key).DELETE().build());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(code(r)).isEqualTo("method_not_allowed");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        // Any token is a method: an error never repeats the caller's text.
        HttpResponse<String> odd = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key)
                .method("SKLIVE51HQSECRET", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(code(odd)).isEqualTo("method_not_allowed");
        assertThat(odd.body()).doesNotContain("SKLIVE51HQSECRET");
    }

    @Test
    void undeclaredContentTypeIs415() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + key)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(code(r)).isEqualTo("content_type_unsupported");
        HttpResponse<String> ok = gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + key)
                .header("Content-Type", "Application/JSON; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedBodyWithContentLengthIs413AndNeverReachesUpstream() throws Exception {
        int before = gw.upstream.seen().size();
        String big = "{\"x\":\"" + "a".repeat(5000) + "\"}";
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(code(r)).isEqualTo("body_too_large");
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void oversizedChunkedBodyIs413AndNeverReachesUpstream() throws Exception {
        int before = gw.upstream.seen().size();
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            StringBuilder req = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 4; i++) req.append("200\r\n").append("b".repeat(512)).append("\r\n");
            req.append("0\r\n\r\n");
            String resp = raw.write(req.toString()).readAll(3000);
            assertThat(resp).startsWith("HTTP/1.1 413").contains("\"code\":\"body_too_large\"");
        }
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void smuggledRequestBehindConflictingFramingIsJustAnotherRequestThroughTheChain() throws Exception {
        // CL.TE smuggling: a front end honouring Content-Length would see one request, a back end honouring
        // Transfer-Encoding two. Bastion parses by Transfer-Encoding (RFC 9112 §6.3), so the hidden request
        // is a second request on the client's own connection — and it gets no credentials for free.
        int before = gw.upstream.seen().size();
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String smuggled = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
            String resp = raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (5 + smuggled.length())
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled).readAll(2000);
            assertThat(resp).startsWith("HTTP/1.1 200").contains("HTTP/1.1 401").contains("credentials_missing");
        }
        // The upstream got one request, re-framed by Bastion: its own Content-Length, no client Transfer-Encoding.
        assertThat(gw.upstream.seen()).hasSize(before + 1);
        var h = gw.upstream.last().headers();
        assertThat(h.get("Transfer-Encoding")).isNull();
        assertThat(h.get("Content-Length")).isIn(null, "0");
    }

    @Test
    void duplicateContentLengthIsRefused() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}").readAll(2000);
            assertThat(resp).matches("(?s)HTTP/1.[01] 400.*").contains("\"code\":\"");
        }
    }

    @Test
    void hugeHeadersAre431InTheJsonShape() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(6000) + "\r\n\r\n").readAll(3000);
            assertThat(resp).startsWith("HTTP/1.1 431").contains("\"code\":\"headers_too_large\"").contains("X-Content-Type-Options: nosniff");
        }
    }

    @Test
    void hugeUriIs414() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("GET /v1/models?q=" + "u".repeat(3000) + " HTTP/1.1\r\nHost: x\r\n\r\n").readAll(3000);
            assertThat(resp).matches("(?s)HTTP/1.[01] 414.*").contains("\"code\":\"uri_too_long\"");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/../admin", "/v1/./models", "/v1//models", "/v1/%2e%2e/admin", "/v1%2fmodels", "/v1/models%00",
            "/v1/%5cmodels", "/v1/models/%", "/v1/models/..;/../admin", "/v1/models/.;x/x", "/v1/models/%2e%2e;/x"})
    void ambiguousPathsAre400(String path) throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n").readAll(2000);
            assertThat(resp).startsWith("HTTP/1.1 400").contains("\"code\":\"path_invalid\"");
        }
    }

    @Test
    void encodedButUnambiguousPathStillRoutes() throws Exception {
        assertThat(gw.get("/v1/model%73", key).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/model%73");
    }

    @Test
    void wellFormedRequestIdIsKeptAndForgedOneReplaced() throws Exception {
        HttpResponse<String> kept = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key).header("X-Request-Id", "trace-abc-12345").GET().build());
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("trace-abc-12345");
        assertThat(gw.upstream.last().headers().get("X-Request-Id")).isEqualTo("trace-abc-12345");
        HttpResponse<String> replaced = gw.send(gw.request("/nope").header("X-Request-Id", "evil\"},{\"x\":\"injected").GET().build());
        String id = replaced.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(new JsonObject(replaced.body()).getJsonObject("error").getString("request_id")).isEqualTo(id);
    }

    static Stream<Arguments> everyStatus() {
        return Stream.of(
                Arguments.of("200 ok", "GET", "/v1/models", true),
                Arguments.of("401 no key", "GET", "/v1/models", false),
                Arguments.of("404 no route", "GET", "/nowhere", true),
                Arguments.of("405 wrong method", "PUT", "/v1/models", true),
                Arguments.of("400 bad path", "GET", "/v1/%2e%2e/x", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyStatus")
    void securityHeadersAndRequestIdOnEveryResponse(String name, String method, String path, boolean withKey) throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + (withKey ? "Authorization: Bearer " + key + "\r\n" : "")
                    + "Connection: close\r\n\r\n").readAll(3000);
            assertThat(resp).contains("X-Content-Type-Options: nosniff").contains("X-Frame-Options: DENY")
                    .contains("Referrer-Policy: no-referrer").containsPattern("(?i)x-request-id: \\S+")
                    .doesNotContain("Strict-Transport-Security") // plain HTTP: HSTS would be ignored, and is not sent
                    .doesNotContain("Exception").doesNotContain("at dev.bastion");
            if (!resp.startsWith("HTTP/1.1 200")) assertThat(resp).contains("{\"error\":{\"code\":\"");
        }
    }

    @Test
    void slowBodyIs408() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
            String resp = raw.readAll(3000);
            assertThat(resp).startsWith("HTTP/1.1 408").contains("\"code\":\"body_timeout\"");
        }
    }

    @Test
    void slowlorisHeadersAreCutOff() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            raw.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n");
            // Keeps trickling a header every 100 ms, never finishing them: activity must not reset the 700 ms header
            // timeout, so the gateway hangs up long before the 25 drips (at least 2.5 s of them) run out.
            boolean closed = false;
            for (int i = 0; i < 25 && !closed; i++) {
                raw.write("X-Slow-" + i + ": drip\r\n");
                closed = raw.closedWithin(100);
            }
            assertThat(closed).as("cut off while still dripping").isTrue();
        }
    }

    @Test
    void idleKeepAliveConnectionIsNotClosedEarly() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            raw.write("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n");
            Thread.sleep(1200); // longer than header_timeout, shorter than idle_timeout
            raw.write("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n");
            String both = raw.readAll(3000);
            assertThat(both.split("HTTP/1.1 200", -1)).hasSize(3);
        }
    }

    @Test
    void rateLimitAnswers429WithRetryAfterPerKey() throws Exception {
        String k = gw.createKey("acme", "invoke");
        for (int i = 0; i < 3; i++) assertThat(gw.get("/limited", k).statusCode()).isEqualTo(200);
        int before = gw.upstream.seen().size();
        HttpResponse<String> limited = gw.get("/limited", k);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(code(limited)).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        assertThat(gw.upstream.seen()).hasSize(before);
        assertThat(gw.get("/limited", gw.createKey("acme", "invoke")).statusCode()).as("another key has its own bucket").isEqualTo(200);
    }

    @Test
    void perIpLimitUsesTheTrustedProxyClientIp() throws Exception {
        // The peer (127.0.0.1) is a trusted proxy here: the client is the right-most untrusted X-Forwarded-For entry.
        for (int i = 0; i < 2; i++) {
            assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", "203.0.113.7").GET().build()).statusCode()).isEqualTo(200);
        }
        assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", "203.0.113.7").GET().build()).statusCode()).isEqualTo(429);
        // A client cannot escape its bucket by prepending a made-up address: only the right-most untrusted hop counts.
        assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", "1.1.1.1, 203.0.113.7").GET().build()).statusCode()).isEqualTo(429);
        assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", "198.51.100.9").GET().build()).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("X-Forwarded-For")).isEqualTo("198.51.100.9");
    }

    /** The attack: an IPv6 client owns a /64 and sends each request from another of its 2^64 addresses. */
    @Test
    void anIpv6ClientIsCountedByItsSlash64SoRotatingAddressesDoesNotEscapeTheLimit() throws Exception {
        for (String from : new String[] {"2001:db8:77:1::1", "2001:db8:77:1::2"}) {
            assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", from).GET().build()).statusCode()).isEqualTo(200);
        }
        for (String from : new String[] {"2001:db8:77:1:dead:beef:0:3", "2001:0db8:0077:0001:ffff:ffff:ffff:ffff", "[2001:db8:77:1::9]"}) {
            assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", from).GET().build()).statusCode()).as(from).isEqualTo(429);
        }
        assertThat(gw.send(gw.request("/per-ip").header("X-Forwarded-For", "2001:db8:77:2::1").GET().build()).statusCode())
                .as("the next /64 is another subscriber").isEqualTo(200);
    }

    @Test
    void tlsTerminatedByATrustedProxyGetsHsts() throws Exception {
        HttpResponse<String> viaTls = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key)
                .header("X-Forwarded-Proto", "https").GET().build());
        assertThat(viaTls.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000; includeSubDomains");
        assertThat(gw.upstream.last().headers().get("X-Forwarded-Proto")).isEqualTo("https");
        HttpResponse<String> plain = gw.get("/v1/models", key);
        assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(gw.upstream.last().headers().get("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void corsPreflightFromAllowedOriginIsApproved() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void corsPreflightFromOtherOriginIsRefusedWithoutCorsHeaders() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void actualCorsResponseCarriesOriginOnlyWhenAllowed() throws Exception {
        HttpResponse<String> allowed = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://app.example.com")
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        HttpResponse<String> denied = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://evil.example")
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    /** The attack: an upstream app that reflects any Origin with credentials, behind a route whose policy grants none. */
    @Test
    void anUpstreamsOwnCorsHeadersNeverReachTheBrowserOnlyTheRoutesPolicy() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json")
                .putHeader("Access-Control-Allow-Origin", req.getHeader("Origin") == null ? "*" : req.getHeader("Origin"))
                .putHeader("Access-Control-Allow-Credentials", "true").putHeader("access-control-expose-headers", "*").end("{}"));
        try {
            HttpResponse<String> noPolicy = gw.send(gw.request("/v1/models").header("Origin", "https://evil.example")
                    .header("Authorization", "Bearer " + key).GET().build());
            assertThat(noPolicy.statusCode()).isEqualTo(200);
            assertThat(noPolicy.headers().map().keySet()).as("a route without cors sends no CORS header at all")
                    .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
            HttpResponse<String> denied = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://evil.example")
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(denied.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            HttpResponse<String> allowed = gw.send(gw.request("/v1/chat/completions").header("Origin", "https://app.example.com")
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).as("the route grants none").isEmpty();
        } finally {
            gw.upstream.behave(dev.bastion.testing.StubUpstream::echoJson);
        }
    }
}
