package dev.bastion.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardHeadersTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Authorization", "X-Api-Key", "Cookie", "Host", "Content-Length", "Transfer-Encoding", "Proxy-Authorization",
            "X-Bastion-Org", "x-bastion-anything", "X-User-Id", "X-Forwarded-For", "X-Forwarded-User", "X-FORWARDED-EMAIL", "x-forwarded-groups",
            "X-Forwarded-Client-Cert", "X-Forwarded-Prefix", "X-Forwarded-Access-Token", "Forwarded", "X-Real-Ip", "True-Client-IP",
            "CF-Connecting-IP", "X-Original-Forwarded-For", "X-Authenticated-User", "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data",
            "X-MS-CLIENT-PRINCIPAL", "X-Ms-Client-Principal-Name", "X-Ms-Token-Aad-Id-Token", "X-Goog-Authenticated-User-Email",
            "X-Goog-Iap-Jwt-Assertion", "X-Endpoint-API-UserInfo", "X-Jwt-Assertion", "X-Auth-Request-User", "X-Auth-Request-Email",
            "X-Remote-User", "Remote-User", "Remote-Groups", "X-Client-Cert", "Client-Cert", "X-SSL-Client-Cert", "Ssl-Client-Verify",
            "X-Envoy-External-Address", "X-Envoy-Internal", "Impersonate-User", "X-Http-Method-Override", "X-Original-Url",
            // the names apps read the client address under (PHP, the Java getIpAddr idiom, request-ip, django-ipware, Fly, Vercel)
            "Client-IP", "Proxy-Client-IP", "WL-Proxy-Client-IP", "HTTP_CLIENT_IP", "HTTP_X_FORWARDED_FOR", "Forwarded-For", "X-Coming-From",
            "X-AppEngine-User-IP", "Cf-Pseudo-IPv4", "Fly-Client-IP", "X-Vercel-Forwarded-For"})
    void identityAddressRoutingAndCredentialHeadersAreStripped(String name) {
        assertThat(ForwardHeaders.strippedTowardUpstream(name)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X_Bastion_Org", "X.Bastion.Org", "x_bastion_identity", "X-Bastion_Subject", "X_User_Id", "X_Org_Id", "X_Tenant_Id",
            "X_Forwarded_For", "X_Forwarded_User", "X.Forwarded.Proto", "X_Request_Id", "X_Real_IP", "X_Api_Key", "Proxy_Authorization",
            "Transfer_Encoding", "Content_Length", "X_Amzn_Oidc_Identity", "Remote_User", "SSL_CLIENT_S_DN", "X_Envoy_Internal"})
    void everySpellingACgiServerReadsAsAStrippedNameIsStripped(String name) {
        assertThat(ForwardHeaders.strippedTowardUpstream(name)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Type", "Accept", "User-Agent", "X-Stainless-Lang", "OpenAI-Beta", "Anthropic-Version", "X_Custom_Thing",
            "X-Trace.Note", "Idempotency-Key", "X-Forwarded", "X-Forward-Note", "X-Remotely", "Remote", "X-Usage-Id", "X-Bastionx"})
    void otherHeadersPass(String name) {
        // "X-Forwarded" alone is stripped (listed); the others only resemble stripped names.
        assertThat(ForwardHeaders.strippedTowardUpstream(name)).isEqualTo(name.equals("X-Forwarded"));
    }

    @Test
    void prefixesMustBePrefixFreeForTheOneLookupToFindThem() {
        assertThatThrownBy(() -> ForwardHeaders.Prefixes.of("x-remote-", "x-b-", "x-remote-user-")).hasMessageContaining("'x-remote-' is a prefix of 'x-remote-user-'");
        ForwardHeaders.Prefixes p = ForwardHeaders.Prefixes.of("x-a-", "x-b-", "x-c-");
        assertThat(Stream.of("x-a-1", "X-B-2", "x-c-")).allMatch(p::matches);
        assertThat(Stream.of("x-a", "x-", "a", "x-bb-", "")).noneMatch(p::matches);
    }

    @Test
    void theUpstreamGetsBastionsTraceContextNeverTheClients() {
        dev.bastion.chain.Exchange ex = dev.bastion.chain.Exchange.builder().header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .header("TraceState", "client=state").build();
        io.vertx.core.MultiMap none = ForwardHeaders.toUpstream(ex, "api.example", java.util.Map.of(), false);
        assertThat(none.contains("traceparent")).isFalse();
        assertThat(none.contains("tracestate")).isFalse();
        ex.traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        io.vertx.core.MultiMap ours = ForwardHeaders.toUpstream(ex, "api.example", java.util.Map.of(), false);
        assertThat(ours.getAll("traceparent")).containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(ours.contains("tracestate")).isFalse();
    }

    /** The documented list is the list: every stripped name and prefix appears in configuration.md. */
    @Test
    void everyStrippedNameIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md")).toLowerCase(java.util.Locale.ROOT);
        Stream.concat(ForwardHeaders.FORGEABLE.stream(), ForwardHeaders.FORGEABLE_PREFIXES.sorted().stream().map(p -> p + "*"))
                .forEach(name -> assertThat(doc).as(name).contains("`" + name + "`"));
    }
}
