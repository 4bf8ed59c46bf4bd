package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogRedactorTest {
    @Test
    void replacesEveryKnownValueWhereverItOccurs() {
        LogRedactor r = new LogRedactorFixture("sk-alpha-0123456789", "hmac-beta-9876543210").redactor;
        assertThat(r.redact("key=sk-alpha-0123456789 and hmac-beta-9876543210, again sk-alpha-0123456789!"))
                .isEqualTo("key=[REDACTED] and [REDACTED], again [REDACTED]!");
        assertThat(r.redactions()).isEqualTo(3);
    }

    @Test
    void aLineWithoutASecretIsReturnedAsItIs() {
        LogRedactor r = new LogRedactorFixture("sk-alpha-0123456789").redactor;
        String line = "{\"path\":\"/v1/chat\",\"note\":\"sk-alpha-012345678 is one short\"}";
        assertThat(r.redact(line)).isSameAs(line);
        assertThat(r.redactions()).isZero();
    }

    @Test
    void overlappingAndNestedValuesBecomeOneMark() {
        LogRedactor r = new LogRedactorFixture("aaaabbbbcccc", "bbbbccccdddd", "xxaaaabbbbccccddddyy").redactor;
        assertThat(r.redact("<aaaabbbbccccdddd>")).isEqualTo("<[REDACTED]>");
        assertThat(r.redact("<xxaaaabbbbccccddddyy>")).isEqualTo("<[REDACTED]>");
        assertThat(r.redact("aaaabbbbcccc-bbbbccccdddd")).isEqualTo("[REDACTED]-[REDACTED]");
    }

    @Test
    void theJsonEscapedFormIsFoundToo() {
        LogRedactor r = new LogRedactorFixture("pa\"ss\\word-123").redactor;
        assertThat(r.redact("{\"msg\":\"pw pa\\\"ss\\\\word-123\"}")).isEqualTo("{\"msg\":\"pw [REDACTED]\"}");
    }

    @Test
    void valuesShorterThanEightCharactersAreNotScanned() {
        LogRedactor r = new LogRedactorFixture("hunter2").redactor;
        assertThat(r.redact("hunter2 and hunter22")).isEqualTo("hunter2 and hunter22");
    }

    @Test
    void aResolvedSecretIsRedactedByTheProcessWideRedactor() {
        new SecretResolver(java.util.Map.of("K", "sk-resolved-5555666677778888")).resolve(dev.bastion.config.SecretRef.parse("env:K"), "x");
        assertThat(LogRedactor.global().redact("leak sk-resolved-5555666677778888")).isEqualTo("leak [REDACTED]");
    }

    @Test
    void findsWhatANaiveSearchFindsOnRandomValuesAndLines() {
        // Small alphabets (ASCII and not) so values share prefixes and overlap, which is where the automaton's links matter.
        java.util.Random random = new java.util.Random(20261207);
        String alphabet = "abcAB-_é€x";
        for (int round = 0; round < 2_000; round++) {
            List<String> values = new java.util.ArrayList<>();
            for (int v = 1 + random.nextInt(4); v > 0; v--) values.add(randomText(random, alphabet, 8 + random.nextInt(5)));
            LogRedactor r = new LogRedactorFixture(values.toArray(String[]::new)).redactor;
            String line = randomText(random, alphabet, random.nextInt(120));
            if (random.nextBoolean()) line = line.substring(0, line.length() / 2) + values.getFirst() + line.substring(line.length() / 2);
            assertThat(r.redact(line)).as("values %s, line %s", values, line).isEqualTo(naiveRedaction(values, line));
        }
    }

    private static String randomText(java.util.Random random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** Every occurrence of every value, overlapping or touching runs merged, each run one mark. */
    private static String naiveRedaction(List<String> values, String line) {
        boolean[] covered = new boolean[line.length()];
        for (String v : values) {
            for (int at = line.indexOf(v); at >= 0; at = line.indexOf(v, at + 1)) java.util.Arrays.fill(covered, at, at + v.length(), true);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length(); ) {
            if (!covered[i]) {
                out.append(line.charAt(i++));
                continue;
            }
            while (i < line.length() && covered[i]) i++;
            out.append(LogRedactor.MARK);
        }
        return out.toString();
    }

    /** A redactor of its own, so the process-wide one's values do not leak between tests. */
    record LogRedactorFixture(LogRedactor redactor) {
        LogRedactorFixture(String... values) {
            this(new LogRedactor());
            List.of(values).forEach(redactor::add);
        }
    }
}
