package dev.bastion.supply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/image/sign.sh and verify.sh on the real image (target/bastion-image.tar, under ImageTest's rules: skipped
 * here when missing or built from another commit, failed under CI): signed into a directory with an ephemeral GPG
 * key, then verified with the key's fingerprint, and the forgeries refused — a changed manifest or config, another
 * key's signature, the signature presented for another name, an unsigned image — by verify.sh, by
 * {@code skopeo standalone-verify} and by the {@code policy.json signedBy} rule podman and CRI-O enforce. Then pushed
 * to a real registry (Distribution, TLS, loopback) with the signature in a lookaside, verified from there, and refused
 * once the tag is moved to another manifest.
 */
class ImageSigningTest {
    static final String REFERENCE = "ghcr.io/bastion/bastion:0.1.0";
    @TempDir static Path dir;
    static OciImage image;
    static Key release, attacker;
    /** A GnuPG home holding only the release's public key: what a verifier has. */
    static Path verifier;
    static Run signing;
    static Path signed;

    record Key(Path home, String fingerprint, Path publicKey) {}

    record Run(int exit, String output) {}

    @BeforeAll
    static void signTheImage() throws Exception {
        ImageTest.required(onPath("skopeo") && onPath("gpg"), "skopeo and gpg are needed to sign the image: apt-get install skopeo gnupg");
        image = ImageTest.current(p -> false);
        release = newKey("release");
        attacker = newKey("attacker");
        verifier = home("verifier");
        assertThat(run(Map.of(), "gpg", "--batch", "--homedir", verifier.toString(), "--import", release.publicKey.toString()).exit).isZero();
        signed = dir.resolve("signed");
        signing = run(Map.of(), "deploy/image/sign.sh", "--key", release.fingerprint, "--gnupghome", release.home.toString(),
                REFERENCE, "dir:" + signed);
    }

    @AfterAll
    static void stopAgents() throws Exception {
        // gpg starts an agent per home; it would outlive the test
        for (Path home : List.of(dir.resolve("release"), dir.resolve("attacker"), dir.resolve("verifier"))) {
            if (Files.isDirectory(home)) run(Map.of(), "gpgconf", "--homedir", home.toString(), "--kill", "all");
        }
    }

    @Test
    void signsTheDigestTheBuildMadeAndTheSignatureVerifiesWithTheReleaseKeysFingerprint() throws Exception {
        assertThat(signing.exit).as(signing.output).isZero();
        assertThat(signing.output).contains("signed " + image.manifestDigest + " as " + REFERENCE + " with key " + release.fingerprint);
        // the manifest is the build's, byte for byte: the digest people compare is the digest signed
        assertThat("sha256:" + OciImage.sha256(Files.readAllBytes(signed.resolve("manifest.json")))).isEqualTo(image.manifestDigest);
        assertThat(signed.resolve("signature-1")).isNotEmptyFile();
        assertThat(signed.resolve("signature-2")).doesNotExist();

        Run standalone = standaloneVerify(signed, REFERENCE, release.fingerprint);
        assertThat(standalone.exit).as(standalone.output).isZero();
        assertThat(standalone.output).contains("Signature verified, digest " + image.manifestDigest);

        Run verified = verify(release.publicKey, release.fingerprint, REFERENCE, signed);
        assertThat(verified.exit).as(verified.output).isZero();
        assertThat(verified.output).contains("verified " + image.manifestDigest + ": signed as " + REFERENCE + " by " + release.fingerprint);
    }

    @Test
    void aManifestWithOneByteChangedFailsVerification() throws Exception {
        Path tampered = linkedCopy(signed, "manifest-changed", "manifest.json");
        byte[] manifest = Files.readAllBytes(signed.resolve("manifest.json"));
        // one digit of the config's size: still a well-formed manifest, just not the one signed
        int at = new String(manifest, StandardCharsets.ISO_8859_1).indexOf("\"size\":") + "\"size\":".length();
        while (!Character.isDigit(manifest[at])) at++;
        manifest[at] = (byte) (manifest[at] == '9' ? '8' : manifest[at] + 1);
        Files.write(tampered.resolve("manifest.json"), manifest);

        Run verified = verify(release.publicKey, release.fingerprint, REFERENCE, tampered);
        assertThat(verified.exit).as(verified.output).isNotZero();
        assertThat(verified.output).contains("does not match").doesNotContain("verified sha256");
        assertThat(standaloneVerify(tampered, REFERENCE, release.fingerprint).exit).isNotZero();
    }

    @Test
    void aConfigSwappedUnderTheSignedManifestFailsVerification() throws Exception {
        // the signature covers the manifest, and the manifest each blob's digest: a config that runs as root is caught
        String config = image.manifest.path("config").path("digest").asText().substring("sha256:".length());
        Path tampered = linkedCopy(signed, "config-changed", config);
        String original = Files.readString(signed.resolve(config));
        assertThat(original).contains("\"User\":\"65532:65532\"");
        Files.writeString(tampered.resolve(config), original.replace("\"User\":\"65532:65532\"", "\"User\":\"0:0\""));

        Run verified = verify(release.publicKey, release.fingerprint, REFERENCE, tampered);
        assertThat(verified.exit).as(verified.output).isNotZero();
        assertThat(verified.output).contains("does not match expected sha256:" + config).doesNotContain("verified sha256");
    }

    @Test
    void aSignatureByAnotherKeyFailsEvenFromAKeyFileThatAlsoHoldsIt() throws Exception {
        Path forged = forgedBy(attacker, REFERENCE, "attacker-signed");
        assertThat(standaloneVerify(attacker.home, forged, REFERENCE, attacker.fingerprint).exit).as("a valid signature, by its own key").isZero();

        Run verified = verify(release.publicKey, release.fingerprint, REFERENCE, forged);
        assertThat(verified.exit).as(verified.output).isNotZero();
        assertThat(verified.output).contains("rejected").doesNotContain("verified sha256");
        assertThat(standaloneVerify(forged, REFERENCE, release.fingerprint).exit).isNotZero();

        // a key file with the attacker's key beside the release's: only the fingerprint named is trusted
        Path both = dir.resolve("both.asc");
        Files.write(both, concat(Files.readAllBytes(release.publicKey), Files.readAllBytes(attacker.publicKey)));
        Run mixed = verify(both, release.fingerprint, REFERENCE, forged);
        assertThat(mixed.exit).as(mixed.output).isNotZero();
        assertThat(mixed.output).doesNotContain("verified sha256");
        // and a fingerprint the key file does not hold is refused before anything is read
        Run absent = verify(release.publicKey, attacker.fingerprint, REFERENCE, signed);
        assertThat(absent.exit).isNotZero();
        assertThat(absent.output).contains("holds no key with fingerprint " + attacker.fingerprint);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ghcr.io/bastion/bastion:0.0.9", "ghcr.io/bastion/bastion:latest", "ghcr.io/bastion/gateway:0.1.0",
            "ghcr.io/attacker/bastion:0.1.0", "registry.example.com/bastion/bastion:0.1.0"})
    void theSignatureDoesNotVouchForAnotherName(String other) throws Exception {
        Run verified = verify(release.publicKey, release.fingerprint, other, signed);
        assertThat(verified.exit).as(verified.output).isNotZero();
        assertThat(verified.output).contains("is not accepted").doesNotContain("verified sha256");
        Run standalone = standaloneVerify(signed, other, release.fingerprint);
        assertThat(standalone.exit).isNotZero();
        assertThat(standalone.output).contains("does not match " + other);
    }

    @Test
    void aPolicySignedByRuleRefusesTheUnsignedAndTheWronglySignedImageAndAcceptsTheSignedOne() throws Exception {
        // the rule deploy/README.md gives for podman and CRI-O, for the dir: transport the test can reach
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, """
                {"default": [{"type": "reject"}],
                 "transports": {"dir": {"": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "%s",
                   "signedIdentity": {"type": "exactReference", "dockerReference": "%s"}}]}}}
                """.formatted(release.publicKey, REFERENCE));
        Path unsigned = linkedCopy(signed, "unsigned", "signature-1");
        Files.delete(unsigned.resolve("signature-1"));

        Run refusedUnsigned = policyCopy(policy, unsigned, "out-unsigned");
        assertThat(refusedUnsigned.exit).as(refusedUnsigned.output).isNotZero();
        assertThat(refusedUnsigned.output).contains("A signature was required, but no signature exists");
        Run refusedForged = policyCopy(policy, forgedBy(attacker, REFERENCE, "attacker-signed-for-policy"), "out-forged");
        assertThat(refusedForged.exit).as(refusedForged.output).isNotZero();
        assertThat(refusedForged.output).contains("Source image rejected");
        assertThat(dir.resolve("out-unsigned/manifest.json")).doesNotExist();
        assertThat(dir.resolve("out-forged/manifest.json")).doesNotExist();

        Run accepted = policyCopy(policy, signed, "out-signed");
        assertThat(accepted.exit).as(accepted.output).isZero();
        assertThat("sha256:" + OciImage.sha256(Files.readAllBytes(dir.resolve("out-signed/manifest.json")))).isEqualTo(image.manifestDigest);
    }

    @Test
    void signsWhilePushingToARegistryWhoseLookasideHoldsTheSignatureAndAMovedTagFailsVerification() throws Exception {
        ImageTest.required(onPath("docker-registry"), "docker-registry is needed to push the image: apt-get install docker-registry");
        // a real registry (Distribution) over TLS with a CA of the test's own, on loopback
        Path reg = Files.createDirectory(dir.resolve("registry"));
        TestCertificates.ca(reg, "ca");
        TestCertificates.server(reg, "ca", "registry", "IP:127.0.0.1");
        Path certDir = Files.createDirectory(reg.resolve("cert-dir"));
        Files.copy(reg.resolve("ca.pem"), certDir.resolve("ca.crt"));
        int port = BastionProcess.freePort();
        Files.writeString(reg.resolve("config.yml"), """
                version: 0.1
                log: { level: error }
                storage: { filesystem: { rootdirectory: %s } }
                http:
                  addr: 127.0.0.1:%d
                  tls: { certificate: %s, key: %s }
                """.formatted(reg.resolve("storage"), port, reg.resolve("registry.pem"), reg.resolve("registry-key.pem")));
        // a plain registry stores no simple signatures: registries.d names the lookaside they go to and are read from
        Path lookaside = reg.resolve("lookaside");
        Path registriesD = Files.createDirectory(reg.resolve("registries.d"));
        Files.writeString(registriesD.resolve("bastion.yaml"), "docker:\n  127.0.0.1:%d:\n    lookaside: file://%s\n".formatted(port, lookaside));
        String name = "127.0.0.1:" + port + "/bastion/bastion:0.1.0";
        Process registry = new ProcessBuilder("docker-registry", "serve", reg.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(reg.resolve("registry.log").toFile()).start();
        try {
            awaitListening(registry, port);
            Run push = run(Map.of(), "deploy/image/sign.sh", "--key", release.fingerprint, "--gnupghome", release.home.toString(),
                    "--registries.d", registriesD.toString(), "--cert-dir", certDir.toString(), name);
            assertThat(push.exit).as(push.output).isZero();
            assertThat(push.output).contains("signed " + image.manifestDigest + " as " + name);
            assertThat(lookaside.resolve("bastion/bastion@sha256=" + image.manifestDigest.substring("sha256:".length()) + "/signature-1")).isNotEmptyFile();

            Run pulled = run(Map.of(), "deploy/image/verify.sh", "--key", release.publicKey.toString(), "--fingerprint", release.fingerprint,
                    "--registries.d", registriesD.toString(), "--cert-dir", certDir.toString(), name);
            assertThat(pulled.exit).as(pulled.output).isZero();
            assertThat(pulled.output).contains("verified " + image.manifestDigest);

            // the node rule deploy/README.md gives for CRI-O and podman: the repository scoped, the pull by digest
            String repository = name.substring(0, name.lastIndexOf(':'));
            Path nodePolicy = Files.writeString(reg.resolve("node-policy.json"), """
                    {"default": [{"type": "insecureAcceptAnything"}],
                     "transports": {"docker": {"%s": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "%s"}]}}}
                    """.formatted(repository, release.publicKey));
            Run node = run(Map.of(), "skopeo", "--policy", nodePolicy.toString(), "--registries.d", registriesD.toString(), "copy", "--quiet",
                    "--src-cert-dir", certDir.toString(), "docker://" + repository + "@" + image.manifestDigest, "dir:" + reg.resolve("node-pull"));
            assertThat(node.exit).as(node.output).isZero();

            // someone with push rights moves the tag to another manifest (the same layers as a Docker v2 manifest)
            Path anyPolicy = Files.writeString(reg.resolve("accept.json"), "{\"default\": [{\"type\": \"insecureAcceptAnything\"}]}");
            Run moved = run(Map.of(), "skopeo", "--policy", anyPolicy.toString(), "copy", "--quiet", "--format", "v2s2",
                    "--digestfile", reg.resolve("moved.digest").toString(), "--dest-cert-dir", certDir.toString(),
                    "oci-archive:" + ImageTest.TAR, "docker://" + name);
            assertThat(moved.exit).as(moved.output).isZero();
            assertThat(Files.readString(reg.resolve("moved.digest"))).startsWith("sha256:").isNotEqualTo(image.manifestDigest);
            Run refused = run(Map.of(), "deploy/image/verify.sh", "--key", release.publicKey.toString(), "--fingerprint", release.fingerprint,
                    "--registries.d", registriesD.toString(), "--cert-dir", certDir.toString(), name);
            assertThat(refused.exit).as(refused.output).isNotZero();
            assertThat(refused.output).contains("A signature was required, but no signature exists").doesNotContain("verified sha256");
            Run nodeRefused = run(Map.of(), "skopeo", "--policy", nodePolicy.toString(), "--registries.d", registriesD.toString(), "copy", "--quiet",
                    "--src-cert-dir", certDir.toString(), "docker://" + name, "dir:" + reg.resolve("node-pull-moved"));
            assertThat(nodeRefused.exit).as(nodeRefused.output).isNotZero();
            assertThat(nodeRefused.output).contains("A signature was required, but no signature exists");
        } finally {
            registry.destroy();
            registry.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void signRefusesAShortKeyIdAndANameWithoutRegistryOrTag() throws Exception {
        String shortId = release.fingerprint.substring(24);
        Run shortKey = run(Map.of(), "deploy/image/sign.sh", "--key", shortId, "--gnupghome", release.home.toString(), REFERENCE, "dir:" + dir.resolve("x"));
        assertThat(shortKey.exit).isEqualTo(2);
        assertThat(shortKey.output).contains("full 40-digit fingerprint");
        for (String name : List.of("bastion/bastion:0.1.0", "ghcr.io/bastion/bastion", "ghcr.io/bastion/bastion:0.1.0\"}")) {
            Run bad = run(Map.of(), "deploy/image/sign.sh", "--key", release.fingerprint, "--gnupghome", release.home.toString(), name, "dir:" + dir.resolve("x"));
            assertThat(bad.exit).as(name).isEqualTo(2);
            assertThat(bad.output).contains("REFERENCE must be registry/repository:tag");
        }
        assertThat(dir.resolve("x")).doesNotExist();
    }

    /** The signed directory with signature-1 replaced by {@code key}'s signature of the same manifest as {@code name}. */
    private static Path forgedBy(Key key, String name, String as) throws Exception {
        Path forged = linkedCopy(signed, as, "signature-1");
        Files.delete(forged.resolve("signature-1"));
        Run sign = run(Map.of("GNUPGHOME", key.home.toString()), "skopeo", "standalone-sign", signed.resolve("manifest.json").toString(),
                name, key.fingerprint, "--output", forged.resolve("signature-1").toString());
        assertThat(sign.exit).as(sign.output).isZero();
        return forged;
    }

    private static Run verify(Path publicKey, String fingerprint, String name, Path from) throws Exception {
        return run(Map.of(), "deploy/image/verify.sh", "--key", publicKey.toString(), "--fingerprint", fingerprint, name, "dir:" + from);
    }

    private static Run standaloneVerify(Path from, String name, String fingerprint) throws Exception {
        return standaloneVerify(verifier, from, name, fingerprint);
    }

    private static Run standaloneVerify(Path gnupgHome, Path from, String name, String fingerprint) throws Exception {
        return run(Map.of("GNUPGHOME", gnupgHome.toString()), "skopeo", "standalone-verify", from.resolve("manifest.json").toString(), name,
                fingerprint, from.resolve("signature-1").toString());
    }

    private static Run policyCopy(Path policy, Path from, String to) throws Exception {
        return run(Map.of(), "skopeo", "--policy", policy.toString(), "copy", "--quiet", "dir:" + from, "dir:" + dir.resolve(to));
    }

    /** A copy of an image directory whose blobs are hard links (no 250 MB copies); {@code own} is copied, so it may be changed. */
    private static Path linkedCopy(Path from, String name, String own) throws Exception {
        Path to = Files.createDirectory(dir.resolve(name));
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().equals(own)) Files.copy(f, to.resolve(own));
                else Files.createLink(to.resolve(f.getFileName()), f);
            }
        }
        return to;
    }

    /** An ed25519 signing key without a passphrase in a GnuPG home of its own, and its exported public key. */
    private static Key newKey(String name) throws Exception {
        Path home = home(name);
        Run gen = run(Map.of(), "gpg", "--batch", "--homedir", home.toString(), "--passphrase", "", "--quick-gen-key",
                "Bastion " + name + " test <" + name + "@bastion.invalid>", "ed25519", "sign", "never");
        assertThat(gen.exit).as(gen.output).isZero();
        Run list = run(Map.of(), "gpg", "--batch", "--homedir", home.toString(), "--with-colons", "--list-secret-keys");
        String fingerprint = list.output.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        Path publicKey = dir.resolve(name + ".asc");
        Run export = run(Map.of(), "gpg", "--batch", "--homedir", home.toString(), "--armor", "--output", publicKey.toString(), "--export", fingerprint);
        assertThat(export.exit).as(export.output).isZero();
        return new Key(home, fingerprint, publicKey);
    }

    private static Path home(String name) throws Exception {
        Path home = Files.createDirectory(dir.resolve(name));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return home;
    }

    private static void awaitListening(Process server, int port) throws Exception {
        for (int i = 0; i < 300 && server.isAlive(); i++) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the registry did not start listening on " + port);
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Run run(Map<String, String> env, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        if (cmd.getFirst().endsWith(".sh")) cmd.addFirst("bash");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
