package dev.bastion.detect.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.Corpora;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Words as offsets must read every text as the String-per-word tokenizer they replaced did: the same words,
 * keys, equality and prefixes. That tokenizer is kept here as the reference, on generated texts in every
 * script the patterns use and on the injection corpus.
 */
class TokensTest {
    static final String[] PIECES = {"ignore", "IGNORE", "previous", "instructions", "Instructi", "a", "b2", "12", ":", "::", "new:", " ", " ", "  ",
            "\n", ",", ".", "'", "-", "_", "don't", "précédentes", "игнорируй", "інструкції", "忽略", "之前的指令", "無視して", "システム", "𠀀", "😀",
            "ß", "Ｉgnore", "\u200B", "x".repeat(40)};

    @Test
    void splitsGeneratedTextsLikeTheReference() {
        Random r = new Random(14);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = r.nextInt(12); k > 0; k--) text.append(PIECES[r.nextInt(PIECES.length)]);
            assertSameWords(TextFolding.fold(text.toString()));
        }
    }

    @Test
    void splitsTheInjectionCorpusLikeTheReference() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(Corpora.require("injection/dev.jsonl"))) {
            String text = json.readTree(line).get("text").asText();
            assertSameWords(TextFolding.fold(text));
            Tokens ascii = Tokens.ofAscii(text);
            assertThat(ascii == null).as("ofAscii declines exactly the texts beyond ASCII").isEqualTo(!text.chars().allMatch(c -> c < 0x80));
            if (ascii != null) assertSame(ascii, reference(text.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private static void assertSameWords(String folded) {
        assertSame(Tokens.of(folded), reference(folded));
    }

    private static void assertSame(Tokens tokens, List<String> expected) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < tokens.count(); i++) words.add(tokens.word(i));
        assertThat(words).isEqualTo(expected);
        for (int i = 0; i < expected.size(); i++) {
            String w = expected.get(i);
            assertThat(tokens.key(i)).isEqualTo(PhrasePattern.keyOf(w, 0, w.length()));
            assertThat(tokens.is(i, w)).isTrue();
            assertThat(tokens.is(i, w + "s")).isFalse();
            assertThat(tokens.startsWith(i, w)).isTrue();
            assertThat(tokens.startsWith(i, w + "s")).isFalse();
            if (w.length() > 1) {
                String shorter = w.substring(0, w.length() - 1);
                assertThat(tokens.is(i, shorter)).isFalse();
                assertThat(tokens.startsWith(i, shorter)).isTrue();
            }
        }
    }

    /** The tokenizer Tokens replaced, verbatim but for its cache of one-char Strings. */
    static List<String> reference(String folded) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < folded.length(); ) {
            int cp = folded.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Tokens.isCjk(cp)) {
                if (start >= 0) out.add(folded.substring(start, i));
                start = -1;
                out.add(folded.substring(i, next));
            } else if (Character.isLetterOrDigit(cp)) {
                if (start < 0) start = i;
            } else {
                if (start >= 0) out.add(folded.substring(start, i));
                start = -1;
                if (cp == ':') out.add(":");
            }
            i = next;
        }
        if (start >= 0) out.add(folded.substring(start));
        return out;
    }
}
