package dev.bastion.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * TLS towards one upstream (E7): the client certificate Bastion presents, and whom it trusts.
 *
 * @param clientCert  PEM certificate chain presented to the upstream, a secret reference ({@code file:PATH} re-read as it rotates)
 * @param clientKey   its PEM private key, a secret reference
 * @param ca          PEM file of the only CAs the upstream's certificate may chain to (instead of the JDK's trust store)
 * @param pinSha256   base64 SHA-256 digests of SubjectPublicKeyInfo: the upstream's leaf key must be one of them
 *                    (checked after the chain and host name, never instead)
 */
public record UpstreamTlsConfig(SecretRef clientCert, SecretRef clientKey, Path ca, List<String> pinSha256) {
    public UpstreamTlsConfig {
        if ((clientCert == null) != (clientKey == null)) throw new IllegalArgumentException("client_cert and client_key: both or neither");
        if (ca != null && !Files.isReadable(ca)) throw new IllegalArgumentException("ca: " + ca + " is not a readable file");
        pinSha256 = pinSha256 == null ? List.of() : List.copyOf(pinSha256);
        for (String pin : pinSha256) {
            byte[] digest;
            try {
                digest = Base64.getDecoder().decode(pin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pin_sha256: '" + pin + "' is not base64");
            }
            if (digest.length != 32) throw new IllegalArgumentException("pin_sha256: '" + pin + "' is " + digest.length + " bytes (expected: a SHA-256 digest, 32)");
        }
        if (clientCert == null && ca == null && pinSha256.isEmpty()) throw new IllegalArgumentException("tls: empty (expected: client_cert/client_key, ca or pin_sha256)");
    }
}
