package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PhraseMatcherTest {
    @Test
    void findsPhrasesCaseInsensitivelyAndOverlapping() {
        PhraseMatcher m = new PhraseMatcher(List.of("nikto", "sqlmap", "he", "she", "hers", "his"));
        assertThat(m.find("Mozilla/5.0 (compatible; Nikto/2.1.6)")).isEqualTo("nikto");
        assertThat(m.find("SQLMAP/1.7")).isEqualTo("sqlmap");
        assertThat(m.find("ordinary browser")).isNull();
        assertThat(m.findAll("ushers").stream().map(s -> "ushers".substring(s[0], s[1])).toList()).containsExactly("she", "he", "hers");
        assertThat(m.size()).isEqualTo(6);
    }

    @Test
    void agreesWithANaiveSearchOnRandomPhrasesAndTexts() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<String> phrases = randomPhrases(rnd, 20, 4);
            if (round % 2 == 1) phrases.add("\u20ac" + random(rnd, 1)); // a character outside the table's ASCII part
            String text = random(rnd, rnd.nextInt(60));
            PhraseMatcher m = new PhraseMatcher(phrases);
            int expected = 0;
            for (int end = 1; end <= text.length(); end++) {
                for (String p : new java.util.HashSet<>(phrases.stream().map(String::toLowerCase).toList())) {
                    if (text.toLowerCase().substring(0, end).endsWith(p)) expected++;
                }
            }
            assertThat(m.findAll(text)).as("phrases %s in %s", phrases, text).hasSize(expected);
            assertThat(m.find(text) != null).isEqualTo(expected > 0);
        }
    }

    @Test
    void readingLongTextsFromFourPlacesFindsTheSamePhrases() {
        Random rnd = new Random(11);
        for (int round = 0; round < 300; round++) {
            List<String> phrases = randomPhrases(rnd, 30, 12);
            PhraseMatcher m = new PhraseMatcher(phrases);
            StringBuilder text = new StringBuilder(random(rnd, PhraseMatcher.SPLIT_AT + rnd.nextInt(700)));
            // Plant phrases across the quarter boundaries, where one walk hands over to the next.
            for (int k = 1; k <= 3; k++) {
                String p = phrases.get(rnd.nextInt(phrases.size()));
                int at = Math.max(0, Math.min(text.length() - p.length(), k * (text.length() / 4) - rnd.nextInt(p.length() + 1)));
                text.replace(at, at + p.length(), p);
            }
            java.util.Set<Integer> expected = new java.util.TreeSet<>(), got = new java.util.TreeSet<>();
            m.forEach(text.toString(), (id, end) -> expected.add(id));
            m.forEachPresent(text.toString(), (id, end) -> got.add(id));
            assertThat(got).as("phrases %s in %s", phrases, text).isEqualTo(expected);
        }
    }

    @Test
    void ignoringCharactersFindsWhatTheTextWithoutThemHolds() {
        Random rnd = new Random(13);
        java.util.function.IntPredicate blank = c -> c == ' ' || c == '\t' || c == '\u2003';
        for (int round = 0; round < 500; round++) {
            List<String> phrases = randomPhrases(rnd, 30, 12);
            if (rnd.nextBoolean()) phrases.add("a b"); // holds an ignored character: found in no text read without them
            PhraseMatcher plain = new PhraseMatcher(phrases), ignoring = new PhraseMatcher(phrases, blank);
            // Short and long texts (walked from four places), runs of ignored characters anywhere, long ones
            // too: the walks' overlap into the next quarter counts only characters that are read.
            StringBuilder text = new StringBuilder();
            int length = rnd.nextBoolean() ? rnd.nextInt(PhraseMatcher.SPLIT_AT) : PhraseMatcher.SPLIT_AT + rnd.nextInt(900);
            while (text.length() < length) {
                text.append(random(rnd, 1 + rnd.nextInt(6)));
                int run = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(40) : rnd.nextInt(3);
                for (int i = 0; i < run; i++) text.append(" \t\u2003".charAt(rnd.nextInt(3)));
            }
            String without = text.toString().replaceAll("[ \t\u2003]", "");
            java.util.Set<Integer> expected = new java.util.TreeSet<>(), got = new java.util.TreeSet<>();
            if (!without.isEmpty()) plain.forEach(without, (id, end) -> expected.add(id));
            ignoring.forEachPresent(text.toString(), (id, end) -> got.add(id));
            assertThat(got).as("phrases %s in %s", phrases, text).isEqualTo(expected);
        }
    }

    /** Up to {@code most} phrases of up to {@code longest} random characters (a list that can still grow). */
    private static List<String> randomPhrases(Random rnd, int most, int longest) {
        List<String> phrases = new ArrayList<>();
        for (int i = 0; i < 1 + rnd.nextInt(most); i++) phrases.add(random(rnd, 1 + rnd.nextInt(longest)));
        return phrases;
    }

    private static String random(Random rnd, int len) {
        StringBuilder sb = new StringBuilder();
        // Upper and lower case, a Latin-1 letter with its capital, a character in no phrase, and one beyond Latin-1.
        for (int i = 0; i < len; i++) sb.append("abAB\u00e4\u00c4z\u20ac".charAt(rnd.nextInt(8)));
        return sb.toString();
    }

    @Test
    void linearOnAHostileText() {
        List<String> phrases = new ArrayList<>();
        for (int i = 1; i <= 200; i++) phrases.add("a".repeat(i) + "b");
        PhraseMatcher m = new PhraseMatcher(phrases);
        String text = "a".repeat(1 << 20);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(m.find(text)).isNull());
    }

    @Test
    void anEmptyListIsAConfigError() {
        assertThatThrownBy(() -> new PhraseMatcher(List.of("", ""))).hasMessageContaining("at least one");
    }
}
