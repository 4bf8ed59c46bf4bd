package dev.bastion.detect.injection;

/**
 * The features of the linear model, hashed into {@code 2^bits} slots ("the hashing trick": no vocabulary
 * to store, and words never seen in training still land somewhere): character 3-, 4- and 5-grams of the
 * normalised text with white space collapsed (they survive typos, inflection and languages without spaces),
 * and word unigrams and bigrams (they carry phrasing: "ignore previous", "you are"). Each occurrence counts
 * once; the vector is scaled by {@link #scale} so long and short texts are comparable. One pass, no
 * allocation beyond what the {@link Sink} keeps.
 */
final class NgramFeatures {
    static final int MIN_N = 3;
    static final int MAX_N = 5;
    private static final int WORD_SALT = 0x5bd1e995;
    private static final int BIGRAM_SALT = 0x27d4eb2d;

    /** Receives each feature's slot; called once per occurrence. */
    interface Sink {
        void add(int slot);
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
        // Character n-grams over " text " with runs of white space read as one space.
        int[] window = new int[MAX_N];
        int filled = 0;
        boolean lastSpace = true;
        window[0] = ' ';
        filled = 1;
        int wordHash = 0, prevWord = 0;
        boolean inWord = false, havePrev = false;
        int n = text.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            boolean space = Character.isWhitespace(c);
            if (space && lastSpace) continue;
            lastSpace = space;
            if (space) c = ' ';
            // slide the window
            if (filled < MAX_N) window[filled++] = c;
            else {
                System.arraycopy(window, 1, window, 0, MAX_N - 1);
                window[MAX_N - 1] = c;
            }
            for (int len = MIN_N; len <= Math.min(MAX_N, filled); len++) {
                int h = 0x811c9dc5 ^ len;
                for (int k = filled - len; k < filled; k++) h = (h ^ window[k]) * 0x01000193;
                sink.add(fmix(h) >>> shift);
                count++;
            }
            // words: runs of letters and digits
            if (Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK || Character.getType(c) == Character.COMBINING_SPACING_MARK) {
                wordHash = inWord ? (wordHash ^ c) * 0x01000193 : (0x811c9dc5 ^ c) * 0x01000193;
                inWord = true;
            } else if (inWord) {
                sink.add(fmix(wordHash ^ WORD_SALT) >>> shift);
                count++;
                if (havePrev) {
                    sink.add(fmix(prevWord * 31 + wordHash ^ BIGRAM_SALT) >>> shift);
                    count++;
                }
                prevWord = wordHash;
                havePrev = true;
                inWord = false;
            }
        }
        return count;
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
