package dev.bastion.mcpguard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.guard.Guard;
import dev.bastion.guard.Inspection;
import dev.bastion.guard.Pseudonyms;
import dev.bastion.llm.PromptText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The string values of a JSON tree as guardrail segments, each named by its JSON pointer, and the tree with some of
 * them replaced. Object keys are not inspected: a tool's schema names them, the caller's data is in the values.
 */
final class JsonTexts {
    /** Deeper than this, a tree is not walked further (the transport step bounds the body; this bounds the recursion). */
    static final int MAX_DEPTH = 64;

    private JsonTexts() {}

    static List<PromptText.Segment> of(JsonNode node, String pointer, PromptText.Part part) {
        List<PromptText.Segment> out = new ArrayList<>();
        collect(node, pointer, part, out, 0);
        return out;
    }

    private static void collect(JsonNode node, String pointer, PromptText.Part part, List<PromptText.Segment> out, int depth) {
        if (node == null || depth > MAX_DEPTH) return;
        if (node.isTextual()) {
            if (!node.asText().isEmpty()) out.add(new PromptText.Segment(pointer, node.asText(), part));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), part, out, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) collect(node.get(i), pointer + "/" + i, part, out, depth + 1);
        }
    }

    /**
     * Rewrites, under {@code root}, every segment with a redaction among {@code found} ({@code [TYPE]}; a pseudonym too:
     * nothing is ever put back into tool traffic, so a placeholder would only hide that the value was removed).
     */
    static void redact(JsonNode root, List<PromptText.Segment> segments, List<Inspection.Found> found) {
        Pseudonyms names = new Pseudonyms();
        for (PromptText.Segment seg : segments) {
            List<Inspection.Found> here = new ArrayList<>(0);
            for (Inspection.Found f : found) {
                if (f.segment() != seg || (f.action() != Action.REDACT && f.action() != Action.PSEUDONYMIZE)) continue;
                here.add(f.action() == Action.REDACT ? f : new Inspection.Found(seg, f.finding(), Action.REDACT));
            }
            if (!here.isEmpty()) replace(root, "", seg.pointer(), Guard.rewrite(seg.text(), here, names));
        }
    }

    /** Sets the string at {@code pointer} (one {@link #of} produced under {@code root}, relative to {@code base}). */
    static void replace(JsonNode root, String base, String pointer, String text) {
        String rel = pointer.substring(base.length());
        int cut = rel.lastIndexOf('/');
        JsonNode parent = cut <= 0 ? root : root.at(rel.substring(0, cut));
        String last = rel.substring(cut + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode o) o.set(last, TextNode.valueOf(text));
        else if (parent instanceof ArrayNode a) a.set(Integer.parseInt(last), TextNode.valueOf(text));
    }
}
