package dev.bastion.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The official client SDKs (npm), installed once per build into {@code target/node-sdk} from
 * {@code src/test/node/package.json}, and scripts run with them against a real gateway. Without node and
 * npm on the machine ({@code .ci/run} installs them) the tests that need them are skipped, loudly.
 */
public final class NodeSdk {
    private static final Path SOURCE = Path.of("src", "test", "node");
    private static final Path HOME = Path.of("target", "node-sdk");

    private NodeSdk() {}

    /** Installs the SDKs if they are not yet (npm's registry only; pinned versions). */
    public static synchronized Path install() throws IOException, InterruptedException {
        if (!onPath("node") || !onPath("npm")) {
            String msg = "SDK TESTS SKIPPED: node and npm are not installed (.ci/run installs them)";
            System.err.println("*** " + msg + " ***");
            Assumptions.abort(msg);
        }
        Files.createDirectories(HOME);
        Path manifest = HOME.resolve("package.json");
        boolean fresh = Files.exists(HOME.resolve("node_modules")) && Files.exists(manifest)
                && Files.mismatch(manifest, SOURCE.resolve("package.json")) == -1;
        if (!fresh) {
            Files.copy(SOURCE.resolve("package.json"), manifest, StandardCopyOption.REPLACE_EXISTING);
            Result r = run(HOME, 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
            if (r.exit() != 0) throw new IllegalStateException("npm install failed: " + r.err());
        }
        return HOME;
    }

    /** Runs {@code node script args…} with the SDKs on its module path; the script's lines of output. */
    public static List<String> node(String script, String... args) throws IOException, InterruptedException {
        Path home = install();
        Path copy = home.resolve(script);
        Files.copy(SOURCE.resolve(script), copy, StandardCopyOption.REPLACE_EXISTING); // resolves "openai" from home/node_modules
        List<String> cmd = new ArrayList<>(List.of("node", copy.getFileName().toString()));
        cmd.addAll(List.of(args));
        Result r = run(home, 120, cmd.toArray(String[]::new));
        if (r.exit() != 0) throw new IllegalStateException("node " + script + " exited " + r.exit() + ": " + r.err());
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(Path dir, int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("node-out", ".txt"), err = Files.createTempFile("node-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " took longer than " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
