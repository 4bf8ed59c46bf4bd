package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.BuildFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion version} as a real process: what it prints is what the build put in, each checked at its source. */
class VersionCommandTest {

    @Test
    void printsVersionCommitBuildTimeAndTheSbomDigest(@TempDir Path dir) throws Exception {
        assertThat(BastionProcess.run(dir, "version", Map.of(), "version")).isZero();
        String out = Files.readString(dir.resolve("version.out"));

        String sbomSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Path.of("target/classes/META-INF/sbom/bom.json"))));
        assertThat(out).isEqualTo(String.join("\n",
                "bastion " + BuildFacts.version(),
                "commit: " + BuildFacts.gitHead(),
                "built: " + BuildFacts.outputTimestamp(),
                "sbom: sha256:" + sbomSha + " (META-INF/sbom/bom.json)") + "\n");

        // --version says the same
        assertThat(BastionProcess.run(dir, "dashdash", Map.of(), "--version")).isZero();
        assertThat(Files.readString(dir.resolve("dashdash.out"))).isEqualTo(out);
    }

    @Test
    void aBuildOutsideAGitCheckoutReadsUnknown() {
        assertThat(BuildInfo.commitOf("fatal: not a git repository (or any of the parent directories): .git\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("unknown");
        assertThat(BuildInfo.commitOf(null)).isEqualTo("unknown");
        assertThat(BuildInfo.commitOf("92a33c667a54baddb7faca7a1508e0207c380725\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("92a33c667a54baddb7faca7a1508e0207c380725");
    }
}
