package dev.bastion.detect.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.detect.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The detector looks prefixes up by their first char; the reference here tries every format at every word
 * start, as the detector once did. Both must report the same tokens on generated texts: every prefix,
 * followed by bodies of every length around the formats' own, glued to whatever may precede it.
 */
class TokenFormatDetectorTest {
    private static final String URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    @Test
    void findsWhatTryingEveryFormatEverywhereFinds() {
        List<String> prefixes = new ArrayList<>();
        for (TokenFormat f : TokenFormats.ALL) prefixes.addAll(f.prefixes());
        List<String> tokens = new ArrayList<>();
        SecretDetectorsTest.tokens().forEach(a -> tokens.add((String) a.get()[1]));
        String[] glue = {"", " ", "_", "-", "x", ".", "\n", "=", "\"", "😀"};
        Random r = new Random(14);
        TokenFormatDetector detector = new TokenFormatDetector();
        for (int n = 0; n < 30_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                text.append(glue[r.nextInt(glue.length)]);
                if (r.nextInt(3) == 0) {
                    text.append(tokens.get(r.nextInt(tokens.size())));
                    continue;
                }
                text.append(prefixes.get(r.nextInt(prefixes.size())));
                for (int c = r.nextInt(r.nextBoolean() ? 50 : 130); c > 0; c--) text.append(URL_SAFE.charAt(r.nextInt(URL_SAFE.length())));
            }
            String s = text.toString();
            List<Finding> found = new ArrayList<>();
            detector.scan(s, found);
            assertThat(found).as("\"%s\"", s).isEqualTo(reference(s));
        }
    }

    /** Every format in order at every position not inside a word, as TokenFormatDetector scanned before its index. */
    static List<Finding> reference(String text) {
        List<Finding> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = i > 0 && Chars.isAlnum(text.charAt(i - 1)) ? -1 : tokenAt(text, i, out);
            i = end > i ? end : i + 1;
        }
        return out;
    }

    private static int tokenAt(String text, int start, List<Finding> out) {
        for (TokenFormat f : TokenFormats.ALL) {
            if (Chars.in(text, start - 1, f.boundary())) continue;
            for (String prefix : f.prefixes()) {
                if (!text.startsWith(prefix, start)) continue;
                int end = f.body().end(text, start + prefix.length());
                if (end > start) {
                    out.add(new Finding(f.type(), Finding.Category.SECRET, start, end));
                    return end;
                }
            }
        }
        return -1;
    }
}
