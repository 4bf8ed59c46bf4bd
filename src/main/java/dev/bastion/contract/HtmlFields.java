package dev.bastion.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

/**
 * Sanitises the HTML of named fields of a JSON body with jsoup's allow-list cleaner ({@link Safelist#basic()}:
 * text formatting, lists, quotes, code and links — {@code http}, {@code https} and {@code mailto} only, given
 * {@code rel="nofollow"}; no scripts, event handlers, styles, frames, forms or images). A field is named by a
 * JSON pointer whose tokens may be {@code *}, every member or element at that level ({@code /comments/*\/body}).
 * A string that is already clean is left as it is; one that is not is replaced by its cleaned form, so stored
 * comments cannot carry a script to the next reader's browser (stored XSS). A pointer that finds nothing, or a
 * non-string, changes nothing. Pure; thread-safe.
 */
final class HtmlFields {
    private static final Safelist ALLOWED = Safelist.basic();
    // Output as the body had it: no pretty-printing, which would add newlines to every cleaned value.
    private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

    private final List<String[]> pointers;

    /** @param pointers JSON pointers, validated by the config ({@code /a/b}, {@code /items/*\/html}) */
    HtmlFields(List<String> pointers) {
        this.pointers = new ArrayList<>(pointers.size());
        for (String p : pointers) {
            String[] tokens = p.substring(1).split("/", -1);
            for (int i = 0; i < tokens.length; i++) tokens[i] = tokens[i].replace("~1", "/").replace("~0", "~");
            this.pointers.add(tokens);
        }
    }

    /** Cleans the named fields in place; returns the pointers of the values it changed (concrete: {@code /comments/0/body}). */
    List<String> sanitise(JsonNode body) {
        List<String> changed = new ArrayList<>();
        for (String[] tokens : pointers) visit(body, tokens, 0, new StringBuilder(), changed);
        return changed;
    }

    private static void visit(JsonNode node, String[] tokens, int i, StringBuilder at, List<String> changed) {
        String token = tokens[i];
        boolean last = i == tokens.length - 1;
        int len = at.length();
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            if (token.equals("*")) o.fieldNames().forEachRemaining(names::add);
            else if (o.has(token)) names.add(token);
            for (String name : names) {
                at.append('/').append(Pointers.escape(name));
                JsonNode child = o.get(name);
                if (last) {
                    if (child.isTextual()) {
                        String clean = clean(child.textValue());
                        if (!clean.equals(child.textValue())) {
                            o.put(name, clean);
                            changed.add(at.toString());
                        }
                    }
                } else {
                    visit(child, tokens, i + 1, at, changed);
                }
                at.setLength(len);
            }
        } else if (node instanceof ArrayNode a) {
            for (int k = 0; k < a.size(); k++) {
                if (!token.equals("*") && !token.equals(Integer.toString(k))) continue;
                at.append('/').append(k);
                JsonNode child = a.get(k);
                if (last) {
                    if (child.isTextual()) {
                        String clean = clean(child.textValue());
                        if (!clean.equals(child.textValue())) {
                            a.set(k, a.textNode(clean));
                            changed.add(at.toString());
                        }
                    }
                } else {
                    visit(child, tokens, i + 1, at, changed);
                }
                at.setLength(len);
            }
        }
    }

    static String clean(String html) {
        // Already clean is left alone: re-serialising would escape the '&' of "R&D" in every clean comment.
        if (Jsoup.isValid(html, ALLOWED)) return html;
        return Jsoup.clean(html, "", ALLOWED, OUTPUT);
    }
}
