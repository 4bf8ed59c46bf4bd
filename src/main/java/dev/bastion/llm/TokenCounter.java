package dev.bastion.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Counts tokens the way OpenAI's models do (jtokkit): {@code o200k_base} for the GPT-4o, GPT-4.1, GPT-5
 * and o-series families, {@code cl100k_base} for everything else — exact for OpenAI's models, a close
 * estimate for other vendors' (whose real usage settles the budget afterwards anyway).
 * <p>
 * Text is counted as ordinary text: special-token strings such as {@code <|endoftext|>} in a prompt are
 * counted as the characters they are, never interpreted (and never an exception an attacker can cause).
 * <p>
 * Prompt text repeats: every turn of a chat resends the system prompt and the history. Counts of prompt
 * strings are therefore remembered by a keyed 128-bit fingerprint of the text (never the text itself:
 * a gateway should not keep prompts in memory longer than a request) — tokenizing is the largest cost
 * of a budgeted request, hashing is a small fraction of it. The fingerprint's random per-process keys
 * keep anyone from crafting two texts that share one; even then, only a reservation estimate would be
 * off, and the real usage settles it.
 */
public final class TokenCounter {
    /** Chat framing per OpenAI's cookbook: every message costs 3 tokens, a name 1 more, the reply's priming 3. */
    static final int PER_MESSAGE = 3;
    static final int PER_NAME = 1;
    static final int REPLY_PRIMING = 3;
    /** An image part: the low-detail price. High-detail images cost more; their real usage settles the difference. */
    public static final int PER_IMAGE = 85;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    /** Shorter strings cost less to count than to look up. */
    static final int MIN_CACHED_CHARS = 48;

    private final Encoding o200k = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private final Encoding cl100k = REGISTRY.getEncoding(EncodingType.CL100K_BASE);
    // Cache upkeep on the calling event loop, in small batches: no hop to the common pool per burst of reads.
    private final Cache<Fingerprint, Integer> counts = Caffeine.newBuilder().executor(Runnable::run).maximumSize(100_000).build();
    private final long k1, k2;

    private record Fingerprint(long h1, long h2, int length, boolean o200k) {}

    public TokenCounter() {
        SecureRandom random = new SecureRandom();
        k1 = random.nextLong() | 1;
        k2 = random.nextLong() | 1;
    }

    /** The encoding of a model, by its name's family (dated and fine-tuned variants included). */
    public Encoding encodingFor(String model) {
        if (model == null) return cl100k;
        String m = model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/'); // "openai/gpt-4o" style names from routers
        if (slash >= 0) m = m.substring(slash + 1);
        if (m.startsWith("ft:")) m = m.substring(3);
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5") || m.startsWith("gpt-5") || m.startsWith("chatgpt-4o")
                || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("gpt-oss")) {
            return o200k;
        }
        return cl100k;
    }

    public int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encodingFor(model).countTokensOrdinary(text);
    }

    /** Tokens of prompt text: remembered, since prompts repeat. */
    private int ordinary(Encoding enc, String s) {
        if (s.length() < MIN_CACHED_CHARS) return s.isEmpty() ? 0 : enc.countTokensOrdinary(s);
        return counts.get(fingerprint(enc, s), f -> enc.countTokensOrdinary(s));
    }

    /** Two polynomial hashes with random odd multipliers, plus the length and the encoding. */
    private Fingerprint fingerprint(Encoding enc, String s) {
        long h1 = 0, h2 = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            h1 = (h1 + c) * k1;
            h2 = (h2 ^ c) * k2;
        }
        return new Fingerprint(h1, Long.rotateLeft(h2, 31) * k1, s.length(), enc == o200k);
    }

    /** The prompt tokens of a chat request's {@code messages} (and its tool definitions). */
    public int chatPrompt(String model, JsonNode messages, JsonNode tools) {
        Encoding enc = encodingFor(model);
        int n = REPLY_PRIMING;
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                n += PER_MESSAGE;
                if (!m.isObject()) continue;
                n += ordinary(enc, m.path("role").asText(""));
                if (m.hasNonNull("name")) n += PER_NAME + ordinary(enc, m.get("name").asText(""));
                n += content(enc, m.get("content"));
                JsonNode calls = m.get("tool_calls");
                if (calls != null && calls.isArray()) {
                    for (JsonNode c : calls) {
                        n += ordinary(enc, c.path("function").path("name").asText(""));
                        n += ordinary(enc, c.path("function").path("arguments").asText(""));
                    }
                }
            }
        }
        // Tool schemas are sent to the model as text; counting their JSON is a close, slightly high estimate.
        if (tools != null && !tools.isNull() && !tools.isMissingNode()) n += ordinary(enc, tools.toString());
        return n;
    }

    /** A prompt given as a string, an array of strings, or arrays of token ids ({@code completions}, {@code embeddings}). */
    public int prompt(String model, JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) return 0;
        if (input.isTextual()) return ordinary(encodingFor(model), input.asText());
        if (!input.isArray()) return 0;
        if (!input.isEmpty() && input.get(0).isNumber()) return input.size(); // one prompt, already token ids
        int n = 0;
        for (JsonNode item : input) n += item.isArray() ? item.size() : prompt(model, item);
        return n;
    }

    /**
     * The prompt tokens of a Responses API request: {@code instructions}, then {@code input} — a string, or items: a
     * message (its role and content, as a chat message counts), a tool's output, a call's name and arguments — and
     * the tools' JSON. Items of other types (reasoning, a computer call's screenshot) count their JSON text: an estimate.
     */
    public int responsesPrompt(String model, JsonNode request) {
        Encoding enc = encodingFor(model);
        int n = REPLY_PRIMING;
        JsonNode instructions = request.get("instructions");
        if (instructions != null && instructions.isTextual()) n += PER_MESSAGE + ordinary(enc, instructions.asText());
        JsonNode input = request.get("input");
        if (input != null && input.isTextual()) n += PER_MESSAGE + ordinary(enc, input.asText());
        for (JsonNode items : new JsonNode[] {instructions, input}) { // instructions may be items too
            if (items == null || !items.isArray()) continue;
            for (JsonNode item : items) {
                n += PER_MESSAGE;
                if (!item.isObject()) continue;
                switch (item.path("type").asText("message")) {
                    case "message" -> n += ordinary(enc, item.path("role").asText("")) + content(enc, item.get("content"));
                    case "function_call_output", "custom_tool_call_output" -> {
                        JsonNode out = item.get("output");
                        n += out != null && out.isTextual() ? ordinary(enc, out.asText()) : content(enc, out);
                    }
                    case "function_call" -> n += ordinary(enc, item.path("name").asText("")) + ordinary(enc, item.path("arguments").asText(""));
                    default -> n += ordinary(enc, item.toString());
                }
            }
        }
        JsonNode tools = request.get("tools");
        if (tools != null && !tools.isNull()) n += ordinary(enc, tools.toString());
        return n;
    }

    private int content(Encoding enc, JsonNode content) {
        if (content == null || content.isNull()) return 0;
        if (content.isTextual()) return ordinary(enc, content.asText());
        int n = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if ("text".equals(type) || "input_text".equals(type) || "output_text".equals(type)) n += ordinary(enc, part.path("text").asText(""));
                else if ("image_url".equals(type) || "input_image".equals(type)) n += PER_IMAGE;
            }
        }
        return n;
    }
}
