package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Vendor tokens recognisable by their prefix and shape ({@link TokenFormats}): AWS access key ids, GitHub
 * classic (checksum verified) and fine-grained tokens, GitLab personal access tokens, Slack tokens and
 * incoming-webhook URLs, Stripe secret and restricted keys, OpenAI, Anthropic and Google API keys, and the keys of
 * the AI platforms, registries and developer services listed in {@link TokenFormats#ALL}.
 *
 * <p>Deliberately not caught: Stripe publishable keys ({@code pk_…}, public by design), GitHub tokens whose
 * checksum is wrong, tokens glued to a longer word ({@code xghp_…}), vendors not listed, and prefixed strings
 * too short or too regular to be issued keys ({@code sk-abc}, {@code sk-proj-my-project-name}).
 */
public final class TokenFormatDetector implements Detector {
    private static final Set<String> TYPES;
    /**
     * For each ASCII char, the prefixes that start with it, each with its format, in {@link TokenFormats#ALL}
     * order (null when none does): a word start costs one array lookup, and a word that could start a token
     * is compared with the few prefixes sharing its first char only.
     */
    private static final Candidate[][] BY_FIRST_CHAR = new Candidate[128][];

    private record Candidate(String prefix, TokenFormat format) {}

    static {
        Set<String> types = new LinkedHashSet<>();
        List<List<Candidate>> byFirst = new ArrayList<>();
        for (int c = 0; c < 128; c++) byFirst.add(new ArrayList<>());
        for (TokenFormat f : TokenFormats.ALL) {
            types.add(f.type());
            for (String p : f.prefixes()) byFirst.get(p.charAt(0)).add(new Candidate(p, f));
        }
        for (int c = 0; c < 128; c++) if (!byFirst.get(c).isEmpty()) BY_FIRST_CHAR[c] = byFirst.get(c).toArray(Candidate[]::new);
        TYPES = Set.copyOf(types);
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    /** Every token holds a run of 13 base64url chars or more: {@code xoxa-} and an 8-char secret is the shortest. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.urlSafeRun() >= 13;
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            Candidate[] candidates = c < 128 ? BY_FIRST_CHAR[c] : null;
            // Every format's boundary excludes letters and digits: a prefix inside a word is never a token.
            int end = candidates != null && !(i > 0 && Chars.isAlnum(text.charAt(i - 1))) ? tokenAt(text, i, candidates, out) : -1;
            i = end > i ? end : i + 1;
        }
    }

    /** Reports the first format that parses at {@code start} and returns its end, or -1. */
    private static int tokenAt(String text, int start, Candidate[] candidates, List<Finding> out) {
        char second = start + 1 < text.length() ? text.charAt(start + 1) : 0; // every prefix has two chars or more
        for (Candidate k : candidates) {
            if (k.prefix.charAt(1) != second || !text.startsWith(k.prefix, start) || Chars.in(text, start - 1, k.format.boundary())) continue;
            int end = k.format.body().end(text, start + k.prefix.length());
            if (end > start) {
                out.add(new Finding(k.format.type(), Finding.Category.SECRET, start, end));
                return end;
            }
        }
        return -1;
    }
}
