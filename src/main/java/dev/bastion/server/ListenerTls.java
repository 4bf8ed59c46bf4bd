package dev.bastion.server;

import dev.bastion.config.Http2Config;
import dev.bastion.config.TlsConfig;
import dev.bastion.tls.Pem;
import dev.bastion.tls.ReloadingKeyManager;
import dev.bastion.tls.TrustAnchors;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's TLS (E1, E7): TLS 1.2 and 1.3 only, AEAD suites only; its certificate and key — and the CAs its
 * clients' certificates must chain to — re-read every {@code reload_interval} and swapped in for new connections
 * when the files changed (open ones keep theirs), so a certificate rotated in place needs no restart; on the public
 * listener, HTTP/2 by ALPN with its own limits.
 */
final class ListenerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListenerTls.class);

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

    private final Vertx vertx;
    private final String name;
    private final TlsConfig config;
    private final ReloadingKeyManager keys;
    private final TrustAnchors clients;
    private byte[][] files; // the bytes the current managers were made from: cert, key, client CA
    private long timer = -1;

    /** @throws IllegalArgumentException when a file does not hold what it should (named by its key, never its content) */
    ListenerTls(Vertx vertx, String name, TlsConfig config) {
        this.vertx = vertx;
        this.name = name;
        this.config = config;
        this.files = read(config);
        this.keys = new ReloadingKeyManager(keyManager(files));
        this.clients = config.clientCertificates()
                ? new TrustAnchors(trustManager(files), List.of(), config.clientAuth() == TlsConfig.ClientAuth.REQUIRED
                ? TrustAnchors.Clients.REFUSE : TrustAnchors.Clients.TREAT_AS_ABSENT)
                : null;
    }

    private byte[][] read(TlsConfig c) {
        try {
            return new byte[][] {Files.readAllBytes(c.cert()), Files.readAllBytes(c.key()), c.clientCa() == null ? null : Files.readAllBytes(c.clientCa())};
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ".tls: a certificate, key or CA file cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private javax.net.ssl.X509KeyManager keyManager(byte[][] f) {
        try {
            return Pem.keyManager(vertx, f[0], f[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ".tls.cert/key: " + e.getMessage());
        }
    }

    private javax.net.ssl.X509ExtendedTrustManager trustManager(byte[][] f) {
        try {
            return Pem.trustManager(vertx, f[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ".tls.client_ca: " + e.getMessage());
        }
    }

    /**
     * The server options for this TLS.
     *
     * @param http2 the public listener's HTTP/2 settings, or null for HTTP/1.1 only
     */
    HttpServerOptions apply(HttpServerOptions options, Http2Config http2, int maxHeaderBytes) {
        options.setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(keys))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setSslHandshakeTimeout(10);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        if (clients != null) {
            options.setTrustOptions(TrustOptions.wrap(clients))
                    .setClientAuth(config.clientAuth() == TlsConfig.ClientAuth.REQUIRED ? ClientAuth.REQUIRED : ClientAuth.REQUEST);
        }
        if (http2 == null || !http2.enabled()) return options.setUseAlpn(false);
        // h2 first, http/1.1 for the rest; the header list gets HTTP/1.1's cap, and resets beyond the flood limit
        // close the connection with GOAWAY (rapid reset, CVE-2023-44487).
        return options.setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(http2.maxConcurrentStreams())
                        .setMaxHeaderListSize(maxHeaderBytes)
                        .setMaxFrameSize((int) http2.maxFrameSize().bytes()))
                .setHttp2RstFloodMaxRstFramePerWindow(http2.rstFloodMaxPerWindow())
                .setHttp2RstFloodWindowDuration((int) Math.min(Integer.MAX_VALUE, http2.rstFloodWindow().toMillis()))
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.MILLISECONDS);
    }

    /** Whether the listener's CAs verify a client's chain; null when the listener asks for no client certificates. */
    Predicate<X509Certificate[]> clientVerifier() {
        return clients == null ? null : clients::verifiesClient;
    }

    /** Starts checking the files every {@code reload_interval}, off the event loop. */
    ListenerTls watch() {
        long every = Math.max(1, config.reloadInterval().toMillis());
        timer = vertx.setPeriodic(every, t -> vertx.executeBlocking(this::check, false));
        return this;
    }

    /** Re-reads the files and swaps what changed; a set that does not load (a key rotated before its certificate) waits for the next round. */
    synchronized boolean check() {
        byte[][] now;
        try {
            now = read(config);
        } catch (IllegalArgumentException e) {
            log.warn("{}: {}; the current certificate stays in use", name, e.getMessage());
            return false;
        }
        if (Arrays.equals(now[0], files[0]) && Arrays.equals(now[1], files[1]) && Arrays.equals(now[2], files[2])) return false;
        try {
            javax.net.ssl.X509KeyManager k = keyManager(now);
            javax.net.ssl.X509ExtendedTrustManager t = clients == null ? null : trustManager(now);
            keys.update(k);
            if (t != null) clients.update(t);
            files = now;
            log.info("{}: new TLS certificate files in use for new connections", name);
            return true;
        } catch (IllegalArgumentException e) {
            log.warn("{}: {}; the current certificate stays in use until the files agree", name, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        if (timer >= 0) vertx.cancelTimer(timer);
    }
}
