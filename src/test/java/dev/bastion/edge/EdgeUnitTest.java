package dev.bastion.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.net.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EdgeUnitTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/v1/chat/completions, /v1/chat/completions",
            "/v1/models/, /v1/models/",
            "/v1/model%73, /v1/models",
            "/, /",
            "/caf%C3%A9, /caf\u00c3\u00a9",
            "/files/report;v=2, /files/report;v=2",
            "/app/;jsessionid=1, /app/;jsessionid=1",
            "/a/...;x/b, /a/...;x/b"})
    void acceptedPaths(String raw, String decoded) {
        assertThat(PathNormalizer.decode(raw)).isEqualTo(decoded);
    }

    @ParameterizedTest(name = "{0} routes as {1}")
    @CsvSource({
            "/v1/chat/completions, /v1/chat/completions",
            "/admin;x/users, /admin/users",
            "/admin;a=1;b=2/users;c/, /admin/users/",
            "/files/report;v=2, /files/report",
            "/app/;jsessionid=1, /app/",
            "/a;b, /a"})
    void routesMatchSegmentNamesWithoutTheirParameters(String decoded, String routed) {
        assertThat(PathNormalizer.withoutParameters(decoded)).isEqualTo(routed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "v1", "/v1/../x", "/v1/..", "/./x", "//x", "/a//b", "/%2e%2e/x", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b",
            "/a%00", "/a%0d%0aSet-Cookie", "/a%", "/a%zz", "/a b", "/a\u00e9",
            // dot and empty segments behind path parameters, which servlet containers drop before resolving
            "/public/..;/private", "/public/..;jsessionid=1/private", "/public/.;x/private", "/public/%2e%2e;/private", "/public/.%3b/private",
            "/public/%2E%2E%3Bx/private", "/public/..;", "/public/;x/private", "/;/private",
            // encoded bytes that are not strict UTF-8: overlong '.' and '/' (a lenient upstream resolves them), a lone byte
            "/api/%c0%ae%c0%ae/admin", "/api/%C0%AF..", "/api/%e0%80%ae%e0%80%ae/admin", "/a%ff", "/a%c3", "/a%ed%a0%80"})
    void refusedPaths(String raw) {
        assertThat(PathNormalizer.decode(raw)).isNull();
    }

    @Test
    void untrustedPeerCannotChooseItsIp() {
        ClientIpResolver none = new ClientIpResolver(List.of());
        assertThat(none.resolve("203.0.113.5", List.of("1.2.3.4"))).isEqualTo("203.0.113.5");
    }

    @Test
    void trustedProxyChainIsWalkedFromTheRight() {
        ClientIpResolver r = new ClientIpResolver(List.of(Cidr.parse("10.0.0.0/8")));
        assertThat(r.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.1, 10.0.0.7"))).isEqualTo("198.51.100.1");
        assertThat(r.resolve("10.0.0.1", List.of("6.6.6.6", "198.51.100.1"))).isEqualTo("198.51.100.1");
        assertThat(r.resolve("10.0.0.1", List.of("[2001:db8::5]:443"))).isEqualTo("2001:db8::5");
        assertThat(r.resolve("10.0.0.1", List.of("198.51.100.1:5555"))).isEqualTo("198.51.100.1");
        assertThat(r.resolve("10.0.0.1", List.of("garbage"))).isEqualTo("10.0.0.1");
        assertThat(r.resolve("10.0.0.1", List.of("10.0.0.2"))).isEqualTo("10.0.0.2"); // all trusted: the left-most hop
        assertThat(r.resolve("::ffff:203.0.113.9", List.of("1.1.1.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void requestIds() {
        assertThat(RequestIds.acceptOrGenerate("abc-123_4.5:6")).isEqualTo("abc-123_4.5:6");
        assertThat(RequestIds.acceptOrGenerate("short")).matches("[0-9a-f]{32}");
        assertThat(RequestIds.acceptOrGenerate("has space in it")).matches("[0-9a-f]{32}");
        assertThat(RequestIds.acceptOrGenerate("line\nbreak-forged-entry")).matches("[0-9a-f]{32}");
        assertThat(RequestIds.acceptOrGenerate("x".repeat(129))).matches("[0-9a-f]{32}");
        assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
    }
}
