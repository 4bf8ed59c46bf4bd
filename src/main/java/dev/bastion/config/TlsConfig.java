package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A listener's TLS: its own certificate, and optionally its callers' (mTLS, E7).
 *
 * @param cert              PEM certificate chain file
 * @param key               PEM private key file (PKCS#8 or PKCS#1)
 * @param clientAuth        {@code none} (default), {@code request} (a certificate is asked for; one that does not
 *                          verify against {@code client_ca} counts as absent) or {@code required} (the handshake fails
 *                          without a certificate {@code client_ca} verifies)
 * @param clientCa          PEM file of the CAs client certificates must chain to; required unless {@code client_auth: none}
 * @param clientIdentities  which verified certificates are which callers (the {@code mtls} auth method); public listener only
 * @param reloadInterval    how often the certificate, key and client CA files are checked for a new version; default 10s
 * @param http2             HTTP/2 over TLS (ALPN); public listener only
 */
public record TlsConfig(Path cert, Path key, ClientAuth clientAuth, Path clientCa, List<ClientIdentityConfig> clientIdentities,
                        Duration reloadInterval, Http2Config http2) {
    public TlsConfig(Path cert, Path key) {
        this(cert, key, null, null, null, null, null);
    }

    public enum ClientAuth {
        @JsonProperty("none") NONE,
        @JsonProperty("request") REQUEST,
        @JsonProperty("required") REQUIRED
    }

    public TlsConfig {
        if (cert == null) throw new IllegalArgumentException("cert: missing (expected: path to a PEM certificate chain)");
        if (key == null) throw new IllegalArgumentException("key: missing (expected: path to a PEM private key)");
        if (!Files.isReadable(cert)) throw new IllegalArgumentException("cert: " + cert + " is not a readable file");
        if (!Files.isReadable(key)) throw new IllegalArgumentException("key: " + key + " is not a readable file");
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("client_ca: missing (client_auth: " + clientAuth.name().toLowerCase() + " needs the CAs client certificates chain to)");
        }
        if (clientCa != null && !Files.isReadable(clientCa)) throw new IllegalArgumentException("client_ca: " + clientCa + " is not a readable file");
        if (clientCa != null && clientAuth == ClientAuth.NONE) throw new IllegalArgumentException("client_ca: only used with client_auth: request or required");
        clientIdentities = clientIdentities == null ? List.of() : List.copyOf(clientIdentities);
        if (!clientIdentities.isEmpty() && clientAuth == ClientAuth.NONE) {
            throw new IllegalArgumentException("client_identities: only used with client_auth: request or required");
        }
        reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
        EdgeConfig.requirePositive("reload_interval", reloadInterval);
        http2 = http2 == null ? new Http2Config(null, null, null, null, null) : http2;
    }

    public boolean clientCertificates() {
        return clientAuth != ClientAuth.NONE;
    }
}
