package dev.bastion.detect.secrets;

import static dev.bastion.detect.secrets.Chars.in;
import static dev.bastion.detect.secrets.Chars.runEnd;

import java.util.List;

/**
 * The vendor token formats, each as its issuer documents it (or, where the issuer is silent, as the
 * tokens are known to look). Every parser reads at most one maximal run of its format's chars plus a
 * bounded tail, which is what keeps {@link TokenFormatDetector} linear.
 */
final class TokenFormats {
    private TokenFormats() {}

    /** OpenAI's marker: base64 of "OpenAI", present in legacy and project/service-account/admin keys alike. */
    private static final String OPENAI_MARKER = "T3BlbkFJ";

    static final List<String> AWS_KEY_ID_PREFIXES = List.of("AKIA", "ASIA", "ABIA", "ACCA");

    /** Most specific first: the first format that parses at a position wins. */
    static final List<TokenFormat> ALL = List.of(
            new TokenFormat("AWS_ACCESS_KEY", AWS_KEY_ID_PREFIXES, Chars::isWord, TokenFormats::awsAccessKeyId),
            new TokenFormat("GITHUB_TOKEN", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), Chars::isWord, TokenFormats::gitHubClassic),
            new TokenFormat("GITHUB_TOKEN", List.of("github_pat_"), Chars::isWord, TokenFormats::gitHubFineGrained),
            new TokenFormat("GITLAB_TOKEN", List.of("glpat-"), Chars::isUrlSafe, TokenFormats::gitLab),
            new TokenFormat("SLACK_TOKEN", List.of("xoxb-", "xoxp-", "xoxo-", "xoxs-"), Chars::isUrlSafe, (t, f) -> slack(t, f, 8)),
            new TokenFormat("SLACK_TOKEN", List.of("xoxa-", "xoxr-"), Chars::isUrlSafe, (t, f) -> slack(t, f, 0)),
            new TokenFormat("SLACK_TOKEN", List.of("xapp-"), Chars::isUrlSafe, TokenFormats::slackAppToken),
            new TokenFormat("SLACK_TOKEN", List.of("https://hooks.slack.com/services/", "http://hooks.slack.com/services/"),
                    Chars::isWord, TokenFormats::slackWebhook),
            new TokenFormat("STRIPE_KEY", List.of("sk_live_", "sk_test_", "rk_live_", "rk_test_"), Chars::isWord, TokenFormats::stripe),
            new TokenFormat("ANTHROPIC_KEY", List.of("sk-ant-"), Chars::isUrlSafe, TokenFormats::anthropic),
            new TokenFormat("OPENAI_KEY", List.of("sk-proj-", "sk-svcacct-", "sk-admin-"), Chars::isUrlSafe, TokenFormats::openAiScoped),
            new TokenFormat("OPENAI_KEY", List.of("sk-"), Chars::isUrlSafe, TokenFormats::openAiLegacy),
            new TokenFormat("GOOGLE_API_KEY", List.of("AIza"), Chars::isUrlSafe, TokenFormats::googleApiKey),
            new TokenFormat("GOOGLE_OAUTH_SECRET", List.of("GOCSPX-"), Chars::isUrlSafe, exactly(Chars::isUrlSafe, 28, TokenFormats::any)),
            // Model providers and AI platforms: the keys an AI app's prompts and logs most often carry
            new TokenFormat("HUGGINGFACE_TOKEN", List.of("hf_", "api_org_"), Chars::isWord, exactly(Chars::isLetter, 34, TokenFormats::mixedCase)),
            new TokenFormat("GROQ_KEY", List.of("gsk_"), Chars::isWord, exactly(Chars::isAlnum, 52, TokenFormats::looksRandom)),
            new TokenFormat("REPLICATE_TOKEN", List.of("r8_"), Chars::isWord, exactly(Chars::isAlnum, 37, TokenFormats::lettersAndDigits)),
            new TokenFormat("XAI_KEY", List.of("xai-"), Chars::isUrlSafe, exactly(Chars::isAlnum, 80, TokenFormats::looksRandom)),
            new TokenFormat("PERPLEXITY_KEY", List.of("pplx-"), Chars::isUrlSafe, exactly(Chars::isAlnum, 48, TokenFormats::lettersAndDigits)),
            new TokenFormat("LANGSMITH_KEY", List.of("lsv2_pt_", "lsv2_sk_"), Chars::isWord, pair(Chars::isLowerHex, 32, '_', Chars::isLowerHex, 10)),
            new TokenFormat("DATABRICKS_TOKEN", List.of("dapi"), Chars::isWord, TokenFormats::databricks),
            // Package registries, infrastructure and developer platforms
            new TokenFormat("NPM_TOKEN", List.of("npm_"), Chars::isWord, exactly(Chars::isAlnum, 36, TokenFormats::looksRandom)),
            new TokenFormat("PYPI_TOKEN", List.of("pypi-AgEIcHlwaS5vcmc"), Chars::isUrlSafe, between(Chars::isUrlSafe, 50, 400)),
            new TokenFormat("DOCKER_HUB_TOKEN", List.of("dckr_pat_"), Chars::isWord, exactly(Chars::isUrlSafe, 27, TokenFormats::any)),
            new TokenFormat("SENDGRID_KEY", List.of("SG."), Chars::isUrlSafe, pair(Chars::isUrlSafe, 22, '.', Chars::isUrlSafe, 43)),
            new TokenFormat("DIGITALOCEAN_TOKEN", List.of("dop_v1_", "doo_v1_", "dor_v1_"), Chars::isWord, exactly(Chars::isLowerHex, 64, TokenFormats::any)),
            new TokenFormat("VAULT_TOKEN", List.of("hvs."), Chars::isUrlSafe, between(Chars::isUrlSafe, 90, 120)),
            new TokenFormat("VAULT_TOKEN", List.of("hvb."), Chars::isUrlSafe, between(Chars::isUrlSafe, 138, 300)),
            new TokenFormat("SHOPIFY_TOKEN", List.of("shpat_", "shpca_", "shppa_", "shpss_"), Chars::isWord, exactly(Chars::isHex, 32, TokenFormats::any)),
            new TokenFormat("LINEAR_KEY", List.of("lin_api_"), Chars::isWord, exactly(Chars::isAlnum, 40, TokenFormats::looksRandom)),
            new TokenFormat("POSTMAN_KEY", List.of("PMAK-"), Chars::isUrlSafe, pair(Chars::isLowerHex, 24, '-', Chars::isLowerHex, 34)),
            new TokenFormat("GRAFANA_TOKEN", List.of("glsa_"), Chars::isWord, pair(Chars::isAlnum, 32, '_', Chars::isLowerHex, 8)),
            new TokenFormat("NEW_RELIC_KEY", List.of("NRAK-"), Chars::isUrlSafe, exactly(Chars::isUpperOrDigit, 27, TokenFormats::any)));

    /** A check on a token's body, {@code text[from, to)}, beyond its alphabet and length. */
    @FunctionalInterface
    private interface BodyCheck {
        boolean ok(String text, int from, int to);
    }

    /** Exactly {@code length} chars of {@code cls}, ending the run of base64url chars there, that pass {@code check}. */
    private static TokenFormat.Body exactly(Chars.CharClass cls, int length, BodyCheck check) {
        return (t, from) -> {
            int end = runEnd(t, from, cls, length);
            return end - from == length && !in(t, end, Chars::isUrlSafe) && check.ok(t, from, end) ? end : -1;
        };
    }

    /** {@code min} to {@code max} chars of {@code cls}, the whole run; these formats are long enough to need no more. */
    private static TokenFormat.Body between(Chars.CharClass cls, int min, int max) {
        return (t, from) -> {
            int end = runEnd(t, from, cls, max);
            int length = end - from;
            return length >= min && length <= max && !in(t, end, Chars::isUrlSafe) ? end : -1;
        };
    }

    /** {@code a} chars of {@code first}, the separator, {@code b} chars of {@code second}, then a boundary. */
    private static TokenFormat.Body pair(Chars.CharClass first, int a, char separator, Chars.CharClass second, int b) {
        return (t, from) -> {
            int mid = runEnd(t, from, first, a);
            if (mid - from != a || !in(t, mid, c -> c == separator)) return -1;
            int end = runEnd(t, mid + 1, second, b);
            return end - (mid + 1) == b && !in(t, end, Chars::isUrlSafe) ? end : -1;
        };
    }

    /** {@code dapi} + 32 hex digits, and the {@code -2}-style suffix some workspaces add. */
    static int databricks(String t, int from) {
        int end = runEnd(t, from, Chars::isLowerHex, 32);
        if (end - from != 32 || !lettersAndDigits(t, from, end)) return -1;
        if (in(t, end, c -> c == '-')) {
            int suffix = runEnd(t, end + 1, Chars::isDigit, 2);
            if (suffix > end + 1 && !in(t, suffix, Chars::isUrlSafe)) return suffix;
        }
        return in(t, end, Chars::isUrlSafe) ? -1 : end;
    }

    private static boolean any(String t, int from, int to) {
        return true;
    }

    private static boolean mixedCase(String t, int from, int to) {
        boolean upper = false, lower = false;
        for (int i = from; i < to; i++) {
            upper |= Chars.isUpper(t.charAt(i));
            lower |= Chars.isLower(t.charAt(i));
        }
        return upper && lower;
    }

    private static boolean lettersAndDigits(String t, int from, int to) {
        boolean letter = false, digit = false;
        for (int i = from; i < to; i++) {
            letter |= Chars.isLetter(t.charAt(i));
            digit |= Chars.isDigit(t.charAt(i));
        }
        return letter && digit;
    }

    /** The end of an AWS access key id starting exactly at {@code start}, or -1. */
    static int awsAccessKeyIdAt(String t, int start) {
        if (in(t, start - 1, Chars::isWord)) return -1;
        for (String prefix : AWS_KEY_ID_PREFIXES) {
            if (t.startsWith(prefix, start)) return awsAccessKeyId(t, start + prefix.length());
        }
        return -1;
    }

    /** {@code AKIA…}: 16 base32 chars, then a word boundary. */
    static int awsAccessKeyId(String t, int from) {
        int end = runEnd(t, from, Chars::isBase32Upper, 16);
        return end - from == 16 && !in(t, end, Chars::isWord) ? end : -1;
    }

    /** {@code ghp_} + 36 base62 chars whose last 6 are the CRC32 of the first 30. */
    static int gitHubClassic(String t, int from) {
        int end = runEnd(t, from, Chars::isAlnum, 36);
        if (end - from != 36 || in(t, end, Chars::isWord)) return -1;
        return GitHubChecksum.valid(t, from) ? end : -1;
    }

    /** {@code github_pat_} + 22 alphanumerics + {@code _} + 59 alphanumerics. */
    static int gitHubFineGrained(String t, int from) {
        int mid = runEnd(t, from, Chars::isAlnum, 22);
        if (mid - from != 22 || !in(t, mid, c -> c == '_')) return -1;
        int end = runEnd(t, mid + 1, Chars::isAlnum, 59);
        return end - (mid + 1) == 59 && !in(t, end, Chars::isWord) ? end : -1;
    }

    /**
     * {@code glpat-} + 20 base64url chars (the classic form), or the routable form GitLab 17 introduced:
     * 27–300 base64url chars, {@code .}, then 9 lower-case base36 chars (version/length and a CRC).
     */
    static int gitLab(String t, int from) {
        int end = runEnd(t, from, Chars::isUrlSafe, 300);
        int length = end - from;
        if (length == 20) return end;
        if (length < 27 || length > 300 || !in(t, end, c -> c == '.')) return -1;
        int tail = runEnd(t, end + 1, Chars::isLowerOrDigit, 9);
        return tail - (end + 1) == 9 && !in(t, tail, Chars::isUrlSafe) ? tail : -1;
    }

    /**
     * Slack's {@code xox?-} tokens: dash-separated groups, all numeric (team, user, … ids) but the last, which is
     * 8 or more alphanumerics with at least one letter. Bot/user/legacy tokens need numeric ids of at least
     * {@code minIdDigits} digits in total; workspace/refresh tokens ({@code xoxa-}, {@code xoxr-}) may have none.
     */
    static int slack(String t, int from, int minIdDigits) {
        int end = runEnd(t, from, c -> Chars.isAlnum(c) || c == '-', 300);
        if (end - from > 300 || in(t, end, c -> c == '_')) return -1;
        String[] groups = t.substring(from, end).split("-", -1);
        String secret = groups[groups.length - 1];
        if (secret.length() < 8 || !hasLetter(secret)) return -1;
        int idDigits = 0;
        for (int i = 0; i < groups.length - 1; i++) {
            if (groups[i].isEmpty() || !Chars.all(groups[i], Chars::isDigit)) return -1;
            idDigits += groups[i].length();
        }
        if (minIdDigits > 0 && (groups.length < 2 || idDigits < minIdDigits)) return -1;
        return end;
    }

    /** Slack app-level tokens: {@code xapp-<digit>-<A-Z0-9 id>-<digits>-<alnum secret>}. */
    static int slackAppToken(String t, int from) {
        int end = runEnd(t, from, c -> Chars.isAlnum(c) || c == '-', 300);
        if (end - from > 300 || in(t, end, c -> c == '_')) return -1;
        String[] g = t.substring(from, end).split("-", -1);
        boolean shaped = g.length == 4 && !g[0].isEmpty() && Chars.all(g[0], Chars::isDigit) && !g[1].isEmpty() && Chars.all(g[1], Chars::isUpperOrDigit)
                && !g[2].isEmpty() && Chars.all(g[2], Chars::isDigit) && g[3].length() >= 8;
        return shaped ? end : -1;
    }

    /** {@code https://hooks.slack.com/services/T<id>/B<id>/<secret>}; the span is the whole URL. */
    static int slackWebhook(String t, int from) {
        int team = idSegment(t, from, 'T');
        int bot = team < 0 ? -1 : idSegment(t, team, 'B');
        if (bot < 0) return -1;
        int end = runEnd(t, bot, Chars::isAlnum, 64);
        int length = end - bot;
        return length >= 16 && length <= 64 && !in(t, end, Chars::isWord) ? end : -1;
    }

    /** Reads {@code <lead>[A-Z0-9]{6,16}/} at {@code from}; returns the index after the slash, or -1. */
    private static int idSegment(String t, int from, char lead) {
        if (!in(t, from, c -> c == lead)) return -1;
        int end = runEnd(t, from + 1, Chars::isUpperOrDigit, 16);
        int length = end - from - 1;
        return length >= 6 && length <= 16 && in(t, end, c -> c == '/') ? end + 1 : -1;
    }

    /** Secret and restricted keys, live or test: 24 or more alphanumerics. Publishable {@code pk_} keys are public. */
    static int stripe(String t, int from) {
        int end = runEnd(t, from, Chars::isAlnum, 255);
        int length = end - from;
        return length >= 24 && length <= 255 && !in(t, end, Chars::isWord) ? end : -1;
    }

    /** {@code sk-ant-api03-…} and {@code sk-ant-admin01-…} (any two-digit version): 80–200 base64url chars. */
    static int anthropic(String t, int from) {
        int kindEnd = runEnd(t, from, Chars::isLower, 5);
        String kind = t.substring(from, kindEnd);
        if (!kind.equals("api") && !kind.equals("admin")) return -1;
        int version = runEnd(t, kindEnd, Chars::isDigit, 2);
        if (version - kindEnd != 2 || !in(t, version, c -> c == '-')) return -1;
        int end = runEnd(t, version + 1, Chars::isUrlSafe, 200);
        int length = end - (version + 1);
        return length >= 80 && length <= 200 && looksRandom(t, version + 1, end) ? end : -1;
    }

    /** {@code sk-proj-}, {@code sk-svcacct-}, {@code sk-admin-}: 40–300 base64url chars containing {@code T3BlbkFJ}. */
    static int openAiScoped(String t, int from) {
        int end = runEnd(t, from, Chars::isUrlSafe, 300);
        int length = end - from;
        return length >= 40 && length <= 300 && Chars.contains(t, from, end, OPENAI_MARKER) ? end : -1;
    }

    /** Legacy user keys: {@code sk-} + exactly 48 alphanumerics containing {@code T3BlbkFJ}. */
    static int openAiLegacy(String t, int from) {
        int end = runEnd(t, from, Chars::isAlnum, 48);
        if (end - from != 48 || in(t, end, Chars::isUrlSafe)) return -1;
        return Chars.contains(t, from, end, OPENAI_MARKER) ? end : -1;
    }

    /** {@code AIza} + exactly 35 base64url chars. */
    static int googleApiKey(String t, int from) {
        int end = runEnd(t, from, Chars::isUrlSafe, 35);
        return end - from == 35 ? end : -1;
    }

    /** Upper case, lower case and digits all present: true of any long random key, false of a hyphenated phrase. */
    private static boolean looksRandom(String t, int from, int to) {
        boolean upper = false, lower = false, digit = false;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            upper |= Chars.isUpper(c);
            lower |= Chars.isLower(c);
            digit |= Chars.isDigit(c);
        }
        return upper && lower && digit;
    }

    private static boolean hasLetter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Chars.isUpper(s.charAt(i)) || Chars.isLower(s.charAt(i))) return true;
        }
        return false;
    }

}
