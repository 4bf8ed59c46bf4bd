package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits folded text into words for phrase matching: runs of letters and digits, with punctuation and
 * spaces dropped (so "ignore, ALL... previous" reads as three words) except {@code :}, which some
 * patterns need ("new instructions:"). Chinese and Japanese have no spaces, so each Han or kana
 * character is a word of its own and gaps in their patterns count characters.
 */
final class Tokens {
    private Tokens() {}

    static String[] of(String folded) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < folded.length(); ) {
            int cp = folded.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isCjk(cp)) {
                if (start >= 0) out.add(folded.substring(start, i));
                start = -1;
                out.add(next - i == 1 ? single(folded.charAt(i)) : folded.substring(i, next));
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
        return out.toArray(String[]::new);
    }

    // One shared String per Han or kana char: a megabyte of Chinese is a million one-char words.
    // Racy but benign: Strings are immutable, so a lost write only costs an allocation.
    private static final String[] SINGLES = new String[0x10000];

    private static String single(char c) {
        String s = SINGLES[c];
        if (s == null) SINGLES[c] = s = String.valueOf(c);
        return s;
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x3040 && cp <= 0x30FF) // hiragana, katakana
                || (cp >= 0x31F0 && cp <= 0x31FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x20000 && cp <= 0x3FFFF);
    }
}
