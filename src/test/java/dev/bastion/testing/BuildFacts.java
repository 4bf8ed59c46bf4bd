package dev.bastion.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a build should have stamped into its outputs, read from the sources (pom.xml, git) rather than from the build. */
public final class BuildFacts {
    private BuildFacts() {}

    public static String version() throws Exception {
        return first("<artifactId>bastion</artifactId>\\s*<version>([^<]+)</version>");
    }

    /** project.build.outputTimestamp: the build time of a reproducible build. */
    public static String outputTimestamp() throws Exception {
        return first("<project.build.outputTimestamp>([^<]+)<");
    }

    /** {@code git rev-parse HEAD}, or "unknown" outside a git checkout. */
    public static String gitHead() throws Exception {
        Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? s : "unknown";
    }

    private static String first(String regex) throws Exception {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(Path.of("pom.xml")));
        if (!m.find()) throw new AssertionError("pom.xml has no " + regex);
        return m.group(1);
    }
}
