package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Vendor tokens recognisable by their prefix and shape ({@link TokenFormats}): AWS access key ids, GitHub
 * classic (checksum verified) and fine-grained tokens, GitLab personal access tokens, Slack tokens and
 * incoming-webhook URLs, Stripe secret and restricted keys, OpenAI, Anthropic and Google API keys.
 *
 * <p>Deliberately not caught: Stripe publishable keys ({@code pk_…}, public by design), GitHub tokens whose
 * checksum is wrong, tokens glued to a longer word ({@code xghp_…}), vendors not listed, and prefixed strings
 * too short or too regular to be issued keys ({@code sk-abc}, {@code sk-proj-my-project-name}).
 */
public final class TokenFormatDetector implements Detector {
    private static final Set<String> TYPES;
    /** Which ASCII chars can start some prefix: a one-array-lookup filter for the common case. */
    private static final boolean[] STARTS = new boolean[128];

    static {
        Set<String> types = new LinkedHashSet<>();
        for (TokenFormat f : TokenFormats.ALL) {
            types.add(f.type());
            for (String p : f.prefixes()) STARTS[p.charAt(0)] = true;
        }
        TYPES = Set.copyOf(types);
    }

    @Override
    public Set<String> types() {
        return TYPES;
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            // Every format's boundary excludes letters and digits: a prefix inside a word is never a token.
            int end = c < 128 && STARTS[c] && !(i > 0 && Chars.isAlnum(text.charAt(i - 1))) ? tokenAt(text, i, out) : -1;
            i = end > i ? end : i + 1;
        }
    }

    /** Reports the first format that parses at {@code start} and returns its end, or -1. */
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
