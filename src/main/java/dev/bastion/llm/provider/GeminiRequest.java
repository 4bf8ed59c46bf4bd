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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request as a Gemini {@code GenerateContentRequest}: what {@link GeminiChatProvider}
 * documents. Every field is translated, on the documented list of dropped fields, or refused.
 */
final class GeminiRequest {
    private static final String API = "Gemini's API"; // how refusals name the target
    /** Fields that change nothing the model says: dropped, as the provider documents. */
    static final Set<String> DROPPED = Set.of("stream_options", "store", "metadata", "prediction", "service_tier", "prompt_cache_key", "user",
            "safety_identifier");
    /**
     * Google's documented value for a function call that carries no thought signature of its own (history
     * from a client that cannot keep them): Gemini 3 models refuse such a call in the history without one.
     */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";
    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif");
    static final Set<String> FILE_TYPES = Set.of("application/pdf", "text/plain");
    static final Map<String, String> AUDIO_TYPES = Map.of("wav", "audio/wav", "mp3", "audio/mp3");
    /** Formats Gemini's schemas act on; others (uri, email…) are hints it does not take, dropped. */
    static final Set<String> FORMATS = Set.of("date-time", "enum", "float", "double", "int32", "int64");
    private static final Set<String> SCHEMA_TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");
    private static final Map<String, Set<String>> MESSAGE_KEYS = Map.of(
            "system", Set.of("role", "content", "name"),
            "developer", Set.of("role", "content", "name"),
            "user", Set.of("role", "content", "name"),
            "assistant", Set.of("role", "content", "name", "tool_calls", "refusal"),
            "tool", Set.of("role", "content", "tool_call_id"));

    private GeminiRequest() {}

    private record Turn(String role, ArrayNode parts) {}

    static ObjectNode translate(ObjectNode in) {
        for (var e : in.properties()) {
            if (e.getValue().isNull()) continue; // an explicit null is an absent field in OpenAI's API
            check(e.getKey(), e.getValue(), in);
        }
        ObjectNode out = JSON.createObjectNode();
        List<String> system = new ArrayList<>();
        ArrayNode contents = out.putArray("contents");
        for (Turn t : messages(in.get("messages"), system)) contents.addObject().put("role", t.role()).set("parts", t.parts());
        if (!system.isEmpty()) {
            ArrayNode parts = out.putObject("systemInstruction").putArray("parts");
            for (String s : system) parts.addObject().put("text", s);
        }
        tools(in, out);
        ObjectNode config = generationConfig(in);
        if (!config.isEmpty()) out.set("generationConfig", config);
        return out;
    }

    /** Refuses what has no equivalent; the fields translated afterwards pass. */
    private static void check(String field, JsonNode v, ObjectNode in) {
        switch (field) {
            case "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream", "seed", "presence_penalty",
                 "frequency_penalty", "response_format", "tools", "tool_choice", "parallel_tool_calls" -> {}
            case "n" -> {
                if (!v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 8) throw new UntranslatableRequest("'n' must be an integer from 1 to 8 for Gemini.");
                if (v.asInt() > 1 && present(in, "stream") != null && in.get("stream").asBoolean(false)) {
                    throw new UntranslatableRequest("'n' other than 1 in a stream is not translated: Gemini's streamed candidates have no OpenAI equivalent here.");
                }
            }
            case "logprobs" -> {
                if (v.asBoolean(true)) throw new UntranslatableRequest("'logprobs' is not translated for Gemini.");
            }
            case "top_logprobs" -> {
                if (!v.canConvertToInt() || v.asInt() != 0) throw new UntranslatableRequest("'top_logprobs' is not translated for Gemini.");
            }
            case "modalities" -> {
                if (!(v.isArray() && v.size() == 1 && "text".equals(v.get(0).asText()))) {
                    throw new UntranslatableRequest("'modalities' other than [\"text\"] is not translated for Gemini.");
                }
            }
            case "audio" -> throw new UntranslatableRequest("'audio' (spoken answers) is not translated for Gemini.");
            case "functions", "function_call" -> throw new UntranslatableRequest("'" + field + "' (the legacy function calling) is not translated; use 'tools' and 'tool_choice'.");
            default -> {
                if (!DROPPED.contains(field)) throw new UntranslatableRequest("'" + shown(field) + "' has no equivalent in Gemini's API.");
            }
        }
    }

    private static ObjectNode generationConfig(ObjectNode in) {
        ObjectNode c = JSON.createObjectNode();
        Integer max = maxTokens(in);
        if (max != null) c.put("maxOutputTokens", max);
        number(in, "temperature", "temperature", c);
        number(in, "top_p", "topP", c);
        ArrayNode stops = stopSequences(present(in, "stop"));
        if (stops != null && !stops.isEmpty()) c.set("stopSequences", stops);
        JsonNode n = present(in, "n");
        if (n != null && n.asInt() > 1) c.put("candidateCount", n.asInt());
        JsonNode seed = present(in, "seed");
        if (seed != null) {
            if (!seed.isIntegralNumber() || !seed.canConvertToInt()) throw new UntranslatableRequest("'seed' must be an integer Gemini can take (32 bits).");
            c.put("seed", seed.asInt());
        }
        number(in, "presence_penalty", "presencePenalty", c);
        number(in, "frequency_penalty", "frequencyPenalty", c);
        JsonNode stream = present(in, "stream");
        if (stream != null && !stream.isBoolean()) throw new UntranslatableRequest("'stream' must be true or false.");
        responseFormat(present(in, "response_format"), c);
        return c;
    }

    private static void number(ObjectNode in, String field, String geminiField, ObjectNode config) {
        JsonNode v = present(in, field);
        if (v == null) return;
        if (!v.isNumber()) throw new UntranslatableRequest("'" + field + "' must be a number.");
        config.set(geminiField, v);
    }

    private static void responseFormat(JsonNode format, ObjectNode config) {
        if (format == null) return;
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {}
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode spec = format.get("json_schema");
                if (spec == null || !spec.isObject()) throw new UntranslatableRequest("'response_format.json_schema' must be an object.");
                config.put("responseMimeType", "application/json");
                JsonNode schema = spec.get("schema");
                if (schema != null && !schema.isNull()) config.set("responseSchema", schema(schema, "response_format.json_schema.schema"));
            }
            default -> throw new UntranslatableRequest("'response_format' of type '" + shown(type) + "' has no equivalent in Gemini's API.");
        }
    }

    // --- messages

    private static List<Turn> messages(JsonNode messages, List<String> system) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) throw new UntranslatableRequest("'messages' must be a non-empty array.");
        List<Turn> turns = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>(); // a tool call's id → its function's name: Gemini answers a call by name
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
                    throw new UntranslatableRequest("'" + at + "." + shown(e.getKey()) + "' has no equivalent in Gemini's API.");
                }
            }
            ArrayNode parts;
            switch (role) {
                case "system", "developer" -> {
                    String text = text(m.get("content"), at);
                    if (!text.isEmpty()) system.add(text);
                    continue;
                }
                case "user" -> parts = userParts(m.get("content"), at);
                case "assistant" -> parts = modelParts(m, at, callNames);
                default -> parts = functionResponse(m, at, callNames);
            }
            if (parts.isEmpty()) continue; // said nothing: its neighbours meet as one turn
            String geminiRole = role.equals("assistant") ? "model" : "user";
            if (!turns.isEmpty() && turns.getLast().role().equals(geminiRole)) turns.getLast().parts().addAll(parts);
            else turns.add(new Turn(geminiRole, parts));
        }
        if (turns.isEmpty()) throw new UntranslatableRequest("'messages' has no user or assistant message; Gemini needs one.");
        for (Turn t : turns) {
            if (!t.role().equals("model")) continue;
            for (JsonNode p : t.parts()) {
                if (p.has("functionCall")) {
                    ((ObjectNode) p).put("thoughtSignature", SKIP_SIGNATURE); // the first call of each model turn needs one
                    break;
                }
            }
        }
        return turns;
    }

    private static String text(JsonNode content, String at) {
        return OpenAiParts.text(content, at, API);
    }

    private static ArrayNode userParts(JsonNode content, String at) {
        ArrayNode parts = JSON.createArrayNode();
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) parts.addObject().put("text", content.asText());
            return parts;
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
                    if (!part.get("text").asText().isEmpty()) parts.addObject().put("text", part.get("text").asText());
                }
                case "image_url" -> {
                    onlyKeys(part, where, "type", "image_url");
                    parts.add(image(part.get("image_url"), where));
                }
                case "input_audio" -> {
                    onlyKeys(part, where, "type", "input_audio");
                    JsonNode audio = part.get("input_audio");
                    if (audio == null || !audio.isObject() || !audio.path("data").isTextual()) {
                        throw new UntranslatableRequest("'" + where + ".input_audio' must carry base64 'data' and a 'format'.");
                    }
                    onlyKeys(audio, where + ".input_audio", "data", "format");
                    String mime = AUDIO_TYPES.get(audio.path("format").asText(""));
                    if (mime == null) throw new UntranslatableRequest("'" + where + ".input_audio.format' must be wav or mp3.");
                    parts.add(inline(mime, audio.get("data").asText()));
                }
                case "file" -> {
                    onlyKeys(part, where, "type", "file");
                    parts.add(file(part.get("file"), where));
                }
                default -> throw new UntranslatableRequest("'" + where + "' of type '" + shown(type) + "' has no equivalent in Gemini's API.");
            }
        }
        return parts;
    }

    private static ObjectNode inline(String mimeType, String data) {
        ObjectNode p = JSON.createObjectNode();
        p.putObject("inlineData").put("mimeType", mimeType).put("data", data);
        return p;
    }

    /** An image by base64 data URL, sent inline. By http(s) URL it is refused: Gemini does not fetch URLs, and Bastion does not either. */
    private static ObjectNode image(JsonNode imageUrl, String at) {
        JsonNode urlNode = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
        if (urlNode == null || !urlNode.isTextual()) throw new UntranslatableRequest("'" + at + ".image_url.url' must be a string.");
        if (imageUrl.isObject()) onlyKeys(imageUrl, at + ".image_url", "url", "detail");
        String url = urlNode.asText();
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            String[] d = dataUrl(url, at);
            if (!IMAGE_TYPES.contains(d[0])) throw new UntranslatableRequest("'" + at + "' is a " + shown(d[0]) + " image; Gemini takes PNG, JPEG, WebP, HEIC and HEIF.");
            return inline(d[0], d[1]);
        }
        if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            throw new UntranslatableRequest("'" + at + "' is an image by URL; Gemini takes images inline and Bastion does not fetch them: send a base64 data: URL.");
        }
        throw new UntranslatableRequest("'" + at + ".image_url.url' must be a base64 data: URL.");
    }

    private static ObjectNode file(JsonNode file, String at) {
        if (file == null || !file.isObject()) throw new UntranslatableRequest("'" + at + ".file' must be an object.");
        JsonNode data = file.get("file_data");
        if (data == null || !data.isTextual()) throw new UntranslatableRequest("'" + at + ".file' must carry 'file_data'; OpenAI file ids have no equivalent at Gemini.");
        onlyKeys(file, at + ".file", "file_data", "filename");
        String[] d = dataUrl(data.asText(), at);
        if (!FILE_TYPES.contains(d[0]) && !IMAGE_TYPES.contains(d[0])) throw new UntranslatableRequest("'" + at + "' is " + shown(d[0]) + "; translated files are PDF, plain text and images.");
        return inline(d[0], d[1]);
    }

    private static ArrayNode modelParts(JsonNode m, String at, Map<String, String> callNames) {
        ArrayNode parts = JSON.createArrayNode();
        assistantTexts(m, at, API, t -> parts.addObject().put("text", t));
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) throw new UntranslatableRequest("'" + at + ".tool_calls' must be an array.");
            for (int i = 0; i < calls.size(); i++) parts.add(functionCall(calls.get(i), at + ".tool_calls[" + i + "]", callNames));
        }
        return parts;
    }

    private static ObjectNode functionCall(JsonNode call, String at, Map<String, String> callNames) {
        if (!"function".equals(call.path("type").asText("function"))) {
            throw new UntranslatableRequest("'" + at + "' of type '" + shown(call.path("type").asText()) + "' has no equivalent in Gemini's API.");
        }
        JsonNode id = call.get("id");
        JsonNode name = call.path("function").get("name");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) throw new UntranslatableRequest("'" + at + "' must have an 'id' and a 'function.name'.");
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
                throw new UntranslatableRequest("'" + at + ".function.arguments' must be a JSON object in a string; Gemini takes a call's arguments as an object.");
            }
        }
        callNames.put(id.asText(), name.asText());
        ObjectNode part = JSON.createObjectNode();
        part.putObject("functionCall").put("name", name.asText()).set("args", input);
        return part;
    }

    /** A tool result answers its call by the function's name (the ids are OpenAI's): found from the assistant message that made the call. */
    private static ArrayNode functionResponse(JsonNode m, String at, Map<String, String> callNames) {
        JsonNode id = m.get("tool_call_id");
        if (id == null || !id.isTextual()) throw new UntranslatableRequest("'" + at + ".tool_call_id' must be a string.");
        String name = callNames.get(id.asText());
        if (name == null) throw new UntranslatableRequest("'" + at + ".tool_call_id' answers no tool call of an earlier assistant message; Gemini needs the call.");
        ArrayNode parts = JSON.createArrayNode();
        ObjectNode fr = parts.addObject().putObject("functionResponse").put("name", name);
        fr.putObject("response").put("output", text(m.get("content"), at));
        return parts;
    }

    private static void onlyKeys(JsonNode node, String at, String... keys) {
        OpenAiParts.onlyKeys(node, at, API, keys);
    }

    // --- tools

    private static void tools(ObjectNode in, ObjectNode out) {
        JsonNode tools = OpenAiParts.tools(in);
        if (tools == null) return;
        JsonNode choice = present(in, "tool_choice");
        ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
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
            // A strict schema is a promise the arguments match it; Gemini's function calling makes no such promise.
            if (f.path("strict").asBoolean(false)) throw new UntranslatableRequest("'" + at + ".function.strict' has no equivalent in Gemini's API.");
            ObjectNode d = declarations.addObject().put("name", f.get("name").asText());
            if (f.path("description").isTextual()) d.put("description", f.get("description").asText());
            JsonNode params = f.get("parameters");
            if (params != null && !params.isNull()) {
                ObjectNode schema = schema(params, at + ".function.parameters");
                // A function without parameters has none: Gemini refuses an object schema with no properties.
                if (schema.path("properties").size() > 0 || !"OBJECT".equals(schema.path("type").asText("OBJECT"))) d.set("parameters", schema);
            }
        }
        ObjectNode config = JSON.createObjectNode();
        if (choice != null) {
            if (choice.isTextual()) {
                String mode = switch (choice.asText()) {
                    case "auto" -> "AUTO";
                    case "none" -> "NONE";
                    case "required" -> "ANY";
                    default -> throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
                };
                config.put("mode", mode);
            } else if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("function").path("name").isTextual()) {
                config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.get("function").get("name").asText());
            } else {
                throw new UntranslatableRequest("'tool_choice' must be auto, none, required or a named function.");
            }
        }
        JsonNode parallel = present(in, "parallel_tool_calls");
        if (parallel != null && !parallel.asBoolean(true) && !"NONE".equals(config.path("mode").asText())) {
            throw new UntranslatableRequest("'parallel_tool_calls': false has no equivalent in Gemini's API (it may call several functions at once).");
        }
        if (!config.isEmpty()) out.putObject("toolConfig").set("functionCallingConfig", config);
    }

    /**
     * A JSON schema as Gemini's schema (a subset of OpenAPI 3.0): types upper-cased, {@code ["T","null"]} as
     * nullable, {@code const} as a one-value enum; {@code additionalProperties: false} and formats Gemini does
     * not act on are dropped (Gemini's objects have the listed properties only); what it cannot express
     * ({@code $ref}, {@code oneOf}, {@code allOf}, several types, non-string enums…) is refused.
     */
    static ObjectNode schema(JsonNode s, String at) {
        if (!s.isObject()) throw new UntranslatableRequest("'" + at + "' must be a JSON schema object.");
        ObjectNode out = JSON.createObjectNode();
        for (var e : s.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            String where = at + "." + (key.startsWith("$") ? "$" + shown(key.substring(1)) : shown(key)); // $ref, $defs are names too
            switch (key) {
                case "type" -> type(v, where, out);
                case "description", "title", "pattern" -> {
                    if (!v.isTextual()) throw new UntranslatableRequest("'" + where + "' must be a string.");
                    out.set(key, v);
                }
                case "format" -> {
                    if (v.isTextual() && FORMATS.contains(v.asText())) out.set(key, v);
                }
                case "nullable" -> out.put("nullable", v.asBoolean(false));
                case "enum" -> {
                    if (!v.isArray()) throw new UntranslatableRequest("'" + where + "' must be an array.");
                    for (JsonNode x : v) if (!x.isTextual()) throw new UntranslatableRequest("'" + where + "' must list strings: Gemini's enums are strings.");
                    out.set("enum", v);
                }
                case "const" -> {
                    if (!v.isTextual()) throw new UntranslatableRequest("'" + where + "' must be a string: Gemini's enums are strings.");
                    out.putArray("enum").add(v);
                }
                case "properties" -> {
                    if (!v.isObject()) throw new UntranslatableRequest("'" + where + "' must be an object.");
                    ObjectNode props = out.putObject("properties");
                    for (var p : v.properties()) props.set(p.getKey(), schema(p.getValue(), where + "." + shown(p.getKey())));
                }
                case "required", "propertyOrdering" -> {
                    if (!v.isArray()) throw new UntranslatableRequest("'" + where + "' must be an array of strings.");
                    for (JsonNode x : v) if (!x.isTextual()) throw new UntranslatableRequest("'" + where + "' must be an array of strings.");
                    out.set(key, v);
                }
                case "items" -> out.set("items", schema(v, where));
                case "anyOf" -> {
                    if (!v.isArray() || v.isEmpty()) throw new UntranslatableRequest("'" + where + "' must be a non-empty array of schemas.");
                    ArrayNode any = out.putArray("anyOf");
                    for (int i = 0; i < v.size(); i++) any.add(schema(v.get(i), where + "[" + i + "]"));
                }
                case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties" -> {
                    if (!v.isIntegralNumber() || v.asLong() < 0) throw new UntranslatableRequest("'" + where + "' must be a non-negative integer.");
                    out.set(key, v);
                }
                case "minimum", "maximum" -> {
                    if (!v.isNumber()) throw new UntranslatableRequest("'" + where + "' must be a number.");
                    out.set(key, v);
                }
                case "default", "example" -> out.set(key, v);
                case "additionalProperties" -> {
                    if (!(v.isBoolean() && !v.asBoolean())) {
                        throw new UntranslatableRequest("'" + where + "' other than false has no equivalent in Gemini's schemas.");
                    }
                }
                case "$schema", "$id", "$comment", "examples" -> {} // documentation
                default -> throw new UntranslatableRequest("'" + where + "' has no equivalent in Gemini's schemas.");
            }
        }
        if (out.has("enum") && !out.has("type")) out.put("type", "STRING"); // Gemini's enums are typed strings
        return out;
    }

    private static void type(JsonNode v, String at, ObjectNode out) {
        String type = null;
        boolean nullable = false;
        if (v.isTextual()) {
            type = v.asText();
        } else if (v.isArray()) {
            for (JsonNode t : v) {
                if (!t.isTextual()) throw new UntranslatableRequest("'" + at + "' must name types.");
                if (t.asText().equals("null")) nullable = true;
                else if (type == null) type = t.asText();
                else throw new UntranslatableRequest("'" + at + "' with several types has no equivalent in Gemini's schemas; use anyOf.");
            }
        }
        if (type == null || !SCHEMA_TYPES.contains(type)) throw new UntranslatableRequest("'" + at + "' must be string, number, integer, boolean, array or object.");
        out.put("type", type.toUpperCase(Locale.ROOT));
        if (nullable) out.put("nullable", true);
    }
}
