package dev.bastion.detect.injection.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The BERT uncased tokenizer of all-MiniLM-L6-v2, read from the model's {@code tokenizer.json}: what
 * Hugging Face's BertNormalizer, BertPreTokenizer and WordPiece model do, so the encoder sees the ids it
 * was trained on.
 *
 * <ol>
 *   <li>Clean: NUL, U+FFFD and control characters are dropped, every whitespace becomes a space.</li>
 *   <li>CJK ideographs are split off as words of their own (the vocabulary has them one by one).</li>
 *   <li>Accents are stripped (NFD, combining marks dropped) and the text is lower-cased.</li>
 *   <li>Words split at whitespace, and every punctuation character is a word of its own.</li>
 *   <li>Each word becomes the longest vocabulary prefixes, continuations written {@code ##...}; a word
 *       that cannot be covered, or is longer than 100 characters, is one {@code [UNK]}.</li>
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    public static final int CLS = 101;
    public static final int SEP = 102;
    static final int MAX_WORD_CHARS = 100;

    private final Map<String, Integer> vocab;
    private final int unk;

    private WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = vocab;
        Integer unkId = vocab.get("[UNK]");
        if (unkId == null || !Integer.valueOf(CLS).equals(vocab.get("[CLS]")) || !Integer.valueOf(SEP).equals(vocab.get("[SEP]"))) {
            throw new IllegalArgumentException("not a BERT uncased vocabulary ([UNK], [CLS]=101, [SEP]=102)");
        }
        this.unk = unkId;
    }

    /** Reads {@code model.vocab} of a Hugging Face {@code tokenizer.json} of type WordPiece. */
    public static WordPieceTokenizer read(InputStream tokenizerJson) {
        JsonNode model;
        try {
            model = new ObjectMapper().readTree(tokenizerJson).path("model");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!"WordPiece".equals(model.path("type").asText())) throw new IllegalArgumentException("tokenizer model is not WordPiece");
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return new WordPieceTokenizer(vocab);
    }

    /** The word-piece ids of {@code text}, without [CLS] and [SEP]. */
    public int[] ids(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        StringBuilder word = new StringBuilder();
        String normal = normalise(text);
        for (int i = 0; i < normal.length(); ) {
            int cp = normal.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == ' ') {
                wordPieces(word, out);
            } else if (isPunctuation(cp)) {
                wordPieces(word, out);
                word.appendCodePoint(cp);
                wordPieces(word, out);
            } else {
                word.appendCodePoint(cp);
            }
        }
        wordPieces(word, out);
        return out.toArray();
    }

    /** The pieces as vocabulary strings: for tests and for reading what the model saw. */
    public String[] pieces(String text) {
        Map<Integer, String> byId = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) byId.put(e.getValue(), e.getKey());
        int[] ids = ids(text);
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = byId.get(ids[i]);
        return out;
    }

    /** Steps 1 to 3: cleaned, CJK padded with spaces, accents stripped, lower case. */
    static String normalise(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) continue;
            if (isWhitespace(cp)) sb.append(' ');
            else if (isCjk(cp)) sb.append(' ').appendCodePoint(cp).append(' ');
            else sb.appendCodePoint(cp);
        }
        String decomposed = Normalizer.normalize(sb, Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) stripped.appendCodePoint(cp);
        }
        return stripped.toString().toLowerCase(Locale.ROOT);
    }

    /** Greedy longest-prefix match of the word in {@code word} (then cleared) into {@code out}. */
    private void wordPieces(StringBuilder word, IntList out) {
        if (word.isEmpty()) return;
        String w = word.toString();
        word.setLength(0);
        if (w.codePointCount(0, w.length()) > MAX_WORD_CHARS) {
            out.add(unk);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < w.length()) {
            int end = w.length();
            Integer id = null;
            while (end > start) {
                String piece = start == 0 ? w.substring(0, end) : "##" + w.substring(start, end);
                id = vocab.get(piece);
                if (id != null) break;
                end = Character.isLowSurrogate(w.charAt(end - 1)) && end - 2 >= start ? end - 2 : end - 1;
            }
            if (id == null) { // no piece fits: the whole word is unknown, not just its tail
                out.truncate(mark);
                out.add(unk);
                return;
            }
            out.add(id);
            start = end;
        }
    }

    /** Hugging Face's definition: \t \n \r and the Unicode space, line and paragraph separators. */
    private static boolean isWhitespace(int cp) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return true;
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** Unicode's "other" categories (control, format, private use, unassigned) except \t \n \r. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE
                || type == Character.UNASSIGNED;
    }

    /** All ASCII non-alphanumerics ($, +, ^ and ` too) plus Unicode punctuation. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideograph blocks BERT splits char by char (not Hangul, Hiragana or Katakana). */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** A growable int array: token ids without boxing. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        void truncate(int size) {
            n = size;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
