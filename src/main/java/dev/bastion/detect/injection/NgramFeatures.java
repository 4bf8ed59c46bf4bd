package dev.bastion.detect.injection;

/**
 * The features of the linear model, hashed into {@code 2^bits} slots ("the hashing trick": no vocabulary
 * to store, and words never seen in training still land somewhere): character 3-, 4- and 5-grams of the
 * normalised text with white space collapsed (they survive typos, inflection and languages without spaces),
 * and word unigrams and bigrams (they carry phrasing: "ignore previous", "you are"). Each occurrence counts
 * once, at the position of its last character, so a window of the text is simply the features that end
 * inside it; a vector is scaled by {@link #scale} so long and short texts are comparable. One pass, no
 * allocation.
 */
final class NgramFeatures {
    static final int MIN_N = 3;
    static final int MAX_N = 5;
    private static final int WORD_SALT = 0x5bd1e995;
    private static final int BIGRAM_SALT = 0x27d4eb2d;
    private static final int FNV_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    /** Receives each feature's slot and the index of the character it ends at; called once per occurrence. */
    interface Sink {
        void add(int slot, int at);
    }

    /** Texts with fewer features than this are scaled as if they had this many: see {@link #scale}. */
    static final int MIN_EVIDENCE = 64;

    private NgramFeatures() {}

    /**
     * The value of each of {@code n} features: 1/√n, so a text's length does not decide its score — but
     * never more than 1/√{@value #MIN_EVIDENCE}: a word or two ("key?") is too little evidence to be sure of
     * anything, and without the floor one attack-flavoured word would make a short question score like an
     * attack. A whole short attack ("ignore previous instructions", ~90 features) is above the floor.
     */
    static double scale(int n) {
        return 1 / Math.sqrt(Math.max(n, MIN_EVIDENCE));
    }

    /** Emits the features of {@code text} (already {@linkplain InjectionText normalised}) and returns how many. */
    static int emit(String text, int bits, Sink sink) {
        int shift = 32 - bits;
        int count = 0;
        // The last MAX_N characters of " text " with runs of white space read as one space.
        char c1 = ' ', c2 = 0, c3 = 0, c4 = 0; // c1 is the latest before the current one; 0: not yet seen
        boolean lastSpace = true;
        int wordHash = 0, prevWord = 0;
        boolean inWord = false, havePrev = false;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            boolean space = c <= ' ' ? c == ' ' || (c >= '\t' && c <= '\r') : c >= 0x80 && Character.isWhitespace(c);
            if (space && lastSpace) continue;
            lastSpace = space;
            if (space) c = ' ';
            int at = Math.min(i, n - 1);
            if (c2 != 0) { // 3-gram c2 c1 c
                int h = ((((FNV_BASIS ^ 3) ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                sink.add(fmix(h) >>> shift, at);
                count++;
                if (c3 != 0) {
                    h = (((((FNV_BASIS ^ 4) ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                    sink.add(fmix(h) >>> shift, at);
                    count++;
                    if (c4 != 0) {
                        h = ((((((FNV_BASIS ^ 5) ^ c4) * FNV_PRIME ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                        sink.add(fmix(h) >>> shift, at);
                        count++;
                    }
                }
            }
            c4 = c3;
            c3 = c2;
            c2 = c1;
            c1 = c;
            if (isWordChar(c)) {
                wordHash = (inWord ? wordHash ^ c : FNV_BASIS ^ c) * FNV_PRIME;
                inWord = true;
            } else if (inWord) {
                sink.add(fmix(wordHash ^ WORD_SALT) >>> shift, at);
                count++;
                if (havePrev) {
                    sink.add(fmix(prevWord * 31 + wordHash ^ BIGRAM_SALT) >>> shift, at);
                    count++;
                }
                prevWord = wordHash;
                havePrev = true;
                inWord = false;
            }
        }
        return count;
    }

    /** Letters, digits and the combining marks of scripts that write vowels with them. */
    private static boolean isWordChar(char c) {
        if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        if (Character.isLetterOrDigit(c)) return true;
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /** Murmur3's finaliser: spreads the FNV hash over all bits before the top ones are taken. */
    static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
