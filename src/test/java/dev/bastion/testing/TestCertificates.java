package dev.bastion.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with the real {@code openssl} for servers the tests run with TLS (PostgreSQL, Redis): a CA of
 * the test's own, and a server certificate it signs for given subject alternative names. Files go in {@code dir}
 * as {@code NAME.pem} and {@code NAME-key.pem} (the key owner-only: servers refuse a readable one).
 */
public final class TestCertificates {
    private TestCertificates() {}

    /** A self-signed CA: {@code dir/ca.pem}, {@code dir/ca-key.pem}. */
    public static Path ca(Path dir, String ca) throws Exception {
        return ca(dir, ca, 2);
    }

    /** The same, valid for {@code days} (a posture check warns about one that expires within 30). */
    public static Path ca(Path dir, String ca, int days) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", String.valueOf(days),
                "-keyout", dir.resolve(ca + "-key.pem").toString(), "-out", dir.resolve(ca + ".pem").toString(), "-subj", "/CN=" + ca);
        return dir.resolve(ca + ".pem");
    }

    /**
     * A server certificate {@code dir/name.pem} (key {@code dir/name-key.pem}) signed by {@code ca}.
     *
     * @param san e.g. {@code IP:127.0.0.1} or {@code DNS:localhost}
     */
    public static Path server(Path dir, String ca, String name, String san) throws Exception {
        Path key = dir.resolve(name + "-key.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", dir.resolve(name + ".csr").toString(), "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n");
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", dir.resolve(ca + ".pem").toString(),
                "-CAkey", dir.resolve(ca + "-key.pem").toString(), "-CAcreateserial", "-days", "2", "-extfile", dir.resolve(name + ".ext").toString(),
                "-out", dir.resolve(name + ".pem").toString());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return dir.resolve(name + ".pem");
    }

    /**
     * A client certificate {@code dir/name.pem} (key {@code dir/name-key.pem}) signed by {@code ca}, for mTLS.
     *
     * @param san e.g. {@code URI:spiffe://acme.test/billing} or {@code DNS:worker.acme.test}; null for none
     * @param subject e.g. {@code /CN=billing/O=Acme}
     */
    public static Path client(Path dir, String ca, String name, String subject, String san) throws Exception {
        Path key = dir.resolve(name + "-key.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", dir.resolve(name + ".csr").toString(), "-subj", subject);
        Files.writeString(dir.resolve(name + ".ext"), "extendedKeyUsage=clientAuth\n" + (san == null ? "" : "subjectAltName=" + san + "\n"));
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", dir.resolve(ca + ".pem").toString(),
                "-CAkey", dir.resolve(ca + "-key.pem").toString(), "-CAcreateserial", "-days", "2", "-extfile", dir.resolve(name + ".ext").toString(),
                "-out", dir.resolve(name + ".pem").toString());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return dir.resolve(name + ".pem");
    }

    /** base64 SHA-256 of a PEM certificate's SubjectPublicKeyInfo (an RFC 7469 pin). */
    public static String spkiPin(Path cert) throws Exception {
        java.security.cert.X509Certificate x;
        try (var in = Files.newInputStream(cert)) {
            x = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(x.getPublicKey().getEncoded()));
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("openssl " + args[0] + " failed: " + out);
    }
}
