package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transport's config (E7): listener TLS with client certificates and HTTP/2, upstream mTLS and pins — refused with the YAML path. */
class TransportConfigTest {
    static Path pem;

    @BeforeAll
    static void files() throws Exception {
        pem = Files.createTempFile("bastion-transport", ".pem");
        Files.writeString(pem, "placeholder: only readability is checked at load\n");
    }

    static BastionConfig parse(String listenerTls, String upstreamTls, String auth) {
        return new ConfigLoader().parse("""
                listeners:
                  public: { host: 127.0.0.1, port: 0, tls: { cert: "%1$s", key: "%1$s"%2$s } }
                store: { url: "sqlite:/tmp/transport-config.db" }
                upstreams:
                  app: { url: "https://app.internal"%3$s }
                routes:
                  - { id: r, match: { methods: [GET], path: /r }, upstream: app, auth: { methods: [%4$s] } }
                """.formatted(pem, listenerTls, upstreamTls, auth), "t.yaml");
    }

    @Test
    void aFullConfigLoads() {
        BastionConfig c = parse(", client_auth: request, client_ca: \"" + pem + "\", client_identities: [{ spiffe_id: \"spiffe://acme.test/jobs/*\", org: acme, scopes: [a] }],"
                        + " http2: { max_concurrent_streams: 10, rst_flood_max_per_window: 5 }",
                ", tls: { client_cert: file:" + pem + ", client_key: file:" + pem + ", ca: \"" + pem + "\", pin_sha256: [\"" + "A".repeat(43) + "=\"] }", "mtls");
        TlsConfig tls = c.listeners().publicListener().tls();
        assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.REQUEST);
        assertThat(tls.clientIdentities()).singleElement().satisfies(r -> assertThat(r.org()).isEqualTo("acme"));
        assertThat(tls.http2().maxConcurrentStreams()).isEqualTo(10);
        assertThat(tls.http2().maxFrameSize().bytes()).isEqualTo(16_384);
        assertThat(c.upstreams().get("app").tlsSettings().pinSha256()).hasSize(1);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "', client_auth: required'|client_ca: missing",
            "', client_auth: request, client_ca: \"PEM\", client_identities: [{ org: acme }]'|exactly one per rule (found 0)",
            "', client_auth: request, client_ca: \"PEM\", client_identities: [{ spiffe_id: \"spiffe://Acme/x\", org: acme }]'|spiffe_id: 'spiffe://Acme/x'",
            "', client_auth: request, client_ca: \"PEM\", client_identities: [{ dns_san: a.test, subject_dn: \"CN=a\", org: acme }]'|exactly one per rule (found 2)",
            "', client_auth: request, client_ca: \"PEM\", client_identities: [{ dns_san: \"*.a.test\", org: acme }]'|dns_san: '*.a.test'",
            "', client_auth: request, client_ca: \"PEM\", client_identities: [{ dns_san: a.test }]'|org: missing",
            "', client_identities: [{ dns_san: a.test, org: acme }]'|only used with client_auth",
            "', http2: { max_frame_size: 1024 }'|max_frame_size: 1024",
            "', http2: { rst_flood_max_per_window: 0 }'|rst_flood_max_per_window: 0"})
    void badListenerTlsIsRefusedByPath(String listenerTls, String expected) {
        assertThatThrownBy(() -> parse(listenerTls.replace("PEM", pem.toString()), "", "api_key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners.public.tls").hasMessageContaining(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "', tls: { client_cert: env:CERT }'|client_cert and client_key: both or neither",
            "', tls: { pin_sha256: [\"not base64!\"] }'|is not base64",
            "', tls: { pin_sha256: [\"AAAA\"] }'|is 3 bytes",
            "', tls: {}'|tls: empty"})
    void badUpstreamTlsIsRefusedByPath(String upstreamTls, String expected) {
        assertThatThrownBy(() -> parse("", upstreamTls, "api_key")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstreams.app").hasMessageContaining(expected);
    }

    @Test
    void mtlsNeedsMappedClientCertificates() {
        assertThatThrownBy(() -> parse("", "", "mtls")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].auth.methods: mtls needs listeners.public.tls with client_auth");
    }

    @Test
    void upstreamTlsOnlyOverHttps() {
        assertThatThrownBy(() -> new ConfigLoader().parse("""
                store: { url: "sqlite:/tmp/transport-config.db" }
                upstreams:
                  app: { url: "http://app.internal", tls: { ca: "%s" } }
                routes:
                  - { id: r, match: { methods: [GET], path: /r }, upstream: app, public: true }
                """.formatted(pem), "t.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("tls: only for an https url");
    }

    @Test
    void adminListenerTakesNoClientIdentities() {
        assertThatThrownBy(() -> new ConfigLoader().parse("""
                listeners:
                  admin: { tls: { cert: "%1$s", key: "%1$s", client_auth: required, client_ca: "%1$s", client_identities: [{ dns_san: a.test, org: acme }] } }
                store: { url: "sqlite:/tmp/transport-config.db" }
                """.formatted(pem), "t.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("only on the public listener");
    }
}
