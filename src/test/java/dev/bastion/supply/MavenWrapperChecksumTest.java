package dev.bastion.supply;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Maven wrapper is pinned and checks what it downloads: the repository's ./mvnw, given the repository's
 * distributionSha256Sum, refuses a tampered distribution served over loopback HTTP, and runs one whose sum matches.
 */
class MavenWrapperChecksumTest {
    static final Path PROPERTIES = Path.of(".mvn/wrapper/maven-wrapper.properties");

    @Test
    void theWrapperAndMavenArePinnedWithAChecksum() throws Exception {
        Properties p = load();
        assertThat(p.getProperty("wrapperVersion")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(p.getProperty("distributionUrl")).matches("https://repo\\.maven\\.apache\\.org/maven2/org/apache/maven/apache-maven/"
                + "(\\d+\\.\\d+\\.\\d+)/apache-maven-\\1-bin\\.zip");
        assertThat(p.getProperty("distributionSha256Sum")).matches("[0-9a-f]{64}");
        // the only-script wrapper downloads no wrapper jar, so there is no wrapperSha256Sum to pin
        assertThat(p.getProperty("distributionType")).isEqualTo("only-script");
        assertThat(Path.of(".mvn/wrapper/maven-wrapper.jar")).doesNotExist();
    }

    @Test
    void aDistributionThatDoesNotMatchThePinnedSumIsRefused(@TempDir Path dir) throws Exception {
        byte[] tampered = fakeDistribution(dir);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, tampered.length);
            ex.getResponseBody().write(tampered);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apache-maven-3.9.16-bin.zip";
            String pinned = load().getProperty("distributionSha256Sum");

            Run refused = wrapper(dir.resolve("pinned"), url, pinned);
            assertThat(refused.exit).isNotZero();
            assertThat(refused.output).contains("Failed to validate Maven distribution SHA-256").doesNotContain("fake maven ran");

            Run accepted = wrapper(dir.resolve("matching"), url, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tampered)));
            assertThat(accepted.output).contains("fake maven ran --version");
            assertThat(accepted.exit).isZero();
        } finally {
            server.stop(0);
        }
    }

    record Run(int exit, String output) {}

    /** The repository's mvnw in a project of its own, with the given URL and sum and an empty Maven home. */
    private static Run wrapper(Path project, String url, String sha256) throws Exception {
        Files.createDirectories(project.resolve(".mvn/wrapper"));
        Files.copy(Path.of("mvnw"), project.resolve("mvnw"));
        Files.writeString(project.resolve(".mvn/wrapper/maven-wrapper.properties"),
                "distributionType=only-script\ndistributionUrl=" + url + "\ndistributionSha256Sum=" + sha256 + "\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "mvnw", "--version").directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("MAVEN_USER_HOME", project.resolve("m2").toString());
        pb.environment().remove("MAVEN_HOME");
        pb.environment().remove("MVNW_REPOURL");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A "Maven" zip whose bin/mvn only says it ran: what an attacker's substitute would look like to the wrapper. */
    private static byte[] fakeDistribution(Path dir) throws Exception {
        Path zip = dir.resolve("fake-maven.zip");
        // the zip file system writes the POSIX mode, so unzip makes bin/mvn executable as in the real distribution
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
            Path mvn = fs.getPath("apache-maven-3.9.16/bin/mvn");
            Files.createDirectories(mvn.getParent());
            Files.writeString(mvn, "#!/bin/sh\necho \"fake maven ran $*\"\n");
            Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Files.readAllBytes(zip);
    }

    private static Properties load() throws Exception {
        Properties p = new Properties();
        try (var in = Files.newInputStream(PROPERTIES)) {
            p.load(in);
        }
        return p;
    }
}
