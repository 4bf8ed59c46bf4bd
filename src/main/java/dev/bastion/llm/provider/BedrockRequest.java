package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.OpenAiParts.assistantTexts;
import static dev.bastion.llm.provider.OpenAiParts.dataUrl;
import static dev.bastion.llm.provider.OpenAiParts.maxTokens;
import static dev.bastion.llm.provider.OpenAiParts.present;
import static dev.bastion.llm.provider.OpenAiParts.stopSequences;
import static dev.bastion.llm.provider.AnthropicRequest.JSON;
import static dev.bastion.llm.provider.AnthropicRequest.shown;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request as a Bedrock Converse request: what {@link BedrockChatProvider} documents. Every
 * field is translated, on the documented list of dropped fields, or refused.
 */
final class BedrockRequest {
    private static final String API = "Bedrock's Converse API"; // how refusals name the target
    /** Fields that change nothing the model says, or (the penalties) little; and an end-user id Converse has no place for. */
    static final Set<String> DROPPED = Set.of("stream", "stream_options", "seed", "presence_penalty", "frequency_penalty", "store", "metadata",
            "prediction", "service_tier", "prompt_cache_key", "user", "safety_identifier");
    /** Converse's image formats, by the data URL's media type. */
    private static final Map<String, String> IMAGE_FORMATS = Map.of("image/png", "png", "image/jpeg", "jpeg", "image/gif", "gif", "image/webp", "webp");
    private static final Map<String, Set<String>> MESSAGE_KEYS = Map.of(
            "system", Set.of("role", "content", "name"),
            "developer", Set.of("role", "content", "name"),
            "user", Set.of("role", "content", "name"),
            "assistant", Set.of("role", "content", "name", "tool_calls", "refusal"),
            "tool", Set.of("role", "content", "tool_call_id"));

    private BedrockRequest() {}

    private static final class Turn {
        final String role;
        final ArrayNode blocks = JSON.createArrayNode();

        Turn(String role) {
            this.role = role;
        }
    }

    static ObjectNode translate(ObjectNode in) {
        for (var e : in.properties()) {
            if (e.getValue().isNull()) continue; // an explicit null is an absent field in OpenAI's API
            check(e.getKey(), e.getValue());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode system = JSON.createArrayNode();
        boolean[] toolBlocks = {false};
        List<Turn> turns = messages(in.get("messages"), system, toolBlocks);
        ArrayNode messages = out.putArray("messages");
        for (Turn t : turns) messages.addObject().put("role", t.role).set("content", t.blocks);
        if (!system.isEmpty()) out.set("system", system);
        ObjectNode inference = JSON.createObjectNode();
        Integer max = maxTokens(in);
        if (max != null) inference.put("maxTokens", max);
        JsonNode temperature = present(in, "temperature");
        if (temperature != null) {
            if (!temperature.isNumber()) throw new UntranslatableRequest("'temperature' must be a number.");
            // OpenAI's range is 0 to 2; the models behind Converse take 0 to 1: rescaling would change what was asked.
            if (temperature.asDouble() > 1) throw new UntranslatableRequest("'temperature' above 1 has no equivalent: Bedrock's models accept 0 to 1.");
            inference.set("temperature", temperature);
        }
        JsonNode topP = present(in, "top_p");
        if (topP != null) {
            if (!topP.isNumber()) throw new UntranslatableRequest("'top_p' must be a number.");
            inference.set("topP", topP);
        }
        ArrayNode stops = stopSequences(present(in, "stop"));
        if (stops != null && !stops.isEmpty()) inference.set("stopSequences", stops);
        if (!inference.isEmpty()) out.set("inferenceConfig", inference);
        tools(in, out, toolBlocks[0]);
        return out;
    }

    private static void check(String field, JsonNode v) {
        switch (field) {
            case "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "tools", "tool_choice",
                 "parallel_tool_calls" -> {}
            case "n" -> {
                if (!v.canConvertToInt() || v.asInt() != 1) {
                    throw new UntranslatableRequest("'n' other than 1 asks for several answers at once; Bedrock's Converse API gives one.");
                }
            }
            case "logprobs" -> {
                if (v.asBoolean(true)) throw new UntranslatableRequest("'logprobs' has no equivalent: Bedrock's Converse API reports no token probabilities.");
            }
            case "top_logprobs" -> {
                if (!v.canConvertToInt() || v.asInt() != 0) {
                    throw new UntranslatableRequest("'top_logprobs' has no equivalent: Bedrock's Converse API reports no token probabilities.");
                }
            }
            case "response_format" -> {
                String type = v.path("type").asText("");
                if (type.equals("text")) return;
                throw new UntranslatableRequest("'response_format' of type '" + shown(type) + "' has no equivalent in Bedrock's Converse API.");
            }
            case "modalities" -> {
                if (!(v.isArray() && v.size() == 1 && "text".equals(v.get(0).asText()))) {
                    throw new UntranslatableRequest("'modalities' other than [\"text\"] has no equivalent: Converse answers in text.");
                }
            }
            case "audio" -> throw new UntranslatableRequest("'audio' has no equivalent: Converse answers in text.");
            case "functions", "function_call" -> throw new UntranslatableRequest("'" + shown(field) + "' (the legacy function calling) is not translated; use 'tools' and 'tool_choice'.");
            default -> {
                if (!DROPPED.contains(field)) throw new UntranslatableRequest("'" + shown(field) + "' has no equivalent in Bedrock's Converse API.");
            }
        }
    }

    private static List<Turn> messages(JsonNode messages, ArrayNode system, boolean[] toolBlocks) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) throw new UntranslatableRequest("'messages' must be a non-empty array.");
        List<Turn> turns = new ArrayList<>();
        int[] documents = {0};
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) throw new UntranslatableRequest("'" + at + "' must be an object.");
            String role = m.path("role").asText("");
            Set<String> keys = MESSAGE_KEYS.get(role);
            if (keys == null) throw new UntranslatableRequest("'" + at + ".role' " + (role.equals("function")
                    ? "'function' (the legacy function calling) is not translated; use tools." : "must be system, developer, user, assistant or tool."));
            for (var e : m.properties()) {
                if (!e.getValue().isNull() && !keys.contains(e.getKey())) {
                    throw new UntranslatableRequest("'" + at + "." + shown(e.getKey()) + "' has no equivalent in Bedrock's Converse API.");
                }
            }
            if (role.equals("system") || role.equals("developer")) {
                // Converse keeps system prompts apart from the conversation: every instruction goes there, in order.
                String text = text(m.get("content"), at);
                if (!text.isEmpty()) system.addObject().put("text", text);
                continue;
            }
            ArrayNode blocks = switch (role) {
                case "user" -> user(m.get("content"), at, documents);
                case "assistant" -> assistant(m, at);
                default -> toolResult(m, at);
            };
            if (role.equals("tool") || (role.equals("assistant") && m.path("tool_calls").isArray() && !m.get("tool_calls").isEmpty())) toolBlocks[0] = true;
            if (blocks.isEmpty() && role.equals("assistant")) continue; // said nothing: its neighbours meet as one turn
            String converseRole = role.equals("assistant") ? "assistant" : "user";
            // Converse requires the roles to alternate: same-role neighbours become one turn, blocks in order.
            if (turns.isEmpty() || !turns.getLast().role.equals(converseRole)) turns.add(new Turn(converseRole));
            turns.getLast().blocks.addAll(blocks);
        }
        if (turns.isEmpty()) throw new UntranslatableRequest("'messages' has no user or assistant message; Bedrock's Converse API needs one.");
        return turns;
    }

    /** Text content: a string, or an array of text parts (joined, as OpenAI reads them). */
    private static String text(JsonNode content, String at) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw new UntranslatableRequest("'" + at + ".content' must be a string or an array of parts.");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw new UntranslatableRequest("'" + at + ".content[" + i + "]' must be a text part here.");
            }
            onlyKeys(part, at + ".content[" + i + "]", "type", "text");
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    private static ArrayNode user(JsonNode content, String at, int[] documents) {
        ArrayNode blocks = JSON.createArrayNode();
        if (content != null && content.isTextual()) {
            blocks.addObject().put("text", content.asText());
            return blocks;
        }
        if (content == null || !content.isArray()) throw new UntranslatableRequest("'" + at + ".content' must be a string or an array of parts.");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String where = at + ".content[" + i + "]";
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    onlyKeys(part, where, "type", "text");
                    if (!part.path("text").isTextual()) throw new UntranslatableRequest("'" + where + ".text' must be a string.");
                    blocks.addObject().put("text", part.get("text").asText());
                }
                case "image_url" -> {
                    onlyKeys(part, where, "type", "image_url");
                    blocks.add(image(part.get("image_url"), where));
                }
                case "file" -> {
                    onlyKeys(part, where, "type", "file");
                    blocks.add(document(part.get("file"), where, ++documents[0]));
                }
                case "input_audio" -> throw new UntranslatableRequest("'" + where + "' is audio, which Bedrock's Converse API does not take.");
                default -> throw new UntranslatableRequest("'" + where + "' of type '" + shown(type) + "' has no equivalent in Bedrock's Converse API.");
            }
        }
        return blocks;
    }

    /**
     * An image by data URL, sent as bytes. Converse takes no image by URL but S3 locations, and Bastion never
     * fetches one for a client: an http(s) URL is refused. OpenAI's {@code detail} has no equivalent; dropped.
     */
    private static ObjectNode image(JsonNode imageUrl, String at) {
        JsonNode urlNode = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
        if (urlNode == null || !urlNode.isTextual()) throw new UntranslatableRequest("'" + at + ".image_url.url' must be a string.");
        if (imageUrl.isObject()) onlyKeys(imageUrl, at + ".image_url", "url", "detail");
        String url = urlNode.asText();
        if (!url.regionMatches(true, 0, "data:", 0, 5)) {
            throw new UntranslatableRequest("'" + at + "' is an image by URL; Bedrock's Converse API takes images inline only (a base64 data: URL).");
        }
        String[] d = dataUrl(url, at);
        String format = IMAGE_FORMATS.get(d[0]);
        if (format == null) throw new UntranslatableRequest("'" + at + "' is a " + shown(d[0]) + " image; Converse takes PNG, JPEG, GIF and WebP.");
        ObjectNode block = JSON.createObjectNode();
        block.putObject("image").put("format", format).putObject("source").put("bytes", d[1]);
        return block;
    }

    /** A PDF given inline becomes a document block; Converse requires a name (letters, digits, spaces, hyphens, brackets). */
    private static ObjectNode document(JsonNode file, String at, int n) {
        if (file == null || !file.isObject()) throw new UntranslatableRequest("'" + at + ".file' must be an object.");
        JsonNode data = file.get("file_data");
        if (data == null || !data.isTextual()) {
            throw new UntranslatableRequest("'" + at + ".file' must carry 'file_data'; OpenAI file ids have no equivalent at Bedrock.");
        }
        onlyKeys(file, at + ".file", "file_data", "filename");
        String[] d = dataUrl(data.asText(), at);
        if (!d[0].equals("application/pdf")) throw new UntranslatableRequest("'" + at + "' is " + shown(d[0]) + "; Converse takes PDF documents here.");
        ObjectNode block = JSON.createObjectNode();
        block.putObject("document").put("format", "pdf").put("name", documentName(file.path("filename").asText(""), n))
                .putObject("source").put("bytes", d[1]);
        return block;
    }

    /** The file name as Converse allows one (other characters become spaces, no runs of them), else "document N". */
    static String documentName(String filename, int n) {
        String base = filename.endsWith(".pdf") || filename.endsWith(".PDF") ? filename.substring(0, filename.length() - 4) : filename;
        String name = base.replaceAll("[^A-Za-z0-9\\-()\\[\\] ]", " ").replaceAll("\\s+", " ").trim();
        if (name.length() > 200) name = name.substring(0, 200).trim();
        return name.isEmpty() ? "document " + n : name;
    }

    private static ArrayNode assistant(JsonNode m, String at) {
        ArrayNode blocks = JSON.createArrayNode();
        // Converse refuses blank text blocks; clients send "" beside tool calls.
        assistantTexts(m, at, API, t -> blocks.addObject().put("text", t));
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) throw new UntranslatableRequest("'" + at + ".tool_calls' must be an array.");
            for (int i = 0; i < calls.size(); i++) blocks.add(toolUse(calls.get(i), at + ".tool_calls[" + i + "]"));
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String at) {
        if (!"function".equals(call.path("type").asText("function"))) {
            throw new UntranslatableRequest("'" + at + "' of type '" + shown(call.path("type").asText()) + "' has no equivalent in Bedrock's Converse API.");
        }
        JsonNode id = call.get("id");
        JsonNode name = call.path("function").get("name");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
            throw new UntranslatableRequest("'" + at + "' must have an 'id' and a 'function.name'.");
        }
        JsonNode args = call.path("function").get("arguments");
        JsonNode input;
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) {
            input = JSON.createObjectNode();
        } else {
            try {
                input = args.isTextual() ? JSON.readTree(args.asText()) : null;
            } catch (JacksonException e) {
                input = null;
            }
            if (input == null || !input.isObject()) {
                throw new UntranslatableRequest("'" + at + ".function.arguments' must be a JSON object in a string; Converse takes tool input as an object.");
            }
        }
        ObjectNode block = JSON.createObjectNode();
        ObjectNode use = block.putObject("toolUse").put("toolUseId", id.asText()).put("name", name.asText());
        use.set("input", input);
        return block;
    }

    private static ArrayNode toolResult(JsonNode m, String at) {
        JsonNode id = m.get("tool_call_id");
        if (id == null || !id.isTextual()) throw new UntranslatableRequest("'" + at + ".tool_call_id' must be a string.");
        ArrayNode blocks = JSON.createArrayNode();
        ObjectNode result = blocks.addObject().putObject("toolResult").put("toolUseId", id.asText());
        ArrayNode parts = result.putArray("content");
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            text(content, at); // text parts only
            for (JsonNode part : content) parts.addObject().put("text", part.get("text").asText());
        } else {
            parts.addObject().put("text", text(content, at));
        }
        return blocks;
    }

    private static void onlyKeys(JsonNode node, String at, String... keys) {
        OpenAiParts.onlyKeys(node, at, API, keys);
    }

    /**
     * Tools as {@code toolConfig}. Converse has no "none": without tool blocks in the conversation the tools
     * are left out (the model cannot call what it was not given); with them Converse requires the tools, and
     * "none" cannot be said — refused rather than letting the model call one.
     */
    private static void tools(ObjectNode in, ObjectNode out, boolean toolBlocks) {
        JsonNode tools = OpenAiParts.tools(in);
        JsonNode choice = present(in, "tool_choice");
        if (tools == null) {
            if (toolBlocks) throw new UntranslatableRequest("'messages' holds tool calls but 'tools' is empty; Converse needs the tools then.");
            return;
        }
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) {
                throw new UntranslatableRequest("'" + at + "' of type '" + shown(t.path("type").asText()) + "' has no equivalent; only function tools are translated.");
            }
            onlyKeys(t, at, "type", "function");
            JsonNode f = t.path("function");
            onlyKeys(f, at + ".function", "name", "description", "parameters", "strict");
            if (!f.path("name").isTextual()) throw new UntranslatableRequest("'" + at + ".function.name' must be a string.");
            if (f.path("strict").asBoolean(false)) throw new UntranslatableRequest("'" + at + ".function.strict' has no equivalent in Bedrock's Converse API.");
            ObjectNode spec = list.addObject().putObject("toolSpec").put("name", f.get("name").asText());
            if (f.path("description").isTextual()) spec.put("description", f.get("description").asText());
            JsonNode params = f.get("parameters");
            ObjectNode schema = spec.putObject("inputSchema");
            if (params == null || params.isNull()) schema.putObject("json").put("type", "object").putObject("properties");
            else if (params.isObject()) schema.set("json", params);
            else throw new UntranslatableRequest("'" + at + ".function.parameters' must be a JSON schema object.");
        }
        JsonNode parallel = present(in, "parallel_tool_calls");
        if (parallel != null && !parallel.asBoolean(true)) {
            throw new UntranslatableRequest("'parallel_tool_calls' false has no equivalent in Bedrock's Converse API.");
        }
        if (choice != null && choice.isTextual() && choice.asText().equals("none")) {
            if (toolBlocks) throw new UntranslatableRequest("'tool_choice' none has no equivalent in Bedrock's Converse API once the conversation holds tool calls.");
            return;
        }
        ObjectNode config = out.putObject("toolConfig");
        config.set("tools", list);
        ObjectNode tc = toolChoice(choice);
        if (tc != null) config.set("toolChoice", tc);
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null) return null;
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> objectWith("auto", JSON.createObjectNode());
                case "required" -> objectWith("any", JSON.createObjectNode());
                default -> throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
            };
        }
        if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("function").path("name").isTextual()) {
            return objectWith("tool", JSON.createObjectNode().put("name", choice.get("function").get("name").asText()));
        }
        throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
    }

    private static ObjectNode objectWith(String key, JsonNode value) {
        ObjectNode o = JSON.createObjectNode();
        o.set(key, value);
        return o;
    }
}
