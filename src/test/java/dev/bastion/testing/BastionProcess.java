package dev.bastion.testing;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the Bastion CLI in a child JVM with the main classpath only (not test-classes, so it logs with the
 * shipped logback.xml: access log on stdout, diagnostics on stderr). Output goes to
 * {@code NAME.out} / {@code NAME.err} in the working directory.
 */
public final class BastionProcess {
    private BastionProcess() {}

    public static Process start(Path dir, String name, Map<String, String> env, String... args) throws Exception {
        return start(dir, name, env, List.of(), args);
    }

    /** As {@link #start(Path, String, Map, String...)}, the JVM run by {@code launcher} (e.g. {@code nohup}). */
    public static Process start(Path dir, String name, Map<String, String> env, List<String> launcher, String... args) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(javaBin, "-cp", classpath, "dev.bastion.Bastion"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs to completion (at most 60 s) and returns the exit code. */
    public static int run(Path dir, String name, Map<String, String> env, String... args) throws Exception {
        Process p = start(dir, name, env, args);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " did not finish");
        }
        return p.exitValue();
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static void awaitLine(Path dir, String name, Process p, String needle) throws Exception {
        Path err = dir.resolve(name + ".err");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(err) && Files.readString(err).contains(needle)) return;
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never printed '" + needle + "'; stderr:\n" + (Files.exists(err) ? Files.readString(err) : ""));
    }
}
