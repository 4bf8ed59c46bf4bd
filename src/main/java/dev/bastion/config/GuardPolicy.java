package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guardrails do with what they find (G1–G3, G7). Entity type names are checked against the
 * detectors when the policy is loaded: a misspelled type is an error, never a silently inert rule.
 *
 * @param pii          action per PII type ({@code EMAIL}, {@code PHONE}, {@code US_SSN}, {@code CREDIT_CARD},
 *                     {@code IBAN}, {@code IP_ADDRESS}); {@code default} for the types not listed; default: redact
 * @param secrets      action per secret type ({@code AWS_ACCESS_KEY}, {@code GITHUB_TOKEN}, …, {@code GENERIC_SECRET});
 *                     {@code default} for the types not listed; default: block
 * @param custom       the operator's own entities: a name, an RE2 pattern and an action
 * @param injection    prompt-injection score thresholds
 * @param phoneRegions region hints (ISO 3166) for national phone formats; default [US]
 * @param models       models a request may name (exact names); absent: any (G5)
 * @param tools        tool and function names a request may define or call; absent: any
 * @param maxTokens    the most completion tokens a request may ask for; a request naming none is given
 *                     this (so the cap holds); absent: no cap
 * @param maxInputChars  the most characters of model-bound text per request; absent: no cap
 * @param maxInputTokens the most prompt tokens per request (counted in the model's encoding); absent: no cap
 * @param output       what the model's answer may contain (G4); default: on, with the request side's actions
 * @param classifier   a model-based classifier called with the model-bound text after the built-in detectors
 *                     (G3, G6); absent: none
 */
public record GuardPolicy(Map<String, Action> pii, Map<String, Action> secrets, List<CustomEntity> custom, Injection injection,
                          List<String> phoneRegions, List<String> models, List<String> tools, Integer maxTokens,
                          Integer maxInputChars, Integer maxInputTokens, Output output, ClassifierConfig classifier) {
    public static final GuardPolicy DEFAULTS = new GuardPolicy(null, null, null, null, null, null, null, null, null, null, null, null);

    /** The detector policy alone, without request caps (tests, the scan CLI's older callers). */
    public GuardPolicy(Map<String, Action> pii, Map<String, Action> secrets, List<CustomEntity> custom, Injection injection, List<String> phoneRegions) {
        this(pii, secrets, custom, injection, phoneRegions, null, null, null, null, null, null, null);
    }

    public GuardPolicy {
        pii = withDefault(pii, Action.REDACT);
        secrets = withDefault(secrets, Action.BLOCK);
        custom = custom == null ? List.of() : List.copyOf(custom);
        injection = injection == null ? new Injection(null, null) : injection;
        phoneRegions = phoneRegions == null || phoneRegions.isEmpty() ? List.of("US") : List.copyOf(phoneRegions);
        models = models == null ? null : List.copyOf(models);
        tools = tools == null ? null : List.copyOf(tools);
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens: " + maxTokens + " (expected: > 0)");
        if (maxInputChars != null && maxInputChars < 1) throw new IllegalArgumentException("max_input_chars: " + maxInputChars + " (expected: > 0)");
        if (maxInputTokens != null && maxInputTokens < 1) throw new IllegalArgumentException("max_input_tokens: " + maxInputTokens + " (expected: > 0)");
        for (CustomEntity c : custom) {
            if (pii.containsKey(c.name()) || secrets.containsKey(c.name())) throw new IllegalArgumentException("custom: '" + c.name() + "' is also listed under pii or secrets");
        }
        output = output == null ? Output.DEFAULTS : output;
    }

    private static Map<String, Action> withDefault(Map<String, Action> m, Action fallback) {
        Map<String, Action> out = new LinkedHashMap<>(m == null ? Map.of() : m);
        for (var e : out.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException(e.getKey() + ": missing action (expected: block, redact, pseudonymize, flag or allow)");
        }
        out.putIfAbsent("default", fallback);
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The action for a finding of {@code type} in the model's output: the output's own entry, else the
     * request side's. Pseudonymize means redact there: only this request's own placeholders are put back,
     * a value the model produced itself is not the caller's to receive.
     */
    public Action outputActionFor(String type, boolean secret) {
        Map<String, Action> family = secret ? output.secrets() : output.pii();
        Action a = family == null ? null : family.get(type);
        if (a == null && family != null && !isCustom(type)) a = family.get("default");
        if (a == null) a = actionFor(type, secret);
        return a == Action.PSEUDONYMIZE ? Action.REDACT : a;
    }

    private boolean isCustom(String type) {
        for (CustomEntity c : custom) if (c.name().equals(type)) return true;
        return false;
    }

    /** The action for a finding of {@code type}: its own entry, else its family's default. */
    public Action actionFor(String type, boolean secret) {
        Map<String, Action> family = secret ? secrets : pii;
        Action a = family.get(type);
        if (a != null) return a;
        for (CustomEntity c : custom) if (c.name().equals(type)) return c.action();
        return family.get("default");
    }

    public enum Action {
        /** Refuse the request: 400 with a stable reason code, the content never echoed. */
        @JsonProperty("block") BLOCK,
        /** Replace the entity with {@code [TYPE]} before forwarding. */
        @JsonProperty("redact") REDACT,
        /** Replace it with a consistent placeholder {@code [TYPE_n]}, restored in the response for the caller. */
        @JsonProperty("pseudonymize") PSEUDONYMIZE,
        /** Forward unchanged; record the finding. */
        @JsonProperty("flag") FLAG,
        /** Forward unchanged; record nothing. */
        @JsonProperty("allow") ALLOW;

        /** How strong a decision is when several findings disagree: block wins over everything. */
        public int strength() {
            return switch (this) {
                case BLOCK -> 4;
                case PSEUDONYMIZE, REDACT -> 3;
                case FLAG -> 2;
                case ALLOW -> 1;
            };
        }
    }

    /**
     * @param name    upper snake case, e.g. {@code EMPLOYEE_ID}; also the redaction placeholder
     * @param pattern RE2 syntax (linear time: no back-references or look-arounds)
     * @param action  default redact
     */
    public record CustomEntity(String name, String pattern, Action action) {
        public CustomEntity {
            if (name == null || !name.matches("[A-Z][A-Z0-9_]{0,47}")) throw new IllegalArgumentException("name: '" + name + "' (expected: UPPER_SNAKE_CASE)");
            if (pattern == null || pattern.isEmpty()) throw new IllegalArgumentException("pattern: missing");
            action = action == null ? Action.REDACT : action;
        }
    }

    /**
     * Prompt-injection detection (G3): what scores, and from which score a part of the conversation is
     * flagged or refused. Each threshold pair needs {@code 0 <= flag_at <= block_at}; a {@code block_at}
     * above 1 never blocks.
     *
     * @param flagAt      score from which the request's own text (system, user and assistant messages, tool
     *                    definitions) is flagged; default 0.5, the learned model's operating point
     * @param blockAt     score from which it is refused; default 0.95 — the model alone at its operating point
     *                    flags, a confident model or several signals together refuse
     * @param model       the learned model: {@code linear} (default), {@code embedding}, or {@code phrases}
     *                    for the phrase signals alone
     * @param toolResults thresholds for third-party text in the conversation — tool results and documents —
     *                    which is noisier than a user's prompt; default flag from 0.8, never block
     * @param answers     thresholds for the model's answers, scored for instructions aimed at the caller's
     *                    agent ("now call the delete tool"); default flag from 0.8, never block
     */
    public record Injection(Double flagAt, Double blockAt, String model, Thresholds toolResults, Thresholds answers) {
        public static final Thresholds THIRD_PARTY_DEFAULTS = new Thresholds(0.8, 1.01);

        public Injection(Double flagAt, Double blockAt) {
            this(flagAt, blockAt, null, null, null);
        }

        public Injection {
            flagAt = flagAt == null ? 0.5 : flagAt;
            blockAt = blockAt == null ? 0.95 : blockAt;
            if (flagAt < 0 || blockAt < flagAt) throw new IllegalArgumentException("injection: need 0 <= flag_at <= block_at (got " + flagAt + ", " + blockAt + ")");
            model = model == null ? "linear" : model;
            toolResults = toolResults == null ? THIRD_PARTY_DEFAULTS : toolResults.orDefaults(THIRD_PARTY_DEFAULTS, "tool_results");
            answers = answers == null ? THIRD_PARTY_DEFAULTS : answers.orDefaults(THIRD_PARTY_DEFAULTS, "answers");
        }

        /** What a score asks for under the request-side thresholds. */
        public Action actionFor(double score) {
            return score >= blockAt ? Action.BLOCK : score >= flagAt ? Action.FLAG : Action.ALLOW;
        }
    }

    /** A flag/block pair; a missing one takes its default. */
    public record Thresholds(Double flagAt, Double blockAt) {
        Thresholds orDefaults(Thresholds defaults, String key) {
            double flag = flagAt == null ? defaults.flagAt() : flagAt;
            double block = blockAt == null ? Math.max(flag, defaults.blockAt()) : blockAt;
            if (flag < 0 || block < flag) throw new IllegalArgumentException("injection." + key + ": need 0 <= flag_at <= block_at (got " + flag + ", " + block + ")");
            return new Thresholds(flag, block);
        }

        public Action actionFor(double score) {
            return score >= blockAt ? Action.BLOCK : score >= flagAt ? Action.FLAG : Action.ALLOW;
        }
    }

    /**
     * The response side (G4).
     *
     * @param enabled      inspect the model's answers; default true
     * @param pii          action per PII type in answers ({@code block}, {@code redact}, {@code flag}, {@code allow});
     *                     a type not listed (and {@code default} not given) takes the request side's action
     * @param secrets      the same for credentials; the request side's default is block
     * @param streamWindow characters of a streamed answer held back beyond what the structural rules hold, so
     *                     an entity split across chunks is seen whole before it is sent; default 32 (0–4096).
     *                     Whatever the window, a word is never sent half-written, a number written in groups
     *                     (card, phone, IBAN) is held until it ends, and an entity is held from its recognised start.
     * @param maxBody      the largest non-streamed answer held for inspection; a larger one is cut (502); default 8MiB
     * @param remoteImages what to do with an image in an answer that a chat interface would fetch from a host not in
     *                     {@code imageHosts} when it renders the answer (a Markdown or HTML image, a link reference
     *                     definition an image may use): {@code redact} (default: the markup becomes {@code [REMOTE_IMAGE]}),
     *                     {@code block}, {@code flag} or {@code allow}
     * @param imageHosts   hosts whose images pass: exact names, or {@code *.example.com} for its subdomains; default none
     * @param scriptLinks  what to do with a Markdown link in an answer whose URL runs script when followed
     *                     ({@code javascript:}, {@code vbscript:}): {@code redact} (default), {@code block}, {@code flag} or {@code allow}
     * @param remoteHtml   what to do with an HTML tag in an answer that fetches from a host not in {@code imageHosts} when an
     *                     app renders the answer as HTML ({@code <img src>}, {@code <script src>}, {@code <link href>}…):
     *                     {@code flag} (default: such HTML is mostly code, and most chat apps escape it), {@code redact},
     *                     {@code block} or {@code allow}. Set {@code redact} when your app renders the model's HTML.
     */
    public record Output(Boolean enabled, Map<String, Action> pii, Map<String, Action> secrets, Integer streamWindow, ByteSize maxBody,
                         Action remoteImages, List<String> imageHosts, Action scriptLinks, Action remoteHtml) {
        public static final Output DEFAULTS = new Output(null, null, null, null, null);

        public Output(Boolean enabled, Map<String, Action> pii, Map<String, Action> secrets, Integer streamWindow, ByteSize maxBody) {
            this(enabled, pii, secrets, streamWindow, maxBody, null, null, null, null);
        }

        public Output(Boolean enabled, Map<String, Action> pii, Map<String, Action> secrets, Integer streamWindow, ByteSize maxBody,
                      Action remoteImages, List<String> imageHosts) {
            this(enabled, pii, secrets, streamWindow, maxBody, remoteImages, imageHosts, null, null);
        }

        public Output {
            enabled = enabled == null || enabled;
            pii = outputActions("pii", pii);
            secrets = outputActions("secrets", secrets);
            streamWindow = streamWindow == null ? 32 : streamWindow;
            if (streamWindow < 0 || streamWindow > 4096) throw new IllegalArgumentException("output.stream_window: " + streamWindow + " (expected: 0 to 4096 characters)");
            maxBody = maxBody == null ? new ByteSize(8L * 1024 * 1024) : maxBody;
            remoteImages = remoteImages == null ? Action.REDACT : remoteImages;
            if (remoteImages == Action.PSEUDONYMIZE) throw new IllegalArgumentException("output.remote_images: pseudonymize is a request-side action (use redact)");
            imageHosts = imageHosts == null ? List.of() : List.copyOf(imageHosts); // read as host patterns by the guard, which names a bad one
            scriptLinks = scriptLinks == null ? Action.REDACT : scriptLinks;
            if (scriptLinks == Action.PSEUDONYMIZE) throw new IllegalArgumentException("output.script_links: pseudonymize is a request-side action (use redact)");
            remoteHtml = remoteHtml == null ? Action.FLAG : remoteHtml;
            if (remoteHtml == Action.PSEUDONYMIZE) throw new IllegalArgumentException("output.remote_html: pseudonymize is a request-side action (use redact)");
        }

        private static Map<String, Action> outputActions(String family, Map<String, Action> m) {
            if (m == null) return null;
            for (var e : m.entrySet()) {
                if (e.getValue() == null) throw new IllegalArgumentException("output." + family + "." + e.getKey() + ": missing action (expected: block, redact, flag or allow)");
                if (e.getValue() == Action.PSEUDONYMIZE) throw new IllegalArgumentException("output." + family + "." + e.getKey() + ": pseudonymize is a request-side action (use redact)");
            }
            return Map.copyOf(m);
        }
    }
}
