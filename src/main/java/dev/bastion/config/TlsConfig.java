package dev.bastion.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * @param cert PEM certificate chain file
 * @param key  PEM private key file (PKCS#8 or PKCS#1)
 */
public record TlsConfig(Path cert, Path key) {
    public TlsConfig {
        if (cert == null) throw new IllegalArgumentException("cert: missing (expected: path to a PEM certificate chain)");
        if (key == null) throw new IllegalArgumentException("key: missing (expected: path to a PEM private key)");
        if (!Files.isReadable(cert)) throw new IllegalArgumentException("cert: " + cert + " is not a readable file");
        if (!Files.isReadable(key)) throw new IllegalArgumentException("key: " + key + " is not a readable file");
    }
}
