package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.OpenAiParts.assistantTexts;
import static dev.bastion.llm.provider.OpenAiParts.maxTokens;
import static dev.bastion.llm.provider.OpenAiParts.present;
import static dev.bastion.llm.provider.OpenAiParts.stopSequences;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request as an Anthropic Messages request: what {@link AnthropicChatProvider} documents.
 * Every field is either translated, on the documented list of dropped fields, or refused — so a request
 * never silently loses something that would change the answer.
 */
final class AnthropicRequest {
    private static final String API = "Anthropic's Messages API"; // how refusals name the target
    static final ObjectMapper JSON = new ObjectMapper();
    /** Anthropic requires {@code max_tokens}; OpenAI lets the model run to its limit. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** Fields that change nothing the model says, or (the penalties) little: dropped, as the provider documents. */
    static final Set<String> DROPPED = Set.of("stream_options", "seed", "presence_penalty", "frequency_penalty", "store", "metadata",
            "prediction", "service_tier", "prompt_cache_key");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final Map<String, Set<String>> MESSAGE_KEYS = Map.of(
            "system", Set.of("role", "content", "name"),
            "developer", Set.of("role", "content", "name"),
            "user", Set.of("role", "content", "name"),
            "assistant", Set.of("role", "content", "name", "tool_calls", "refusal"),
            "tool", Set.of("role", "content", "tool_call_id"));

    private AnthropicRequest() {}

    /** One Anthropic turn in the making: consecutive OpenAI messages of one role become one. */
    private static final class Turn {
        final String role;
        final ArrayNode blocks = JSON.createArrayNode();
        /** Made of one message whose content was a plain string: sent as a string, as the client wrote it. */
        boolean plain;

        Turn(String role) {
            this.role = role;
        }
    }

    /** One OpenAI message's content as Anthropic blocks; {@code plain} when it was a single string. */
    private record Blocks(ArrayNode blocks, boolean plain) {}

    static ObjectNode translate(ObjectNode in, String model) {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", model);
        for (var e : in.properties()) {
            if (e.getValue().isNull()) continue; // an explicit null is an absent field in OpenAI's API
            check(e.getKey(), e.getValue());
        }
        List<String> system = new ArrayList<>();
        List<Turn> turns = messages(in.get("messages"), system);
        if (!system.isEmpty()) out.put("system", String.join("\n\n", system));
        ArrayNode messages = out.putArray("messages");
        for (Turn t : turns) {
            ObjectNode m = messages.addObject().put("role", t.role);
            if (t.plain) m.put("content", t.blocks.get(0).get("text").asText());
            else m.set("content", t.blocks);
        }
        Integer maxTokens = maxTokens(in);
        out.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens); // required by Anthropic
        JsonNode temperature = present(in, "temperature");
        if (temperature != null) {
            if (!temperature.isNumber()) throw new UntranslatableRequest("'temperature' must be a number.");
            // OpenAI's range is 0 to 2, Anthropic's 0 to 1: rescaling would change what the client asked for.
            if (temperature.asDouble() > 1) throw new UntranslatableRequest("'temperature' above 1 has no equivalent: Anthropic's models accept 0 to 1.");
            out.set("temperature", temperature);
        }
        JsonNode topP = present(in, "top_p");
        if (topP != null) {
            if (!topP.isNumber()) throw new UntranslatableRequest("'top_p' must be a number.");
            out.set("top_p", topP);
        }
        ArrayNode stops = stopSequences(present(in, "stop"));
        if (stops != null && !stops.isEmpty()) out.set("stop_sequences", stops);
        JsonNode stream = present(in, "stream");
        if (stream != null) {
            if (!stream.isBoolean()) throw new UntranslatableRequest("'stream' must be true or false.");
            out.put("stream", stream.asBoolean());
        }
        JsonNode user = present(in, "safety_identifier");
        if (user == null) user = present(in, "user");
        if (user != null) {
            if (!user.isTextual()) throw new UntranslatableRequest("'user' must be a string.");
            out.putObject("metadata").put("user_id", user.asText());
        }
        tools(in, out);
        return out;
    }

    /** Refuses what has no equivalent; the fields translated afterwards pass. */
    private static void check(String field, JsonNode v) {
        switch (field) {
            case "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream", "user",
                 "safety_identifier", "tools", "tool_choice", "parallel_tool_calls" -> {}
            case "n" -> {
                if (!v.canConvertToInt() || v.asInt() != 1) {
                    throw new UntranslatableRequest("'n' other than 1 asks for several answers at once; Anthropic's Messages API gives one.");
                }
            }
            case "logprobs" -> {
                if (v.asBoolean(true)) throw new UntranslatableRequest("'logprobs' has no equivalent: Anthropic's Messages API reports no token probabilities.");
            }
            case "top_logprobs" -> {
                if (!v.canConvertToInt() || v.asInt() != 0) {
                    throw new UntranslatableRequest("'top_logprobs' has no equivalent: Anthropic's Messages API reports no token probabilities.");
                }
            }
            case "response_format" -> {
                String type = v.path("type").asText("");
                if (type.equals("text")) return;
                // Anthropic has no JSON mode; asking for JSON in the prompt would rewrite the client's conversation.
                if (type.equals("json_object")) throw new UntranslatableRequest("'response_format' json_object has no equivalent in Anthropic's Messages API.");
                if (type.equals("json_schema")) throw new UntranslatableRequest("'response_format' json_schema has no equivalent in Anthropic's Messages API.");
                throw new UntranslatableRequest("'response_format' of type '" + shown(type) + "' has no equivalent in Anthropic's Messages API.");
            }
            case "modalities" -> {
                if (!(v.isArray() && v.size() == 1 && "text".equals(v.get(0).asText()))) {
                    throw new UntranslatableRequest("'modalities' other than [\"text\"] has no equivalent: Anthropic's models answer in text only.");
                }
            }
            case "audio" -> throw new UntranslatableRequest("'audio' has no equivalent: Anthropic's models answer in text only.");
            case "functions", "function_call" -> throw new UntranslatableRequest("'" + shown(field) + "' (the legacy function calling) is not translated; use 'tools' and 'tool_choice'.");
            default -> {
                if (!DROPPED.contains(field)) throw new UntranslatableRequest("'" + shown(field) + "' has no equivalent in Anthropic's Messages API.");
            }
        }
    }

    private static List<Turn> messages(JsonNode messages, List<String> system) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) throw new UntranslatableRequest("'messages' must be a non-empty array.");
        List<Turn> turns = new ArrayList<>();
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
                    throw new UntranslatableRequest("'" + at + "." + shown(e.getKey()) + "' has no equivalent in Anthropic's Messages API.");
                }
            }
            if (role.equals("system") || role.equals("developer")) {
                // Anthropic has one system prompt, ahead of the conversation: every instruction goes there, in order.
                String text = text(m.get("content"), at);
                if (!text.isEmpty()) system.add(text);
                continue;
            }
            Blocks b = switch (role) {
                case "user" -> user(m.get("content"), at);
                case "assistant" -> assistant(m, at);
                default -> toolResult(m, at);
            };
            if (b.blocks().isEmpty() && role.equals("assistant")) continue; // said nothing: its neighbours meet as one turn
            String anthropicRole = role.equals("assistant") ? "assistant" : "user";
            if (!turns.isEmpty() && turns.getLast().role.equals(anthropicRole)) {
                // Anthropic requires the roles to alternate: same-role neighbours become one turn, blocks in order.
                Turn t = turns.getLast();
                t.plain = false;
                t.blocks.addAll(b.blocks());
            } else {
                Turn t = new Turn(anthropicRole);
                t.blocks.addAll(b.blocks());
                t.plain = b.plain();
                turns.add(t);
            }
        }
        if (turns.isEmpty()) throw new UntranslatableRequest("'messages' has no user or assistant message; Anthropic's Messages API needs one.");
        return turns;
    }

    private static String text(JsonNode content, String at) {
        return OpenAiParts.text(content, at, API);
    }

    private static Blocks user(JsonNode content, String at) {
        ArrayNode blocks = JSON.createArrayNode();
        if (content != null && content.isTextual()) {
            blocks.addObject().put("type", "text").put("text", content.asText());
            return new Blocks(blocks, true);
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
                    blocks.addObject().put("type", "text").put("text", part.get("text").asText());
                }
                case "image_url" -> {
                    onlyKeys(part, where, "type", "image_url");
                    blocks.add(image(part.get("image_url"), where));
                }
                case "file" -> {
                    onlyKeys(part, where, "type", "file");
                    blocks.add(document(part.get("file"), where));
                }
                case "input_audio" -> throw new UntranslatableRequest("'" + where + "' is audio, which Anthropic's models do not take.");
                default -> throw new UntranslatableRequest("'" + where + "' of type '" + shown(type) + "' has no equivalent in Anthropic's Messages API.");
            }
        }
        return new Blocks(blocks, false);
    }

    /**
     * An image by data URL (sent inline) or by http(s) URL (Anthropic fetches it; Bastion never does).
     * OpenAI's {@code detail} is a resolution hint with no equivalent; it is dropped.
     */
    private static ObjectNode image(JsonNode imageUrl, String at) {
        JsonNode urlNode = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
        if (urlNode == null || !urlNode.isTextual()) throw new UntranslatableRequest("'" + at + ".image_url.url' must be a string.");
        if (imageUrl.isObject()) onlyKeys(imageUrl, at + ".image_url", "url", "detail");
        String url = urlNode.asText();
        ObjectNode block = JSON.createObjectNode().put("type", "image");
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            DataUrl d = DataUrl.parse(url, at);
            if (!IMAGE_TYPES.contains(d.mediaType())) {
                throw new UntranslatableRequest("'" + at + "' is a " + shown(d.mediaType()) + " image; Anthropic takes JPEG, PNG, GIF and WebP.");
            }
            block.putObject("source").put("type", "base64").put("media_type", d.mediaType()).put("data", d.data());
            return block;
        }
        if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            block.putObject("source").put("type", "url").put("url", url);
            return block;
        }
        throw new UntranslatableRequest("'" + at + ".image_url.url' must be a data: or http(s) URL.");
    }

    /** A PDF given inline ({@code file_data}) becomes a document block; OpenAI file ids mean nothing to Anthropic. */
    private static ObjectNode document(JsonNode file, String at) {
        if (file == null || !file.isObject()) throw new UntranslatableRequest("'" + at + ".file' must be an object.");
        JsonNode data = file.get("file_data");
        if (data == null || !data.isTextual()) {
            throw new UntranslatableRequest("'" + at + ".file' must carry 'file_data'; OpenAI file ids have no equivalent at Anthropic.");
        }
        onlyKeys(file, at + ".file", "file_data", "filename");
        DataUrl d = DataUrl.parse(data.asText(), at);
        if (!d.mediaType().equals("application/pdf")) throw new UntranslatableRequest("'" + at + "' is " + shown(d.mediaType()) + "; Anthropic takes PDF documents.");
        ObjectNode block = JSON.createObjectNode().put("type", "document");
        block.putObject("source").put("type", "base64").put("media_type", d.mediaType()).put("data", d.data());
        JsonNode name = file.get("filename");
        if (name != null && name.isTextual()) block.put("title", name.asText());
        return block;
    }

    /**
     * A name the client sent (a field, a type, a media type), as an error may quote it: only when it looks
     * like a name. Anything else, long or not a name, is not echoed: an error never carries request content.
     */
    static String shown(String name) {
        return name != null && name.length() <= 48 && name.matches("[A-Za-z0-9_.+/-]+") ? name : "(not shown)";
    }

    private record DataUrl(String mediaType, String data) {
        static DataUrl parse(String url, String at) {
            String[] d = OpenAiParts.dataUrl(url, at); // a file's data need not start with data: (a fuzz finding)
            return new DataUrl(d[0], d[1]);
        }
    }

    private static Blocks assistant(JsonNode m, String at) {
        ArrayNode blocks = JSON.createArrayNode();
        // Anthropic refuses empty text blocks (clients send "" beside tool calls); what the model said when it
        // refused is part of the conversation as it stood.
        assistantTexts(m, at, API, t -> blocks.addObject().put("type", "text").put("text", t));
        JsonNode content = m.get("content");
        boolean plain = content != null && content.isTextual() && !content.asText().isEmpty();
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) throw new UntranslatableRequest("'" + at + ".tool_calls' must be an array.");
            for (int i = 0; i < calls.size(); i++) blocks.add(toolUse(calls.get(i), at + ".tool_calls[" + i + "]"));
        }
        return new Blocks(blocks, plain && blocks.size() == 1);
    }

    private static ObjectNode toolUse(JsonNode call, String at) {
        if (!"function".equals(call.path("type").asText("function"))) {
            throw new UntranslatableRequest("'" + at + "' of type '" + shown(call.path("type").asText()) + "' has no equivalent in Anthropic's Messages API.");
        }
        JsonNode id = call.get("id");
        JsonNode name = call.path("function").get("name");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
            throw new UntranslatableRequest("'" + at + "' must have an 'id' and a 'function.name'.");
        }
        JsonNode args = call.path("function").get("arguments");
        JsonNode input;
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) {
            input = JSON.createObjectNode(); // a call without arguments
        } else {
            try {
                input = args.isTextual() ? JSON.readTree(args.asText()) : null;
            } catch (JacksonException e) {
                input = null;
            }
            if (input == null || !input.isObject()) {
                throw new UntranslatableRequest("'" + at + ".function.arguments' must be a JSON object in a string; Anthropic takes tool input as an object.");
            }
        }
        ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", id.asText()).put("name", name.asText());
        block.set("input", input);
        return block;
    }

    private static Blocks toolResult(JsonNode m, String at) {
        JsonNode id = m.get("tool_call_id");
        if (id == null || !id.isTextual()) throw new UntranslatableRequest("'" + at + ".tool_call_id' must be a string.");
        ArrayNode blocks = JSON.createArrayNode();
        ObjectNode block = blocks.addObject().put("type", "tool_result").put("tool_use_id", id.asText());
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) {
            text(content, at); // text parts only
            ArrayNode parts = block.putArray("content");
            for (JsonNode part : content) {
                if (!part.get("text").asText().isEmpty()) parts.addObject().put("type", "text").put("text", part.get("text").asText());
            }
        } else {
            block.put("content", text(content, at));
        }
        return new Blocks(blocks, false);
    }

    private static void onlyKeys(JsonNode node, String at, String... keys) {
        OpenAiParts.onlyKeys(node, at, API, keys);
    }

    private static void tools(ObjectNode in, ObjectNode out) {
        JsonNode tools = OpenAiParts.tools(in);
        if (tools == null) return;
        JsonNode choice = present(in, "tool_choice");
        ArrayNode list = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) {
                throw new UntranslatableRequest("'" + at + "' of type '" + t.path("type").asText() + "' has no equivalent; only function tools are translated.");
            }
            onlyKeys(t, at, "type", "function");
            JsonNode f = t.path("function");
            onlyKeys(f, at + ".function", "name", "description", "parameters", "strict");
            if (!f.path("name").isTextual()) throw new UntranslatableRequest("'" + at + ".function.name' must be a string.");
            // A strict schema is a promise the arguments match it; Anthropic's tools make no such promise.
            if (f.path("strict").asBoolean(false)) throw new UntranslatableRequest("'" + at + ".function.strict' has no equivalent in Anthropic's Messages API.");
            ObjectNode tool = list.addObject().put("name", f.get("name").asText());
            if (f.path("description").isTextual()) tool.put("description", f.get("description").asText());
            JsonNode params = f.get("parameters");
            if (params == null || params.isNull()) tool.putObject("input_schema").put("type", "object").putObject("properties");
            else if (params.isObject()) tool.set("input_schema", params);
            else throw new UntranslatableRequest("'" + at + ".function.parameters' must be a JSON schema object.");
        }
        ObjectNode tc = toolChoice(choice);
        JsonNode parallel = present(in, "parallel_tool_calls");
        if (parallel != null && !parallel.asBoolean(true) && (tc == null || !"none".equals(tc.get("type").asText()))) {
            if (tc == null) tc = JSON.createObjectNode().put("type", "auto");
            tc.put("disable_parallel_tool_use", true);
        }
        if (tc != null) out.set("tool_choice", tc);
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null) return null;
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> JSON.createObjectNode().put("type", "auto");
                case "none" -> JSON.createObjectNode().put("type", "none");
                case "required" -> JSON.createObjectNode().put("type", "any");
                default -> throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
            };
        }
        if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("function").path("name").isTextual()) {
            return JSON.createObjectNode().put("type", "tool").put("name", choice.get("function").get("name").asText());
        }
        throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
    }
}
