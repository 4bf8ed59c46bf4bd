package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /public/..;/private/x}: Tomcat, Jetty and Spring drop a segment's path parameters before
 * resolving dot segments, so a Java upstream serves {@code /private/x} for a request Bastion matched to
 * the public route. The edge refuses it whatever request inspection says: here inspection only detects,
 * and one route has it off.
 */
class PathParameterTraversalTest {
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: public, match: { methods: [GET], path: /public/* }, upstream: app, public: true }
                  - { id: uninspected, match: { methods: [GET], path: /uninspected/* }, upstream: app, public: true, waf: { enabled: false } }
                  - { id: private, match: { methods: [GET], path: /private/* }, upstream: app, auth: { methods: [api_key] } }
                  - { id: catchall, match: { methods: [GET], path: /* }, upstream: app, public: true }
                """) + """
                waf:
                  rules: { mode: detect }
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static String get(String path) throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            return raw.write("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readAll(3000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/public/..;/private/x", "/public/..;jsessionid=1/private/x", "/public/a/.;x/..;/../private/x",
            "/public/%2e%2e;/private/x", "/public/%2E%2E;x=1/private/x", "/public/.%3b/..%3B/private/x", "/public/..%3bx/private/x",
            "/public/;x/private/x", "/uninspected/..;/private/x", "/uninspected/%2e%2e%3b/private/x"})
    void dotSegmentsWithPathParametersAreRefusedAtTheEdge(String path) throws Exception {
        int before = gw.upstream.seen().size();
        String resp = get(path);
        assertThat(resp).startsWith("HTTP/1.1 400").contains("\"code\":\"path_invalid\"");
        assertThat(gw.upstream.seen()).as("nothing reached the upstream").hasSize(before);
    }

    /**
     * {@code /private;x/data}: no route's prefix is {@code /private;x/}, so it used to fall to the public
     * catch-all and reach a Java upstream, which serves {@code /private/data} for it. Routes match the
     * segments' names, so it is held to the private route.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/private;x/data", "/private;jsessionid=1/data", "/private%3bx/data", "/private;/data"})
    void pathParametersDoNotMoveARequestToAnotherRoute(String path) throws Exception {
        int before = gw.upstream.seen().size();
        assertThat(get(path)).startsWith("HTTP/1.1 401").contains("credentials_missing");
        assertThat(gw.upstream.seen()).hasSize(before);
        String key = gw.createKey("acme", "invoke");
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String ok = raw.write("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n").readAll(3000);
            assertThat(ok).startsWith("HTTP/1.1 200");
        }
        assertThat(gw.upstream.last().uri()).as("forwarded as received, now that the private route let it in").isEqualTo(path);
    }

    @Test
    void pathParametersOnOrdinarySegmentsStillPass() throws Exception {
        assertThat(get("/public/report;v=2")).startsWith("HTTP/1.1 200");
        assertThat(gw.upstream.last().uri()).isEqualTo("/public/report;v=2");
        assertThat(get("/public/docs/;jsessionid=abc")).startsWith("HTTP/1.1 200");
        assertThat(gw.upstream.last().uri()).isEqualTo("/public/docs/;jsessionid=abc");
    }
}
