package dev.bastion.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a kustomization with the real kustomize inside {@code kubectl} ({@code kubectl kustomize DIR}), the
 * way an operator applies it. Fails — never skips — when no kustomize of at least v4 is installed: a check
 * that silently passed without its tool would let a weakened manifest through (.ci/run installs kubectl).
 */
final class Kustomize {
    private static final Pattern VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
    private static volatile boolean checked;

    private Kustomize() {}

    /** The rendered multi-document YAML of the kustomization in {@code dir}. */
    static String render(Path dir) {
        requireVersion();
        Result r = run(List.of("kubectl", "kustomize", dir.toString()));
        if (r.exit != 0) throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + r.exit + "):\n" + r.err);
        return r.out;
    }

    private static void requireVersion() {
        if (checked) return;
        Result r = run(List.of("kubectl", "version", "--client"));
        Matcher m = VERSION.matcher(r.out);
        // kustomize before v4 (kubectl before 1.21) does not take directories in resources: or patches:.
        if (r.exit != 0 || !m.find() || Integer.parseInt(m.group(1)) < 4) {
            throw new AssertionError("kubectl with kustomize v4 or newer is needed to render deploy/k8s (found: "
                    + (r.out + r.err).strip() + ")");
        }
        checked = true;
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            // Read both streams concurrently: a render larger than the pipe buffer must not block the child.
            var err = p.getErrorStream();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    errText.completeExceptionally(e);
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(p.exitValue(), out, errText.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " could not be run (" + e.getMessage()
                    + "); install kubectl with kustomize v4 or newer", e);
        } catch (Exception e) {
            throw new AssertionError(String.join(" ", command) + ": " + e, e);
        }
    }
}
