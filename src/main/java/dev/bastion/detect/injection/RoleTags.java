package dev.bastion.detect.injection;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat-template control tokens and fake conversation turns pasted into user text, so the model reads
 * what follows as a system or assistant message. Runs on folded text, so full-width, look-alike and
 * zero-width-split spellings of the markers are caught too. Weights, combined by noisy-OR over the
 * distinct markers found (a fake "System:" line plus a fake "Assistant:" line is more than either):
 * <ul>
 *   <li>0.85: special tokens anywhere: {@code <|im_start|>}, {@code <|im_end|>}, {@code <|system|>},
 *       {@code [INST]}, {@code <<SYS>>}, Llama 3 header tokens, Gemma turn tokens, …</li>
 *   <li>0.7: a heading line {@code ### System:} or {@code ### Instruction:} (with the colon:
 *       "### Installation" and "### Instructions for setup" are documentation)</li>
 *   <li>0.45: a line starting {@code System:}; 0.4: {@code Assistant:}, {@code ### Response:} and
 *       other role headings; 0.4: {@code <system>} or {@code </system>} (Maven's
 *       {@code <issueManagement><system>} is one of those, hence weak)</li>
 * </ul>
 * "User:" lines are not counted: pasted transcripts are full of them.
 */
final class RoleTags {
    private static final double SPECIAL_TOKEN = 0.85;
    private static final List<String> SPECIAL_TOKENS = List.of("<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|system|>", "<|user|>",
            "<|assistant|>", "<|endoftext|>", "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
            "<|end|>", "<<sys>>", "<</sys>>", "[inst]", "[/inst]", "<start_of_turn>", "<end_of_turn>");
    private static final Map<String, Double> XML_TAGS = Map.of("<system>", 0.4, "</system>", 0.4, "<system_prompt>", 0.6, "</system_prompt>", 0.6);
    private static final Map<String, Double> HEADINGS = Map.of("system", 0.7, "instruction", 0.7, "instructions", 0.7,
            "assistant", 0.4, "response", 0.4, "human", 0.4, "input", 0.3);
    private static final Map<String, Double> ROLE_LINES = Map.of("system", 0.45, "assistant", 0.4);
    private static final int MAX_INDENT = 8;

    private RoleTags() {}

    /** The signal weight, 0 when no marker was found. */
    static double scan(String folded) {
        Map<String, Double> found = new HashMap<>();
        // Markers start at '<' or '[' or at a line start: the scan goes from one of those to the next.
        int angle = next(folded, '<', 0), bracket = next(folded, '[', 0), line = 0;
        for (int i = 0; i < folded.length(); i = Math.min(line, Math.min(angle, bracket))) {
            if (i == angle || i == bracket) {
                for (String token : SPECIAL_TOKENS) if (folded.startsWith(token, i)) found.put(marker(token), SPECIAL_TOKEN);
                for (var tag : XML_TAGS.entrySet()) if (folded.startsWith(tag.getKey(), i)) found.put(marker(tag.getKey()), tag.getValue());
                if (i == angle) angle = next(folded, '<', i + 1);
                if (i == bracket) bracket = next(folded, '[', i + 1);
            }
            if (i == line) {
                lineMarker(folded, i, found);
                int newline = next(folded, '\n', i);
                line = newline == Integer.MAX_VALUE ? newline : newline + 1;
            }
        }
        return SignalWeights.noisyOr(found.values());
    }

    /** The index of {@code c} at or after {@code from}; MAX_VALUE when there is none. */
    private static int next(String s, char c, int from) {
        int at = s.indexOf(c, from);
        return at < 0 ? Integer.MAX_VALUE : at;
    }

    /** Opening and closing forms are one marker: {@code <system>…</system>} is one piece of evidence, not two. */
    private static String marker(String tag) {
        return tag.replace("/", "");
    }

    /** "### System:" or "System:" at the start of the line that begins at {@code at}. */
    private static void lineMarker(String folded, int at, Map<String, Double> found) {
        int i = skipBlanks(folded, at);
        int hashes = 0;
        while (i < folded.length() && folded.charAt(i) == '#' && hashes < 6) {
            i++;
            hashes++;
        }
        if (hashes > 0) i = skipBlanks(folded, i);
        int wordStart = i;
        while (i < folded.length() && i - wordStart <= 12 && isAsciiLetter(folded.charAt(i))) i++;
        String word = folded.substring(wordStart, i);
        i = skipBlanks(folded, i);
        if (i >= folded.length() || folded.charAt(i) != ':') return;
        Double w = hashes > 0 ? HEADINGS.get(word) : ROLE_LINES.get(word);
        if (w != null) found.put((hashes > 0 ? "### " : "") + word, w);
    }

    private static int skipBlanks(String s, int i) {
        int limit = Math.min(s.length(), i + MAX_INDENT);
        while (i < limit && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '*')) i++;
        return i;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z';
    }
}
