package dev.bastion.posture;

import dev.bastion.config.BastionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The certificate files a config names, and the window in which all of a file's certificates are valid. */
final class Certificates {
    private Certificates() {}

    /**
     * The intersection of a file's certificates' validity: a chain or a CA bundle is only as good as its first
     * certificate to expire.
     */
    record Validity(Instant notBefore, Instant notAfter) {
        @Override
        public String toString() {
            return notBefore + ".." + notAfter;
        }
    }

    /** Where each certificate file is named, by YAML path: the one the public listener serves and the CAs Bastion trusts. */
    static Map<String, Path> files(BastionConfig c) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (c.listeners().publicListener().tls() != null) out.put("listeners.public.tls.cert", c.listeners().publicListener().tls().cert());
        if (c.listeners().publicListener().tls() != null && c.listeners().publicListener().tls().clientCa() != null) {
            out.put("listeners.public.tls.client_ca", c.listeners().publicListener().tls().clientCa());
        }
        if (c.listeners().admin().tls() != null) out.put("listeners.admin.tls.cert", c.listeners().admin().tls().cert());
        if (c.listeners().admin().tls() != null && c.listeners().admin().tls().clientCa() != null) {
            out.put("listeners.admin.tls.client_ca", c.listeners().admin().tls().clientCa());
        }
        c.upstreams().forEach((name, u) -> {
            if (u.tlsSettings() != null && u.tlsSettings().ca() != null) out.put("upstreams." + name + ".tls.ca", u.tlsSettings().ca());
        });
        if (c.redis() != null && c.redis().caFile() != null) out.put("redis.ca_file", c.redis().caFile());
        if (c.secrets().vault() != null && c.secrets().vault().caFile() != null) out.put("secrets.vault.ca_file", c.secrets().vault().caFile());
        for (int i = 0; i < c.audit().sinks().size(); i++) {
            String ca = c.audit().sinks().get(i).caFile();
            if (ca != null) out.put("audit.sinks[" + i + "].ca_file", Path.of(ca));
        }
        return out;
    }

    /** @return the validity of every certificate in the PEM file together, or null when it holds none or cannot be read */
    static Validity validity(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            Instant notBefore = Instant.MIN;
            Instant notAfter = Instant.MAX;
            for (java.security.cert.Certificate cert : all) {
                X509Certificate x = (X509Certificate) cert;
                if (x.getNotBefore().toInstant().isAfter(notBefore)) notBefore = x.getNotBefore().toInstant();
                if (x.getNotAfter().toInstant().isBefore(notAfter)) notAfter = x.getNotAfter().toInstant();
            }
            return all.isEmpty() ? null : new Validity(notBefore, notAfter);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }
}
