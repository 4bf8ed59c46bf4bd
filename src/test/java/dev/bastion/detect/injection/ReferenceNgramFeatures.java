package dev.bastion.detect.injection;

/** FROZEN REFERENCE: {@code NgramFeatures.emit} as it was before the fast paths, for {@link DetectorEquivalenceTest}. */
final class ReferenceNgramFeatures {
    static final int MIN_N = 3;
    static final int MAX_N = 5;
    private static final int WORD_SALT = 0x5bd1e995;
    private static final int BIGRAM_SALT = 0x27d4eb2d;
    private static final int CONCEPT_SALT = 0x3c6ef372;
    private static final int CONCEPT_PAIR_SALT = 0x1b873593;
    static final int CONCEPT_SPAN = 4;
    private static final int FNV_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    static void emit(String text, int bits, int conceptValue, NgramFeatures.Buffer out) {
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
        int[] recentClass = new int[CONCEPT_SPAN], recentWord = new int[CONCEPT_SPAN];
        int words = 0, recent = 0; // recent: class words so far; the last CONCEPT_SPAN are kept, round robin
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            boolean space = c <= ' ' ? c == ' ' || (c >= '\t' && c <= '\r') : c >= 0x80 && Character.isWhitespace(c);
            if (space && lastSpace) continue;
            lastSpace = space;
            if (space) c = ' ';
            int at = Math.min(i, n - 1);
            if (c2 != 0) { // 3-gram c2 c1 c
                int h = ((((FNV_BASIS ^ 3) ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                slots[count] = fmix(h) >>> shift;
                ends[count++] = at;
                if (c3 != 0) {
                    h = (((((FNV_BASIS ^ 4) ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                    slots[count] = fmix(h) >>> shift;
                    ends[count++] = at;
                    if (c4 != 0) {
                        h = ((((((FNV_BASIS ^ 5) ^ c4) * FNV_PRIME ^ c3) * FNV_PRIME ^ c2) * FNV_PRIME ^ c1) * FNV_PRIME ^ c) * FNV_PRIME;
                        slots[count] = fmix(h) >>> shift;
                        ends[count++] = at;
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
                slots[count] = fmix(wordHash ^ WORD_SALT) >>> shift;
                ends[count++] = at;
                if (havePrev) {
                    slots[count] = fmix(prevWord * 31 + wordHash ^ BIGRAM_SALT) >>> shift;
                    ends[count++] = at;
                }
                prevWord = wordHash;
                havePrev = true;
                inWord = false;
                int cls = conceptValue > 0 ? ConceptLexicon.classOf(wordHash) : 0;
                if (cls != 0) {
                    int slot = fmix(cls ^ CONCEPT_SALT) >>> shift;
                    for (int v = 0; v < conceptValue; v++) {
                        slots[count] = slot;
                        ends[count++] = at;
                    }
                    for (int k = Math.max(0, recent - CONCEPT_SPAN); k < recent; k++) {
                        int r = k % CONCEPT_SPAN;
                        if (words - recentWord[r] > CONCEPT_SPAN) continue;
                        int other = recentClass[r];
                        int pair = Math.min(cls, other) * ConceptLexicon.CLASSES + Math.max(cls, other);
                        slot = fmix(pair ^ CONCEPT_PAIR_SALT) >>> shift;
                        for (int v = 0; v < conceptValue; v++) {
                            slots[count] = slot;
                            ends[count++] = at;
                        }
                    }
                    recentClass[recent % CONCEPT_SPAN] = cls;
                    recentWord[recent % CONCEPT_SPAN] = words;
                    recent++;
                }
                words++;
            }
        }
        out.size = count;
    }
    private static boolean isWordChar(char c) {
        if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        if (Character.isLetterOrDigit(c)) return true;
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }
    static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
