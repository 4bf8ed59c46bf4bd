package dev.bastion.detect.injection;

/**
 * The features of the linear model, hashed into {@code 2^bits} slots ("the hashing trick": no vocabulary
 * to store, and words never seen in training still land somewhere): character 3-, 4- and 5-grams of the
 * normalised text with white space collapsed (they survive typos, inflection and languages without spaces),
 * and word unigrams and bigrams (they carry phrasing: "ignore previous", "you are"). Each occurrence counts
 * once, at the position of its last character, so a window of the text is simply the features that end
 * inside it; a vector is scaled by {@link #scale} so long and short texts are comparable. One pass into a
 * reusable {@link Buffer}: the caller sums weights in a tight loop of its own (a call per feature through an
 * interface cost more than the hashing).
 *
 * <p>With a {@code conceptValue} above 0, each word in the {@link ConceptLexicon} also adds its class, and a
 * pair feature for each class word up to {@value #CONCEPT_SPAN} words before it (the pair unordered, since
 * languages order "ignore the instructions" and "die Anweisungen ignorieren" differently): wording the
 * model never saw still lands on features it learned. Looked up with the word's hash, in the same loop.
 * Each concept feature counts {@code conceptValue} times (it is written that many times, so the scoring
 * loop stays a plain sum): a class stands for many wordings, and at the weight of one n-gram among
 * hundreds the model learned to lean on wordings instead (measured: see docs/guardrails.md).
 */
final class NgramFeatures {
    static final int MIN_N = 3;
    static final int MAX_N = 5;
    private static final int WORD_SALT = 0x5bd1e995;
    private static final int BIGRAM_SALT = 0x27d4eb2d;
    private static final int CONCEPT_SALT = 0x3c6ef372;
    private static final int CONCEPT_PAIR_SALT = 0x1b873593;
    /** A class pair counts when the two words are at most this many words apart. */
    static final int CONCEPT_SPAN = 4;
    private static final int FNV_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    /** The features of one text: {@code slots[i]} ends at character {@code ends[i]}, in order of position. */
    static final class Buffer {
        int[] slots;
        int[] ends;
        int size;
        private final int[] recentClass = new int[CONCEPT_SPAN]; // the last class words: class, word number
        private final int[] recentWord = new int[CONCEPT_SPAN];

        Buffer(int capacity) {
            slots = new int[capacity];
            ends = new int[capacity];
        }

        /** Room for the features of a text of {@code length} characters: see {@link #capacity}. */
        void reserve(int length, int conceptValue) {
            int needed = capacity(length, conceptValue);
            if (slots.length < needed) {
                slots = new int[needed];
                ends = new int[needed];
            }
            size = 0;
        }

        /** The index of the first feature ending at or after {@code position}, searching from {@code from}. */
        int firstEndingAt(int position, int from) {
            int i = from;
            while (i < size && ends[i] < position) i++;
            return i;
        }
    }

    /** Three character n-grams, a word and a word bigram can end at one character. */
    static final int FEATURES_PER_CHAR = 5;
    /** The most features a text of {@code length} characters can have: a class word adds its class and up to
     * {@value #CONCEPT_SPAN} pairs, each {@code conceptValue} times; a word ends at most every other character. */
    static int capacity(int length, int conceptValue) {
        int perClassWord = conceptValue * (1 + CONCEPT_SPAN);
        return FEATURES_PER_CHAR * (length + 1) + perClassWord * (length / 2 + 1);
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

    /** Fills {@code out} with the features of {@code text} (already {@linkplain InjectionText normalised}). */
    static void emit(String text, int bits, int conceptValue, Buffer out) {
        emit(text, bits, conceptValue, out, true);
    }

    /**
     * {@link #emit} without the ends: the same slots, {@code out.ends} left as it was. For a text scored whole, which
     * never reads where a feature ends (a store per feature saved: a tenth of the time).
     */
    static void emitSlots(String text, int bits, int conceptValue, Buffer out) {
        emit(text, bits, conceptValue, out, false);
    }

    private static void emit(String text, int bits, int conceptValue, Buffer out, boolean withEnds) {
        int n = text.length();
        out.reserve(n, conceptValue);
        int[] slots = out.slots, ends = out.ends;
        int shift = 32 - bits;
        int count = 0;
        // The last MAX_N characters of " text " with runs of white space read as one space.
        char c1 = ' ', c2 = 0, c3 = 0, c4 = 0; // c1 is the latest before the current one; 0: not yet seen
        boolean lastSpace = true;
        int wordHash = 0, prevWord = 0;
        boolean inWord = false, havePrev = false;
        int[] recentClass = out.recentClass, recentWord = out.recentWord;
        int words = 0, recent = 0; // recent: class words so far; the last CONCEPT_SPAN are kept, round robin
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            boolean space = c <= ' ' ? c == ' ' || (c >= '\t' && c <= '\r') : c >= 0x80 && Character.isWhitespace(c);
            if (space && lastSpace) continue;
            lastSpace = space;
            if (space) c = ' ';
            int at = Math.min(i, n - 1);
            int first = count; // the features from here on end at this char
            if (c2 != 0) { // 3-gram c2 c1 c
                int h = ((((FNV_BASIS ^ 3) ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                slots[count++] = h;
                if (c3 != 0) {
                    h = (((((FNV_BASIS ^ 4) ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                    slots[count++] = h;
                    if (c4 != 0) {
                        h = ((((((FNV_BASIS ^ 5) ^ c4) * FNV_PRIME ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                        slots[count++] = h;
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
                slots[count++] = wordHash ^ WORD_SALT;
                if (havePrev) {
                    slots[count++] = prevWord * 31 + wordHash ^ BIGRAM_SALT;
                }
                prevWord = wordHash;
                havePrev = true;
                inWord = false;
                int cls = conceptValue > 0 ? ConceptLexicon.classOf(wordHash) : 0;
                if (cls != 0) {
                    int feature = cls ^ CONCEPT_SALT;
                    for (int v = 0; v < conceptValue; v++) {
                        slots[count++] = feature;
                    }
                    for (int k = Math.max(0, recent - CONCEPT_SPAN); k < recent; k++) {
                        int r = k % CONCEPT_SPAN;
                        if (words - recentWord[r] > CONCEPT_SPAN) continue;
                        int other = recentClass[r];
                        int pair = Math.min(cls, other) * ConceptLexicon.CLASSES + Math.max(cls, other);
                        feature = pair ^ CONCEPT_PAIR_SALT;
                        for (int v = 0; v < conceptValue; v++) {
                            slots[count++] = feature;
                        }
                    }
                    recentClass[recent % CONCEPT_SPAN] = cls;
                    recentWord[recent % CONCEPT_SPAN] = words;
                    recent++;
                }
                words++;
            }
            if (withEnds) for (int k = first; k < count; k++) ends[k] = at;
        }
        // Every feature is fmix(hash) >>> shift: done here in one plain loop, which cost a quarter less than inline (measured).
        for (int i = 0; i < count; i++) slots[i] = fmix(slots[i]) >>> shift;
        out.size = count;
    }

    /** The hash {@link #emit} gives a word (folded, all word characters), for tables keyed by it. */
    static int wordHash(String word) {
        int h = 0;
        for (int i = 0; i < word.length(); i++) h = (i == 0 ? FNV_BASIS ^ word.charAt(i) : h ^ word.charAt(i)) * FNV_PRIME;
        return h;
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
