package dev.bastion.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Third-party conformance data lives outside the project: {@code $BASTION_CORPORA}, default
 * {@code ../shared/corpora}. When it is absent a conformance test is skipped — loudly, on stderr and in
 * the test report — never passed.
 */
public final class Corpora {
    private Corpora() {}

    public static Path root() {
        String env = System.getenv("BASTION_CORPORA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "corpora");
    }

    /** The file, or an aborted (skipped) test with a clear reason. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isReadable(p)) {
            String msg = "CONFORMANCE SKIPPED: " + p.toAbsolutePath().normalize() + " is absent (set BASTION_CORPORA to the corpora directory)";
            System.err.println("*** " + msg + " ***");
            Assumptions.abort(msg);
        }
        return p;
    }
}
