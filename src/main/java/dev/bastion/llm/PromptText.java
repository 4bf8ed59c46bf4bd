package dev.bastion.llm;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bastion.config.RouteConfig.LlmApi;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The text of an OpenAI-compatible request that leaves for the provider. First what the model reads:
 * message contents (strings, {@code text} and {@code refusal} parts of content arrays), tool results, the
 * arguments of tool and function calls the conversation carries, the descriptions in tool and function
 * definitions and in a {@code response_format} schema, a predicted output, completion prompts and
 * suffixes, embedding inputs. Then, as {@link Part#FIELD}, every other string value the provider receives
 * (message names, {@code user}, {@code metadata}, stop sequences, schema enums…): the provider keeps and logs
 * those too, so personal data and credentials are looked for there as well — deny by default, so a field
 * added to the API tomorrow is covered today. Only values under {@link #NOT_TEXT} keys are left out: ids,
 * enumerations, model names, and binary or URL payloads (image URLs have their own check). JSON keys are
 * never text. Each piece is addressed by its JSON pointer, so it can be replaced in place.
 */
public final class PromptText {
    private PromptText() {}

    /**
     * Whose text it is: the application's own instructions (system and developer messages), the
     * conversation's prompt (user and assistant messages, tool definitions), or third-party content the
     * conversation carries — a tool's result or an attached document — which the model reads as data but
     * an attacker can write.
     */
    public enum Part {
        /** The application's own instructions: {@code system} and {@code developer} messages. */
        INSTRUCTIONS("instructions"),
        PROMPT("prompt"), TOOL_RESULT("tool_result"), DOCUMENT("document"),
        /**
         * Any other string the provider receives: scanned for personal data and credentials, not scored for
         * injection (a name or a metadata value is no instruction), and still inspected by the WAF.
         */
        FIELD("field");

        private final String id;

        Part(String id) {
            this.id = id;
        }

        /** The stable name decision records use. */
        public String id() {
            return id;
        }

        /** Text an attacker can write without being the caller: a tool's result or a document. */
        public boolean thirdParty() {
            return this == TOOL_RESULT || this == DOCUMENT;
        }
    }

    /**
     * @param pointer where the text is in the body (RFC 6901)
     * @param part    whose text it is
     */
    public record Segment(String pointer, String text, Part part) {
        public Segment(String pointer, String text) {
            this(pointer, text, Part.PROMPT);
        }
    }

    /**
     * Values under these keys are not text anyone reads: identifiers, enumerations, and payloads that are
     * binary or URLs (base64 audio and files, image URLs — often megabytes of {@code data:} — which the
     * media-URL check reads). Wherever they sit in the body.
     */
    static final Set<String> NOT_TEXT = Set.of("model", "role", "type", "id", "tool_call_id", "tool_use_id", "call_id", "object", "detail",
            "format", "media_type", "voice", "reasoning_effort", "service_tier", "verbosity", "encoding_format", "url", "data", "file_data",
            "file_id", "signature");

    public static List<Segment> of(LlmApi api, JsonNode body) {
        List<Segment> out = new ArrayList<>();
        if (body == null || !body.isObject()) return out;
        switch (api.normalised()) { // a front door's body is the normalised one by now
            case CHAT -> {
                JsonNode messages = body.get("messages");
                if (messages != null && messages.isArray()) {
                    for (int i = 0; i < messages.size(); i++) message(messages.get(i), "/messages/" + i, out);
                }
                definitions(body.get("tools"), "/tools", out);
                definitions(body.get("functions"), "/functions", out);
                descriptions(body.path("response_format").path("json_schema"), "/response_format/json_schema", out, 0);
                content(body.path("prediction").get("content"), "/prediction/content", Part.PROMPT, out, 0);
            }
            case COMPLETIONS -> {
                strings(body.get("prompt"), "/prompt", out);
                strings(body.get("suffix"), "/suffix", out);
            }
            case EMBEDDINGS -> strings(body.get("input"), "/input", out);
            case RESPONSES -> {
                JsonNode instructions = body.get("instructions");
                if (instructions != null && instructions.isTextual()) out.add(new Segment("/instructions", instructions.asText(), Part.INSTRUCTIONS));
                else if (instructions != null && instructions.isArray()) { // items, as in input (a message keeps its role's part)
                    for (int i = 0; i < instructions.size(); i++) item(instructions.get(i), "/instructions/" + i, out);
                }
                JsonNode input = body.get("input");
                if (input != null && input.isTextual()) out.add(new Segment("/input", input.asText(), Part.PROMPT));
                else if (input != null && input.isArray()) for (int i = 0; i < input.size(); i++) item(input.get(i), "/input/" + i, out);
                definitions(body.get("tools"), "/tools", out);
                descriptions(body.path("text").path("format"), "/text/format", out, 0);
                // A stored prompt's variables are substituted into its text: the model reads them as the prompt.
                body.path("prompt").path("variables").properties().forEach(v -> {
                    String at = "/prompt/variables/" + escape(v.getKey());
                    if (v.getValue().isTextual()) out.add(new Segment(at, v.getValue().asText(), Part.PROMPT));
                    else if (v.getValue().path("text").isTextual()) out.add(new Segment(at + "/text", v.getValue().get("text").asText(), Part.PROMPT));
                });
            }
        }
        Set<String> read = new HashSet<>(out.size() * 2);
        for (Segment seg : out) read.add(seg.pointer());
        fields(body, new StringBuilder(64), read, out, 0, false);
        return out;
    }

    /**
     * Every string value not already read as text, except strings under {@link #NOT_TEXT} keys: {@link Part#FIELD}s.
     * A key names what its value is only where the API chose the key: inside a {@code metadata} map the client
     * chose them ({@code "data"}, {@code "url"} there are anyone's notes), so nothing under it is left out; nor is an
     * object or array under such a key. The pointer is built in one buffer and made a string only at a string value
     * (this runs on every request). What nests deeper than {@link #MAX_DEPTH} is one field, its JSON text whole:
     * scanned, never skipped.
     */
    private static void fields(JsonNode node, StringBuilder at, Set<String> read, List<Segment> out, int depth, boolean clientKeys) {
        if (depth > MAX_DEPTH) {
            if (node.isContainerNode()) out.add(new Segment(at.toString(), node.toString(), Part.FIELD));
            return;
        }
        int mark = at.length();
        if (node.isTextual()) {
            if (node.asText().isEmpty()) return;
            String pointer = at.toString();
            if (!read.contains(pointer)) out.add(new Segment(pointer, node.asText(), Part.FIELD));
        } else if (node.isObject()) {
            for (var e : node.properties()) {
                JsonNode v = e.getValue();
                String key = e.getKey();
                if (v.isTextual() ? !clientKeys && NOT_TEXT.contains(key) : !v.isContainerNode()) continue;
                fields(v, at.append('/').append(escape(key)), read, out, depth + 1, clientKeys || key.equals("metadata"));
                at.setLength(mark);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode v = node.get(i);
                if (!v.isContainerNode() && !v.isTextual()) continue;
                fields(v, at.append('/').append(i), read, out, depth + 1, clientKeys);
                at.setLength(mark);
            }
        }
    }

    /** Schemas nest; a hostile body must not make a walk recurse without end (the body's size bounds the rest). */
    private static final int MAX_DEPTH = 64;

    /** Replaces the text at {@code pointer} (one {@link #of} returned) with {@code text}. */
    public static void replace(JsonNode body, String pointer, String text) {
        JsonPointer p = JsonPointer.compile(pointer);
        JsonNode parent = body.at(p.head());
        String last = p.last().getMatchingProperty();
        if (parent instanceof ObjectNode o) o.set(last, TextNode.valueOf(text));
        else if (parent instanceof ArrayNode a) a.set(p.last().getMatchingIndex(), TextNode.valueOf(text));
        else throw new IllegalArgumentException("no text at " + pointer);
    }

    /**
     * One message. A {@code tool} or {@code function} message is a tool's result; in content arrays,
     * {@code tool_result} blocks (their string content or text parts) and text {@code document} blocks
     * (the Anthropic shapes, which OpenAI-compatible servers increasingly accept too) are third-party text
     * wherever they sit.
     */
    static void message(JsonNode m, String at, List<Segment> out) {
        if (m == null || !m.isObject()) return;
        String role = m.path("role").asText("");
        Part whose = switch (role) {
            case "tool", "function" -> Part.TOOL_RESULT;
            case "system", "developer" -> Part.INSTRUCTIONS;
            default -> Part.PROMPT;
        };
        content(m.get("content"), at + "/content", whose, out, 0);
        text(m.get("refusal"), at + "/refusal", out);
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int k = 0; k < calls.size(); k++) text(calls.get(k).path("function").get("arguments"), at + "/tool_calls/" + k + "/function/arguments", out);
        }
        JsonNode call = m.get("function_call");
        if (call != null) text(call.get("arguments"), at + "/function_call/arguments", out);
    }

    /**
     * One item of a Responses API {@code input}: a message (as a chat message: a {@code system} or {@code developer} role
     * is the application's instructions); a tool's output — a function's, a custom tool's, a remote MCP server's, a
     * file search's results — which is third-party text; a call the model made earlier (its arguments, the prompt's).
     * A remote MCP server's listed tools are third-party text too: their descriptions are what poisons a model.
     */
    static void item(JsonNode item, String at, List<Segment> out) {
        if (item == null || !item.isObject()) return;
        switch (item.path("type").asText(item.has("role") ? "message" : "")) {
            case "message" -> message(item, at, out);
            case "function_call_output", "custom_tool_call_output", "local_shell_call_output" ->
                    content(item.get("output"), at + "/output", Part.TOOL_RESULT, out, 0);
            case "function_call" -> text(item.get("arguments"), at + "/arguments", out);
            case "custom_tool_call" -> text(item.get("input"), at + "/input", out);
            case "mcp_call" -> {
                text(item.get("arguments"), at + "/arguments", out);
                content(item.get("output"), at + "/output", Part.TOOL_RESULT, out, 0);
            }
            case "mcp_list_tools" -> {
                JsonNode tools = item.path("tools");
                for (int k = 0; k < tools.size(); k++) {
                    JsonNode d = tools.get(k).get("description");
                    if (d != null && d.isTextual()) out.add(new Segment(at + "/tools/" + k + "/description", d.asText(), Part.TOOL_RESULT));
                }
            }
            case "file_search_call" -> {
                JsonNode results = item.path("results");
                for (int k = 0; k < results.size(); k++) {
                    JsonNode t = results.get(k).get("text");
                    if (t != null && t.isTextual()) out.add(new Segment(at + "/results/" + k + "/text", t.asText(), Part.DOCUMENT));
                }
            }
            default -> { } // reasoning summaries, search queries, references: fields, read by the walk below
        }
    }

    private static void content(JsonNode content, String at, Part whose, List<Segment> out, int depth) {
        if (content == null) return;
        if (content.isTextual()) {
            out.add(new Segment(at, content.asText(), whose));
            return;
        }
        if (!content.isArray() || depth > 2) return; // a tool result's content nests once; deeper is not a known shape
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String here = at + "/" + j;
            String type = part.path("type").asText("");
            if (part.isTextual()) out.add(new Segment(here, part.asText(), whose));
            else if (type.equals("tool_result")) content(part.get("content"), here + "/content", Part.TOOL_RESULT, out, depth + 1);
            else if (type.equals("document") && part.path("source").path("data").isTextual() && part.path("source").path("type").asText("").equals("text")) {
                out.add(new Segment(here + "/source/data", part.get("source").get("data").asText(), Part.DOCUMENT));
            } else if (part.path("text").isTextual()) out.add(new Segment(here + "/text", part.get("text").asText(), whose));
            else if (type.equals("refusal") && part.path("refusal").isTextual()) out.add(new Segment(here + "/refusal", part.get("refusal").asText(), whose));
        }
    }

    /** Tool and function definitions: every {@code description} in them, nested parameter schemas included. */
    private static void definitions(JsonNode defs, String at, List<Segment> out) {
        if (defs == null || !defs.isArray()) return;
        for (int i = 0; i < defs.size(); i++) descriptions(defs.get(i), at + "/" + i, out, 0);
    }

    private static void descriptions(JsonNode node, String at, List<Segment> out, int depth) {
        if (depth > MAX_DEPTH) return;
        if (node.isObject()) {
            node.properties().forEach(e -> {
                String child = at + "/" + escape(e.getKey());
                if (e.getKey().equals("description") && e.getValue().isTextual()) out.add(new Segment(child, e.getValue().asText()));
                else descriptions(e.getValue(), child, out, depth + 1);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) descriptions(node.get(i), at + "/" + i, out, depth + 1);
        }
    }

    /** A string, or an array of strings (arrays of token ids are not text). */
    private static void strings(JsonNode node, String at, List<Segment> out) {
        if (node == null) return;
        if (node.isTextual()) out.add(new Segment(at, node.asText()));
        else if (node.isArray()) for (int i = 0; i < node.size(); i++) text(node.get(i), at + "/" + i, out);
    }

    private static void text(JsonNode node, String at, List<Segment> out) {
        if (node != null && node.isTextual()) out.add(new Segment(at, node.asText()));
    }

    private static String escape(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }
}
