package dev.bastion.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * What this build is (docs/security.md#supply-chain): the version and build time the build filtered into
 * {@code dev/bastion/build.properties}, the commit {@code git rev-parse HEAD} wrote beside it, and the SHA-256 of the
 * CycloneDX SBOM shipped in the jar ({@code META-INF/sbom/bom.json}). Anything missing reads {@code unknown}.
 */
public record BuildInfo(String version, String commit, String built, String sbomSha256) {
    static final String UNKNOWN = "unknown";
    static final String SBOM = "META-INF/sbom/bom.json";

    public static BuildInfo current() {
        ClassLoader loader = BuildInfo.class.getClassLoader();
        Properties p = new Properties();
        byte[] props = read(loader, "dev/bastion/build.properties");
        if (props != null) {
            try {
                p.load(new java.io.ByteArrayInputStream(props));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] commit = read(loader, "dev/bastion/commit");
        byte[] sbom = read(loader, SBOM);
        return new BuildInfo(filled(p.getProperty("version")), commitOf(commit), filled(p.getProperty("built")),
                sbom == null ? UNKNOWN : sha256(sbom));
    }

    /** {@code git rev-parse HEAD}'s output, or unknown when it was not a git checkout (git's message instead). */
    static String commitOf(byte[] output) {
        String s = output == null ? "" : new String(output, StandardCharsets.UTF_8).trim();
        return s.matches("[0-9a-f]{40}|[0-9a-f]{64}") ? s : UNKNOWN;
    }

    private static String filled(String v) {
        return v == null || v.isBlank() || v.contains("${") ? UNKNOWN : v.trim();
    }

    private static byte[] read(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines {@code bastion version} prints. */
    public String[] lines() {
        return new String[] {"bastion " + version, "commit: " + commit, "built: " + built, "sbom: sha256:" + sbomSha256 + " (" + SBOM + ")"};
    }
}
