package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identity a client forges through Bastion, attacked as an outsider would: the stripped headers in the
 * spellings a CGI-style upstream reads as the same name, the X-Forwarded-* family and the identity
 * headers of other proxies, and one header sent under two spellings. The upstream's view is checked as
 * CGI/WSGI builds it ({@code HTTP_X_BASTION_ORG}), since that is what the forgery targets.
 */
class ForgedHeadersTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: app
                    match: { methods: [GET, POST], path: /app/* }
                    upstream: app
                    auth: { methods: [api_key] }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    /** The variables a CGI/WSGI server makes of the headers it received: HTTP_X_BASTION_ORG, repeats joined by commas. */
    static Map<String, String> cgiVariables(MultiMap headers) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = "HTTP_" + h.getKey().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            vars.merge(name, h.getValue(), (a, b) -> a + "," + b);
        }
        return vars;
    }

    private static HttpResponse<String> withHeader(String name, String value) throws Exception {
        return gw.send(gw.request("/app/whoami").header("Authorization", "Bearer " + key).header(name, value).GET().build());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X_Bastion_Org", "x_bastion_org", "X.Bastion.Org", "X-Bastion_Org", "X_Bastion_Subject", "X_Bastion_Key_Id",
            "X_Bastion_Identity", "X_User_Id", "X_Org_Id", "X_Tenant_Id", "X_Forwarded_For", "X_Forwarded_Proto", "X_Forwarded_Host",
            "X_Forwarded_User", "X_Request_Id", "X_Real_IP", "X_Api_Key", "Proxy_Authorization", "X_Amzn_Oidc_Identity", "Remote_User",
            "SSL_CLIENT_S_DN"})
    void underscoredSpellingsOfStrippedHeadersNeverReachTheUpstream(String name) throws Exception {
        HttpResponse<String> r = withHeader(name, "forged-by-client");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        MultiMap seen = gw.upstream.last().headers();
        assertThat(seen.names()).noneMatch(n -> n.equalsIgnoreCase(name));
        Map<String, String> cgi = cgiVariables(seen);
        assertThat(cgi.values()).noneMatch(v -> v.contains("forged-by-client"));
        // What a WSGI app reads as the org and the client address is Bastion's, and only Bastion's.
        assertThat(cgi.get("HTTP_X_BASTION_ORG")).isEqualTo("acme");
        assertThat(cgi.get("HTTP_X_FORWARDED_FOR")).isEqualTo("127.0.0.1");
        assertThat(cgi.get("HTTP_X_FORWARDED_PROTO")).isEqualTo("http");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups", "X-Forwarded-Preferred-Username",
            "X-Forwarded-Access-Token", "X-Forwarded-Client-Cert", "X-Forwarded-Prefix", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Server", "Forwarded", "X-Authenticated-User", "X-Authenticated-Userid", "X-Consumer-Username",
            "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data", "X-Amzn-Oidc-Accesstoken", "X-Amzn-Mtls-Clientcert", "X-MS-CLIENT-PRINCIPAL",
            "X-MS-CLIENT-PRINCIPAL-NAME", "X-MS-CLIENT-PRINCIPAL-ID", "X-Ms-Token-Aad-Id-Token", "X-Goog-Authenticated-User-Email",
            "X-Goog-Authenticated-User-Id", "X-Goog-Iap-Jwt-Assertion", "X-Endpoint-API-UserInfo", "X-Apigateway-Api-Userinfo",
            "X-Jwt-Assertion", "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups", "X-Remote-User", "X-Remote-Group",
            "Remote-User", "Remote-Groups", "Remote-Email", "X-WebAuth-User", "Impersonate-User", "Cf-Access-Authenticated-User-Email",
            "Cf-Access-Jwt-Assertion", "Tailscale-User-Login", "X-Client-Cert", "X-Client-Cert-Chain-Verified", "Client-Cert", "X-SSL-Client-Cert",
            "X-Ssl-Client-Verify", "Ssl-Client-Verify", "X-Arr-ClientCert", "X-Original-Forwarded-For", "X-Real-Ip", "True-Client-Ip",
            "CF-Connecting-IP", "Fastly-Client-Ip", "X-Client-IP", "X-Envoy-External-Address", "X-Envoy-Internal", "L5d-Client-Id",
            "X-Original-Url", "X-Original-Uri", "X-Original-Host", "X-Userinfo", "X-Id-Token"})
    void forwardedFamilyAndOtherProxiesIdentityHeadersAreStripped(String name) throws Exception {
        HttpResponse<String> r = withHeader(name, "forged-by-client");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        MultiMap seen = gw.upstream.last().headers();
        assertThat(seen.names()).noneMatch(n -> n.equalsIgnoreCase(name));
        assertThat(seen.toString()).doesNotContain("forged-by-client");
        // Only what Bastion vouches for is set in their place.
        assertThat(seen.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.getAll("X-Forwarded-Proto")).containsExactly("http");
    }

    @Test
    void headersNoOneTrustsForIdentityStillPass() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + key).header("X-Trace-Note", "kept")
                .header("X_Custom_Thing", "kept-too").header("X-Stainless-Lang", "java").header("X-Forwarded-Notes", "nope").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        MultiMap seen = gw.upstream.last().headers();
        assertThat(seen.get("X-Trace-Note")).isEqualTo("kept");
        assertThat(seen.get("X_Custom_Thing")).isEqualTo("kept-too");
        assertThat(seen.get("X-Stainless-Lang")).isEqualTo("java");
        assertThat(seen.get("X-Forwarded-Notes")).as("the X-Forwarded-* family goes whole").isNull();
    }

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource(delimiter = '|', value = {
            "X-Api-Key: KEY | X_Api_Key: bst_someone_elses",
            "Content-Type: application/json | Content_Type: text/plain",
            "Content-Length: 2 | Content_Length: 0",
            "Transfer-Encoding: chunked | Transfer_Encoding: identity",
            "X-Request-Id: request-id-one | X_Request_Id: request-id-two",
            "X-Forwarded-For: 203.0.113.7 | X_Forwarded_For: 10.0.0.1",
            "X-Forwarded-Proto: http | X.Forwarded.Proto: https",
            "Idempotency-Key: first-key | Idempotency_Key: second-key",
            "Accept-Encoding: identity | Accept_Encoding: gzip",
            "Access-Control-Request-Method: GET | Access_Control_Request_Method: DELETE",
            "User-Agent: curl/8 | User_Agent: sqlmap/1.7",
            "X-Bastion-Org: acme | X_Bastion_Org: globex"})
    void oneHeaderUnderTwoSpellingsIsRefusedBeforeAnythingReadsIt(String first, String second) throws Exception {
        int before = gw.upstream.seen().size();
        boolean chunked = first.startsWith("Transfer-Encoding");
        String request = "POST /app/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n" + first.replace("KEY", key) + "\r\n" + second + "\r\n"
                + (first.startsWith("Content-") || chunked ? "" : "Content-Length: 2\r\n")
                + (first.startsWith("Content-Type") ? "" : "Content-Type: application/json\r\n")
                + "\r\n" + (chunked ? "2\r\n{}\r\n0\r\n\r\n" : "{}");
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write(request).readAll(3000);
            assertThat(resp).startsWith("HTTP/1.1 400");
            JsonObject error = new JsonObject(resp.substring(resp.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("header_ambiguous");
            assertThat(error.getString("request_id")).isNotBlank();
            assertThat(resp).as("the error names no value the client sent").doesNotContain("globex").doesNotContain("sqlmap")
                    .doesNotContain("bst_someone_elses");
        }
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void oneSpellingRepeatedInAnotherLetterCaseIsOneHeader() throws Exception {
        try (RawHttp raw = new RawHttp(gw.gateway.publicPort())) {
            String resp = raw.write("GET /app/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\nX-Note: a\r\nx-note: b\r\nConnection: close\r\n\r\n")
                    .readAll(3000);
            assertThat(resp).startsWith("HTTP/1.1 200");
        }
        assertThat(gw.upstream.last().headers().getAll("X-Note")).containsExactly("a", "b");
    }
}
