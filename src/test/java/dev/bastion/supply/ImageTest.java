package dev.bastion.supply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.BuildFacts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image deploy/image/build.sh writes (target/bastion-image.tar), opened as a file: config, labels and every
 * layer entry; then its runtime started from the unpacked layers on a read-only root with only the declared volumes
 * writable, as user 65532. Under CI (.ci/run builds the image twice first) a missing image fails instead of skipping.
 */
class ImageTest {
    static final Path TAR = Path.of("target/bastion-image.tar");
    static final Path REBUILD = Path.of("target/bastion-image.rebuild.tar");
    static final Set<String> VOLUMES = Set.of("/var/lib/bastion", "/tmp");
    static final String SBOM = "/app/resources/META-INF/sbom/bom.json";
    static final boolean CI = System.getenv("CI") != null;
    static OciImage image;

    @BeforeAll
    static void open() throws Exception {
        image = current(p -> Set.of("/etc/passwd", "/etc/group", SBOM, "/opt/java/release", "/etc/bastion/bastion.yaml").contains(p));
    }

    /**
     * target/bastion-image.tar opened, keeping the files {@code keep} names, when it exists and was built from this
     * commit; otherwise the calling tests are skipped, or fail under CI (the image tests share this rule).
     */
    static OciImage current(java.util.function.Predicate<String> keep) throws Exception {
        required(Files.exists(TAR), "target/bastion-image.tar is missing: build it with deploy/image/build.sh --twice");
        OciImage opened = new OciImage(TAR, keep);
        // A tarball left from an earlier commit describes other sources: CI builds it first (.ci/run); elsewhere, skip.
        String revision = opened.config.path("config").path("Labels").path("org.opencontainers.image.revision").asText();
        required(revision.equals(BuildFacts.gitHead()), "target/bastion-image.tar was built from another commit: rebuild it with deploy/image/build.sh --twice");
        return opened;
    }

    /** Skips on a developer's machine, saying why on stderr; fails under CI, where the image tests must run. */
    static void required(boolean condition, String why) {
        if (!condition && CI) fail(why);
        if (!condition) System.err.println("SKIPPED: " + why);
        assumeTrue(condition, why);
    }

    @Test
    void runsAsTheNonRootUserWithTheGatewayAsEntrypoint() {
        JsonNode c = image.config.path("config");
        assertThat(c.path("User").asText()).isEqualTo("65532:65532");
        List<String> entrypoint = strings(c.path("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("/opt/java/bin/java");
        assertThat(entrypoint.getLast()).isEqualTo("dev.bastion.Bastion");
        assertThat(entrypoint).contains("-cp", "/app/resources:/app/classes:/app/libs/*", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp");
        assertThat(strings(c.path("Cmd"))).containsExactly("serve", "--config", "/etc/bastion/bastion.yaml");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/bastion");
        String passwd = text("/etc/passwd");
        assertThat(passwd).contains("bastion:x:65532:65532:bastion:/var/lib/bastion:/sbin/nologin\n");
        assertThat(passwd.lines()).allMatch(l -> l.endsWith(":/sbin/nologin"));
        assertThat(text("/etc/group")).contains("bastion:x:65532:\n");
    }

    @Test
    void noShellNoPackageManagerNoSetIdBitsAndNothingWorldWritableOutsideTheVolumes() {
        Set<String> banned = Set.of("sh", "bash", "dash", "ash", "zsh", "busybox", "su", "sudo", "apt", "apt-get", "dpkg", "rpm", "curl", "wget");
        assertThat(image.entries).filteredOn(e -> e.type() != '5' && banned.contains(e.path().substring(e.path().lastIndexOf('/') + 1)))
                .as("shells, package managers, downloaders").isEmpty();
        assertThat(paths()).doesNotContain("/bin/sh", "/usr/bin/sh", "/bin/bash", "/sbin/nologin");
        assertThat(image.entries).filteredOn(OciImage.Entry::setId).as("setuid/setgid").isEmpty();
        assertThat(image.entries).filteredOn(OciImage.Entry::worldWritable).extracting(OciImage.Entry::path)
                .as("world-writable").containsOnly("/tmp", "/var/lib/bastion");
        assertThat(image.entries).filteredOn(e -> e.uid() != 0 || e.gid() != 0).as("owned by anyone but root").isEmpty();
    }

    @Test
    void layersHoldTheBaseTheTrimmedRuntimeAndTheApp() {
        assertThat(paths()).contains(
                // the base, from the pinned Debian packages
                "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libz.so.1",
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/etc/ssl/certs/ca-certificates.crt", "/etc/services",
                "/usr/share/zoneinfo/Etc/UTC", "/etc/os-release", "/var/lib/dpkg/status.d/libc6", "/var/lib/dpkg/packages.lock",
                "/usr/share/doc/libc6/copyright",
                // the jlink-ed runtime
                "/opt/java/bin/java", "/opt/java/lib/modules", "/opt/java/lib/server/libjvm.so", "/opt/java/release",
                // the app, its dependencies and the default config
                "/app/classes/dev/bastion/Bastion.class", "/app/libs/vertx-core-5.0.10.jar", SBOM, "/etc/bastion/bastion.yaml");
        assertThat(image.entries).filteredOn(e -> e.path().equals("/opt/java/bin/java") || e.path().equals("/lib64/ld-linux-x86-64.so.2"))
                .allMatch(e -> (e.mode() & 0755) == 0755);
        // only the modules jdeps found (and the two named in build.sh): no compiler, debugger, shell or headers
        String modules = text("/opt/java/release").lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        assertThat(modules).contains("java.base", "java.sql", "java.net.http", "jdk.unsupported", "jdk.zipfs", "jdk.charsets")
                .doesNotContain("jdk.compiler", "jdk.jshell", "jdk.jdwp.agent", "jdk.jlink", "jdk.jdi", "java.rmi");
        assertThat(paths()).noneMatch(p -> p.startsWith("/opt/java/include") || p.startsWith("/opt/java/man") || p.startsWith("/opt/java/jmods"))
                .doesNotContain("/opt/java/bin/javac", "/opt/java/bin/jshell", "/opt/java/bin/jdb");
        assertThat(paths()).noneMatch(p -> p.startsWith("/usr/include") || p.startsWith("/usr/share/man") || p.endsWith(".h"));
    }

    @Test
    void labelsVolumesPortsAndFixedTimestamps() throws Exception {
        JsonNode c = image.config.path("config");
        String created = BuildFacts.outputTimestamp();
        JsonNode labels = c.path("Labels");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(BuildFacts.version());
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(BuildFacts.gitHead());
        assertThat(labels.path("org.opencontainers.image.created").asText()).isEqualTo(created);
        assertThat(labels.has("org.opencontainers.image.source")).isTrue();
        byte[] sbom = image.contents.get(SBOM);
        assertThat(new String(sbom, StandardCharsets.UTF_8)).contains("\"bomFormat\" : \"CycloneDX\"");
        assertThat(labels.path("dev.bastion.sbom.sha256").asText()).isEqualTo(OciImage.sha256(sbom));
        assertThat(labels.path("dev.bastion.sbom.path").asText()).isEqualTo(SBOM);
        assertThat(names(c.path("Volumes"))).isEqualTo(new TreeSet<>(VOLUMES));
        assertThat(names(c.path("ExposedPorts"))).containsExactly("8080/tcp", "9090/tcp");
        // reproducible: the creation time and every file's time come from project.build.outputTimestamp, not the clock
        assertThat(image.config.path("created").asText()).isEqualTo(created);
        long fixed = Instant.parse(created).getEpochSecond();
        assertThat(image.entries).extracting(OciImage.Entry::mtime).containsOnly(1L, fixed);
        // each layer is what the config says it is
        assertThat(image.diffIds).isEqualTo(strings(image.config.path("rootfs").path("diff_ids")));
    }

    @Test
    void twoBuildsGiveTheSameDigest() throws Exception {
        required(Files.exists(REBUILD), "target/bastion-image.rebuild.tar is missing: build with deploy/image/build.sh --twice");
        OciImage again = new OciImage(REBUILD, p -> false);
        assertThat(again.manifestDigest).isEqualTo(image.manifestDigest);
        assertThat(again.diffIds).isEqualTo(image.diffIds);
    }

    @Test
    void theImagesRuntimeServesOnAReadOnlyRootAsUser65532(@TempDir Path dir) throws Exception {
        // chroot and the mount namespace need root: a CI runner without it still checks every layer above, and says so
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        if (!asRoot) System.err.println("ImageTest: SKIPPED running the image's runtime: unpacking the image and chroot need root");
        assumeTrue(asRoot, "unpacking the image and chroot need root");
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Path oci = dir.resolve("oci");
        Files.createDirectories(oci);
        untar(TAR, oci, "-xf");
        for (String layer : image.layerBlobs()) untar(oci.resolve(layer), root, "-xzf");
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        List<String> entrypoint = strings(image.config.path("config").path("Entrypoint"));

        // bastion version: what the labels say
        Run version = inImage(dir, root, entrypoint, List.of("version"));
        JsonNode labels = image.config.path("config").path("Labels");
        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output).contains("bastion " + labels.path("org.opencontainers.image.version").asText(),
                "commit: " + labels.path("org.opencontainers.image.revision").asText(),
                "sbom: sha256:" + labels.path("dev.bastion.sbom.sha256").asText());

        // bastion check on the image's own default config
        Run check = inImage(dir, root, entrypoint, List.of("check", "--config", "/etc/bastion/bastion.yaml"));
        assertThat(check.exit).as(check.output).isZero();
        assertThat(check.output).contains("/etc/bastion/bastion.yaml: ok");

        // bastion serve: SQLite store, audit spool and temp files all land in the volumes, or it would not start
        int port = BastionProcess.freePort(), admin = BastionProcess.freePort();
        Files.writeString(root.resolve("etc/bastion/test.yaml"), """
                listeners:
                  public: { host: 127.0.0.1, port: %d }
                  admin: { host: 127.0.0.1, port: %d }
                store: { url: "sqlite:/var/lib/bastion/data/bastion.db" }
                upstreams:
                  llm: { url: "http://127.0.0.1:9", api_key: env:OPENAI_API_KEY }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: llm
                    auth: { methods: [api_key] }
                """.formatted(port, admin));
        Process serve = start(dir, root, entrypoint, List.of("serve", "--config", "/etc/bastion/test.yaml"), "serve");
        try {
            HttpClient http = HttpClient.newHttpClient();
            int status = 0;
            for (int i = 0; i < 600 && serve.isAlive() && status != 200; i++) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(status).as(Files.readString(dir.resolve("serve.log"))).isEqualTo(200);
            HttpResponse<String> unauth = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauth.statusCode()).isEqualTo(401);
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(dir.resolve("serve.log"))).doesNotContain("Read-only file system");
    }

    record Run(int exit, String output) {}

    private static Run inImage(Path dir, Path root, List<String> entrypoint, List<String> args) throws Exception {
        Process p = start(dir, root, entrypoint, args, "run");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("run.log")));
    }

    /**
     * The entrypoint as a container runtime would run it: own mount and PID namespaces, the unpacked image as a
     * read-only root, tmpfs on each declared volume (/var/lib/bastion owned by 65532), then chroot as 65532:65532.
     */
    private static Process start(Path dir, Path root, List<String> entrypoint, List<String> args, String log) throws Exception {
        String script = """
                set -e
                R="$1"; shift
                mount --bind "$R" "$R"
                mount -o remount,bind,ro "$R"
                mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
                mount -t tmpfs -o uid=65532,gid=65532,mode=0700 tmpfs "$R/var/lib/bastion"
                mount -t proc proc "$R/proc"
                mount --rbind /dev "$R/dev"
                exec chroot --userspec=65532:65532 "$R" "$@"
                """;
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", script, "sh", root.toString()));
        cmd.addAll(entrypoint);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log + ".log").toFile());
        pb.environment().put("OPENAI_API_KEY", "sk-image-test-key-0000");
        return pb.start();
    }

    private static void untar(Path tarball, Path into, String mode) throws Exception {
        Process tar = new ProcessBuilder("tar", "--warning=no-unknown-keyword", mode, tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String msg = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(msg).isZero();
    }

    private static Set<String> paths() {
        return image.entries.stream().map(OciImage.Entry::path).collect(Collectors.toSet());
    }

    private static String text(String path) {
        byte[] b = image.contents.get(path);
        assertThat(b).as(path).isNotNull();
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static TreeSet<String> names(JsonNode object) {
        TreeSet<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
