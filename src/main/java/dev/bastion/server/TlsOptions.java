package dev.bastion.server;

import dev.bastion.config.TlsConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Set;

/** TLS for the public listener (E1): TLS 1.2 and 1.3 only, AEAD cipher suites only, HTTP/1.1. */
final class TlsOptions {
    /** TLS 1.3 suites are all AEAD; for 1.2 only ECDHE with GCM or ChaCha20-Poly1305 (forward secrecy, no CBC). */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsOptions() {}

    static void apply(HttpServerOptions options, TlsConfig tls) {
        options.setSsl(true)
                .setUseAlpn(false)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setSslHandshakeTimeout(10);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }
}
