package dev.bastion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's Gemini API ({@code POST /v1beta/models/{model}:generateContent} and
 * {@code :streamGenerateContent}, SSE with {@code ?alt=sse}, else a JSON array; embeddings at
 * {@code :batchEmbedContents}, see {@link MockEmbeddings}): the key as
 * {@code x-goog-api-key} or {@code ?key=}, the request checks the real API answers 400 for (in Google's
 * error shape: unknown fields, empty contents or parts, roles other than user and model, a function response
 * without the call turn before it or with another number of parts, a function call turn not after a user or
 * function response turn, object schemas without properties), and a deterministic answer — the mock's usual
 * reply, a {@code functionCall} of the first function when the last user text asks about the weather (or
 * the mode is ANY), or a blocked prompt ({@code promptFeedback.blockReason}) when it contains
 * {@value #BLOCKED_PROMPT} — with {@code usageMetadata}. Streams send the reply word by word, events ended
 * by CRLF pairs as Google's are, and no end marker: the last event carries the finish reason.
 */
final class MockGemini {
    static final Pattern PATH = Pattern.compile("/v1beta/((?:models|tunedModels)/[^/:]+):([A-Za-z]+)");
    static final String BLOCKED_PROMPT = "blocked topic";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode WEATHER_ARGS = JSON.createObjectNode().put("city", "Paris");
    /** The tokenizer the mock counts with (Gemini's own is not public). */
    private static final String COUNT_MODEL = "gpt-4o";
    private static final Set<String> FIELDS = Set.of("contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent");
    private static final Set<String> GENERATION = Set.of("stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount",
            "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig");
    private static final Set<String> PART_DATA = Set.of("text", "inlineData", "functionCall", "functionResponse", "fileData");
    private static final Set<String> SCHEMA = Set.of("type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties",
            "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items",
            "minimum", "maximum");
    private static final Set<String> TYPES = Set.of("STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");

    private final MockLlmServer server;
    private final Vertx vertx;
    private final String requiredKey;
    private final long chunkDelayMs;
    private final TokenCounter counter;

    MockGemini(MockLlmServer server, Vertx vertx, String requiredKey, long chunkDelayMs, TokenCounter counter) {
        this.server = server;
        this.vertx = vertx;
        this.requiredKey = requiredKey;
        this.chunkDelayMs = chunkDelayMs;
        this.counter = counter;
    }

    static boolean matches(String path) {
        return path.startsWith("/v1beta/models/") || path.startsWith("/v1beta/tunedModels/");
    }

    void handle(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        String key = req.getHeader("x-goog-api-key");
        if (key == null) key = req.getParam("key");
        if (requiredKey != null && key == null) {
            req.resume();
            error(resp, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). "
                    + "Please use API Key or other form of API consumer identity to call this API.");
            return;
        }
        if (requiredKey != null && !requiredKey.equals(key)) {
            req.resume();
            error(resp, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."); // Google's status for a wrong key
            return;
        }
        Matcher m = PATH.matcher(req.path());
        String method = m.matches() ? m.group(2) : "";
        if (method.equals("batchEmbedContents")) {
            embed(req, m.group(1));
            return;
        }
        serve(req, m.matches() ? m.group(1).substring(m.group(1).indexOf('/') + 1) : "", method);
    }

    /**
     * A {@code generateContent} or {@code streamGenerateContent} call whose caller is authenticated: the Gemini
     * API's (by key, above) and Vertex's (by OAuth2 token, checked by the server) share the body format.
     */
    void serve(HttpServerRequest req, String model, String method) {
        HttpServerResponse resp = req.response();
        if (!method.equals("generateContent") && !method.equals("streamGenerateContent")) {
            req.resume();
            error(resp, 404, "NOT_FOUND", "The requested method was not found.");
            return;
        }
        boolean stream = method.equals("streamGenerateContent");
        boolean sse = "sse".equals(req.getParam("alt"));
        req.body().onSuccess(body -> {
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.");
                return;
            }
            String invalid = invalid(in);
            if (invalid != null) {
                error(resp, 400, "INVALID_ARGUMENT", invalid);
                return;
            }
            List<ObjectNode> events = answer(model, in, stream);
            if (!stream) json(resp, 200, events.getFirst());
            else stream(resp, events, sse, MockLlmServer.intHeader(req, MockLlmServer.CUT_AFTER_HEADER));
        });
    }

    /** {@code batchEmbedContents}: every entry names the path's model; no usage in the answer, as Google's has none. */
    private void embed(HttpServerRequest req, String resource) {
        HttpServerResponse resp = req.response();
        req.body().onSuccess(body -> {
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.");
                return;
            }
            String invalid = MockEmbeddings.invalidGemini(in, resource);
            if (invalid != null) error(resp, 400, "INVALID_ARGUMENT", invalid);
            else json(resp, 200, MockEmbeddings.geminiAnswer(in, resource));
        });
    }

    /** Vertex's {@code predict} for its embedding models (the caller is authenticated by the server). */
    void predict(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        req.body().onSuccess(body -> {
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.");
                return;
            }
            String invalid = MockEmbeddings.invalidVertex(in);
            if (invalid != null) error(resp, 400, "INVALID_ARGUMENT", invalid);
            else json(resp, 200, MockEmbeddings.vertexAnswer(in, counter));
        });
    }

    // --- what the real API refuses

    /** Why the real API would answer 400, in its words where known; null for a valid request. */
    static String invalid(JsonNode in) {
        for (var e : in.properties()) if (!FIELDS.contains(e.getKey())) return unknown(e.getKey(), null);
        JsonNode contents = in.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) return "* GenerateContentRequest.contents: contents is not specified\n";
        JsonNode system = in.get("systemInstruction");
        if (system != null) {
            String s = parts(system.get("parts"), "system_instruction", "user");
            if (s != null) return s;
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            for (var e : c.properties()) if (!Set.of("role", "parts").contains(e.getKey())) return unknown(e.getKey(), "contents[" + i + "]");
            String role = c.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) return "Please use a valid role: user, model.";
            String p = parts(c.get("parts"), "contents[" + i + "]", role);
            if (p != null) return p;
            String turn = turnOrder(contents, i);
            if (turn != null) return turn;
        }
        String t = tools(in.get("tools"));
        if (t != null) return t;
        JsonNode mode = in.path("toolConfig").path("functionCallingConfig").path("mode");
        if (!mode.isMissingNode() && !Set.of("AUTO", "ANY", "NONE", "VALIDATED", "MODE_UNSPECIFIED").contains(mode.asText())) {
            return "Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \""
                    + mode.asText() + "\"";
        }
        JsonNode config = in.get("generationConfig");
        if (config != null) {
            for (var e : config.properties()) if (!GENERATION.contains(e.getKey())) return unknown(e.getKey(), "generation_config");
            JsonNode temperature = config.get("temperature");
            if (temperature != null && (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2)) {
                return "* GenerateContentRequest.generation_config.temperature: must be in the range [0.0, 2.0]\n";
            }
            JsonNode stops = config.get("stopSequences");
            if (stops != null && stops.size() > 5) return "* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences\n";
            JsonNode schema = config.get("responseSchema");
            if (schema != null) {
                String s = schema(schema, "generation_config.response_schema");
                if (s != null) return s;
                if (!"application/json".equals(config.path("responseMimeType").asText())) {
                    return "* GenerateContentRequest.generation_config.response_mime_type: must be application/json when response_schema is set\n";
                }
            }
        }
        return null;
    }

    private static String unknown(String field, String at) {
        return "Invalid JSON payload received. Unknown name \"" + field + "\"" + (at == null ? "" : " at '" + at + "'") + ": Cannot find field.";
    }

    private static String parts(JsonNode parts, String at, String role) {
        if (parts == null || !parts.isArray() || parts.isEmpty()) return "* GenerateContentRequest." + at + ".parts: contents.parts must not be empty.\n";
        for (int j = 0; j < parts.size(); j++) {
            JsonNode p = parts.get(j);
            String where = at + ".parts[" + j + "]";
            int data = 0;
            for (var e : p.properties()) {
                if (PART_DATA.contains(e.getKey())) data++;
                else if (!e.getKey().equals("thought") && !e.getKey().equals("thoughtSignature")) return unknown(e.getKey(), where);
            }
            if (data != 1) return "* GenerateContentRequest." + where + ".data: required oneof field 'data' must have one initialized field\n";
            if (p.has("thoughtSignature")) {
                try {
                    Base64.getUrlDecoder().decode(p.get("thoughtSignature").asText().replace('+', '-').replace('/', '_'));
                } catch (IllegalArgumentException e) {
                    return "Invalid value at '" + where + ".thought_signature' (TYPE_BYTES), Base64 decoding failed";
                }
            }
            if (p.has("functionCall")) {
                if (!role.equals("model")) return "* GenerateContentRequest." + where + ".function_call: only a model turn can call a function\n";
                if (!FUNCTION_NAME.matcher(p.get("functionCall").path("name").asText("")).matches()) {
                    return "* GenerateContentRequest." + where + ".function_call.name: invalid function name\n";
                }
            }
            if (p.has("functionResponse")) {
                if (!role.equals("user")) return "* GenerateContentRequest." + where + ".function_response: only a user turn can answer a function call\n";
                if (!p.get("functionResponse").path("response").isObject()) return "* GenerateContentRequest." + where + ".function_response.response: must be an object\n";
            }
            if (p.has("inlineData") && (!p.get("inlineData").path("mimeType").isTextual() || !p.get("inlineData").path("data").isTextual())) {
                return "* GenerateContentRequest." + where + ".inline_data: mime_type and data are required\n";
            }
        }
        return null;
    }

    private static int count(JsonNode content, String kind) {
        int n = 0;
        for (JsonNode p : content.path("parts")) if (p.has(kind)) n++;
        return n;
    }

    /** Gemini's rules for function calling turns: a call turn follows a user or function response turn; responses follow their calls, as many. */
    private static String turnOrder(JsonNode contents, int i) {
        JsonNode c = contents.get(i);
        JsonNode previous = i == 0 ? null : contents.get(i - 1);
        if (count(c, "functionCall") > 0 && previous != null && !"user".equals(previous.path("role").asText("user"))) {
            return "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
        }
        int responses = count(c, "functionResponse");
        if (responses > 0) {
            int calls = previous == null ? 0 : count(previous, "functionCall");
            if (calls == 0) return "Please ensure that function response turn comes immediately after a function call turn.";
            if (calls != responses) {
                return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
            }
        }
        return null;
    }

    private static String tools(JsonNode tools) {
        if (tools == null) return null;
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            for (var e : t.properties()) {
                if (!Set.of("functionDeclarations", "googleSearch", "codeExecution", "urlContext").contains(e.getKey())) return unknown(e.getKey(), "tools[" + i + "]");
            }
            JsonNode decls = t.path("functionDeclarations");
            for (int j = 0; j < decls.size(); j++) {
                JsonNode d = decls.get(j);
                String at = "tools[" + i + "].function_declarations[" + j + "]";
                for (var e : d.properties()) {
                    if (!Set.of("name", "description", "parameters", "parametersJsonSchema", "response", "behavior").contains(e.getKey())) return unknown(e.getKey(), at);
                }
                if (!FUNCTION_NAME.matcher(d.path("name").asText("")).matches()) {
                    return "* GenerateContentRequest." + at + ".name: Invalid function name. Must start with a letter or an underscore. Must be alphameric "
                            + "(a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n";
                }
                JsonNode params = d.get("parameters");
                if (params != null) {
                    String s = schema(params, at + ".parameters");
                    if (s != null) return s;
                }
            }
        }
        return null;
    }

    private static String schema(JsonNode s, String at) {
        for (var e : s.properties()) if (!SCHEMA.contains(e.getKey())) return unknown(e.getKey(), at);
        JsonNode type = s.get("type");
        if (type != null && !TYPES.contains(type.asText().toUpperCase(Locale.ROOT))) {
            return "Invalid value at '" + at + ".type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"" + type.asText() + "\"";
        }
        if (type != null && type.asText().equalsIgnoreCase("OBJECT") && s.has("properties") && s.get("properties").isEmpty()) {
            return "* GenerateContentRequest." + at + ".properties: should be non-empty for OBJECT type\n";
        }
        for (var p : s.path("properties").properties()) {
            String r = schema(p.getValue(), at + ".properties[" + p.getKey() + "].value");
            if (r != null) return r;
        }
        if (s.has("items")) return schema(s.get("items"), at + ".items");
        for (int i = 0; i < s.path("anyOf").size(); i++) {
            String r = schema(s.get("anyOf").get(i), at + ".any_of[" + i + "]");
            if (r != null) return r;
        }
        return null;
    }

    // --- the answer

    /** The answer as the events a stream sends (a whole answer is one). */
    private List<ObjectNode> answer(String model, JsonNode in, boolean stream) {
        String responseId = "mockgem" + server.nextId();
        int prompt = promptTokens(in);
        String lastUser = lastUserText(in.get("contents"));
        List<ObjectNode> events = new ArrayList<>();
        if (lastUser.toLowerCase(Locale.ROOT).contains(BLOCKED_PROMPT)) {
            ObjectNode e = base(model, responseId);
            e.putObject("promptFeedback").put("blockReason", "SAFETY");
            usage(e, prompt, 0);
            events.add(e);
            return events;
        }
        JsonNode config = in.path("generationConfig");
        String tool = tool(in, lastUser);
        if (tool != null) {
            ObjectNode e = base(model, responseId);
            ObjectNode part = candidate(e, 0, "STOP").putArray("parts").addObject();
            part.putObject("functionCall").put("name", tool).set("args", WEATHER_ARGS);
            usage(e, prompt, counter.count(COUNT_MODEL, tool) + counter.count(COUNT_MODEL, WEATHER_ARGS.toString()));
            events.add(e);
            return events;
        }
        MockLlmServer.Reply r = server.reply(COUNT_MODEL, lastUser, config.has("maxOutputTokens") ? config.get("maxOutputTokens").asInt() : null);
        String text = r.text();
        int tokens = r.tokens();
        String finish = r.finish().equals("length") ? "MAX_TOKENS" : "STOP";
        int cut = text.length();
        for (JsonNode s : config.path("stopSequences")) {
            int at = text.indexOf(s.asText());
            if (at >= 0 && at < cut) cut = at;
        }
        if (cut < text.length()) {
            text = text.substring(0, cut);
            tokens = counter.count(COUNT_MODEL, text);
            finish = "STOP";
        }
        int candidates = Math.max(1, config.path("candidateCount").asInt(1));
        if (!stream) {
            ObjectNode e = base(model, responseId);
            for (int c = 0; c < candidates; c++) candidate(e, c, finish).putArray("parts").addObject().put("text", text);
            usage(e, prompt, tokens * candidates);
            events.add(e);
            return events;
        }
        String[] words = text.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            boolean last = i == words.length - 1;
            ObjectNode e = base(model, responseId);
            candidate(e, 0, last ? finish : null).putArray("parts").addObject().put("text", (i == 0 ? "" : " ") + words[i]);
            if (last) usage(e, prompt, tokens);
            else e.putObject("usageMetadata").put("promptTokenCount", prompt).put("totalTokenCount", prompt);
            events.add(e);
        }
        return events;
    }

    private static ObjectNode base(String model, String responseId) {
        return JSON.createObjectNode().put("modelVersion", model).put("responseId", responseId);
    }

    /** Adds a candidate; returns its content, to which the parts go. */
    private static ObjectNode candidate(ObjectNode event, int index, String finish) {
        ArrayNode candidates = event.has("candidates") ? (ArrayNode) event.get("candidates") : event.putArray("candidates");
        ObjectNode c = candidates.addObject();
        ObjectNode content = c.putObject("content");
        content.put("role", "model");
        if (finish != null) c.put("finishReason", finish);
        c.put("index", index);
        return content;
    }

    private static void usage(ObjectNode e, int prompt, int candidates) {
        ObjectNode u = e.putObject("usageMetadata").put("promptTokenCount", prompt);
        if (candidates > 0) u.put("candidatesTokenCount", candidates);
        u.put("totalTokenCount", prompt + candidates);
        u.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
    }

    /** The function to call: the one the mode allows when it forces a call, else the first when asked about the weather. */
    private static String tool(JsonNode in, String lastUser) {
        JsonNode decls = in.path("tools").path(0).path("functionDeclarations");
        if (!decls.isArray() || decls.isEmpty()) return null;
        JsonNode config = in.path("toolConfig").path("functionCallingConfig");
        String mode = config.path("mode").asText("AUTO");
        if (mode.equals("NONE")) return null;
        if (mode.equals("ANY")) return config.path("allowedFunctionNames").path(0).asText(decls.get(0).path("name").asText());
        return lastUser.toLowerCase(Locale.ROOT).contains("weather") ? decls.get(0).path("name").asText() : null;
    }

    /** The text of the last user turn that has any (function responses are not the user's words). */
    private static String lastUserText(JsonNode contents) {
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonNode c = contents.get(i);
            if (!"user".equals(c.path("role").asText("user"))) continue;
            List<String> texts = new ArrayList<>();
            for (JsonNode p : c.path("parts")) if (p.path("text").isTextual()) texts.add(p.get("text").asText());
            if (!texts.isEmpty()) return String.join(" ", texts);
        }
        return "";
    }

    /** Prompt tokens by the mock's one counter: the conversation read as OpenAI chat messages. */
    private int promptTokens(JsonNode in) {
        ArrayNode messages = JSON.createArrayNode();
        for (JsonNode p : in.path("systemInstruction").path("parts")) messages.addObject().put("role", "system").put("content", p.path("text").asText());
        for (JsonNode c : in.get("contents")) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode p : c.path("parts")) {
                if (p.has("text")) sb.append(p.get("text").asText());
                else if (p.has("functionCall")) sb.append(p.get("functionCall"));
                else if (p.has("functionResponse")) sb.append(p.get("functionResponse"));
            }
            messages.addObject().put("role", "model".equals(c.path("role").asText()) ? "assistant" : "user").put("content", sb.toString());
        }
        JsonNode decls = in.path("tools").path(0).path("functionDeclarations");
        return counter.chatPrompt(COUNT_MODEL, messages, decls.isArray() ? decls : null);
    }

    // --- the stream

    private void stream(HttpServerResponse resp, List<ObjectNode> events, boolean sse, int cutAfter) {
        resp.setChunked(true).putHeader("Content-Type", sse ? "text/event-stream" : "application/json; charset=UTF-8");
        if (!sse) resp.write("[");
        send(resp, events, 0, sse, cutAfter);
    }

    private void send(HttpServerResponse resp, List<ObjectNode> events, int i, boolean sse, int cutAfter) {
        if (resp.closed()) return;
        if (i == events.size()) {
            resp.end(sse ? "" : "]");
            return;
        }
        if (cutAfter >= 0 && i == cutAfter) {
            vertx.setTimer(200, t -> resp.reset()); // not at once: the kernel would drop what the reader has not taken yet
            return;
        }
        resp.write(sse ? "data: " + events.get(i) + "\r\n\r\n" : (i == 0 ? "" : ",\r\n") + events.get(i));
        if (chunkDelayMs > 0) vertx.setTimer(chunkDelayMs, t -> send(resp, events, i + 1, sse, cutAfter));
        else send(resp, events, i + 1, sse, cutAfter);
    }

    private static void json(HttpServerResponse resp, int status, ObjectNode body) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8").end(body.toString());
    }

    /** Google's error shape: {@code {"error":{"code","message","status"}}}. */
    private static void error(HttpServerResponse resp, int status, String googleStatus, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", status).put("message", message).put("status", googleStatus);
        json(resp, status, body);
    }
}
