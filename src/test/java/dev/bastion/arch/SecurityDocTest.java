package dev.bastion.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md names the tests that carry each attack; this keeps the claim true. Every {@code SomethingTest} in
 * backticks must be a class under src/test/java ({@code *SuffixTest}: at least one class ending so; {@code
 * FooTest.method}: the method must be declared in it), and every relative link must reach a file and, with a
 * {@code #fragment}, one of its headings — so a rename or a removed test fails here instead of leaving the threat
 * model pointing at nothing.
 */
class SecurityDocTest {
    private static final Path DOCS = Path.of("docs");
    private static final Path DOC = DOCS.resolve("security.md");
    private static final Path TESTS = Path.of("src/test/java");

    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    // @FuzzTest is Jazzer's annotation, not a class of ours; a leading '*' names a family of classes.
    private static final Pattern TEST_NAME = Pattern.compile("(?<![\\w@])(\\*?)([A-Z][A-Za-z0-9]*Test)(?:\\.([a-z][A-Za-z0-9_]*))?(?!\\w)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    record TestReference(boolean family, String name, String method) {
        @Override
        public String toString() {
            return (family ? "*" : "") + name + (method == null ? "" : "." + method);
        }
    }

    @Test
    void everyTestTheDocNamesExists() throws IOException {
        Map<String, Path> classes = testClasses();
        List<TestReference> references = references(Files.readString(DOC, StandardCharsets.UTF_8));

        // The threat model's table alone names well over a hundred; a parser that found few has broken.
        assertThat(references).hasSizeGreaterThan(100);
        assertThat(missing(references, classes)).as("test classes or methods docs/security.md names that do not exist").isEmpty();
    }

    @Test
    void aNameThatIsNoTestIsReported() throws IOException {
        Map<String, Path> classes = testClasses();
        String text = "`ForgedHeadersTest`, `NoSuchAttackTest`, `*NoSuchFamilyTest`, `ForgedHeadersTest.noSuchMethod`, "
                + "`GatewayEdgeTest.slowlorisHeadersAreCutOff`, a `@FuzzTest`, and NotInBackticksTest";

        assertThat(missing(references(text), classes)).extracting(TestReference::toString)
                .containsExactly("NoSuchAttackTest", "*NoSuchFamilyTest", "ForgedHeadersTest.noSuchMethod");
    }

    @Test
    void everyRelativeLinkReachesAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
        int links = 0;
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("^[a-z]+:.*")) continue; // https:, mailto:
            links++;
            int hash = target.indexOf('#');
            Path file = hash == 0 ? DOC : DOCS.resolve(hash < 0 ? target : target.substring(0, hash)).normalize();
            if (!Files.isRegularFile(file)) {
                broken.add(target + " (no file " + file + ")");
            } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                broken.add(target + " (no such heading in " + file + ")");
            }
        }
        assertThat(links).isGreaterThan(20);
        assertThat(broken).as("links in docs/security.md").isEmpty();
    }

    @Test
    void anchorsAreTheOnesGitHubRenders() {
        assertThat(anchors(List.of("## Where the gateway's line is (tenancy, Z2)", "### What it cannot do (yet)", "```",
                "# not a heading inside a fence", "```", "### What it cannot do (yet)", "### Prompt injection (`detect.injection`)")))
                .containsExactly("where-the-gateways-line-is-tenancy-z2", "what-it-cannot-do-yet", "what-it-cannot-do-yet-1",
                        "prompt-injection-detectinjection");
    }

    static List<TestReference> references(String markdown) {
        List<TestReference> out = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(markdown);
        while (span.find()) {
            Matcher name = TEST_NAME.matcher(span.group(1));
            while (name.find()) out.add(new TestReference(!name.group(1).isEmpty(), name.group(2), name.group(3)));
        }
        return out;
    }

    static List<TestReference> missing(List<TestReference> references, Map<String, Path> classes) throws IOException {
        List<TestReference> missing = new ArrayList<>();
        for (TestReference ref : new LinkedHashSet<>(references)) {
            if (ref.family()) {
                if (classes.keySet().stream().noneMatch(c -> c.endsWith(ref.name()))) missing.add(ref);
                continue;
            }
            Path source = classes.get(ref.name());
            if (source == null) {
                missing.add(ref);
            } else if (ref.method() != null
                    && !Pattern.compile("\\s" + ref.method() + "\\(").matcher(Files.readString(source, StandardCharsets.UTF_8)).find()) {
                missing.add(ref);
            }
        }
        return missing;
    }

    /** Simple class name → its source file, for every class file under src/test/java. */
    static Map<String, Path> testClasses() throws IOException {
        Map<String, Path> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(TESTS)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .forEach(p -> classes.put(p.getFileName().toString().replaceFirst("\\.java$", ""), p));
        }
        return classes;
    }

    static Set<String> anchors(Path markdown) {
        try {
            return new LinkedHashSet<>(anchors(Files.readAllLines(markdown, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered; fences skipped. */
    static List<String> anchors(List<String> lines) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.strip().startsWith("```")) fenced = !fenced;
            if (fenced) continue;
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) continue;
            String slug = h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            out.add(n == 0 ? slug : slug + "-" + n);
        }
        return out;
    }
}
