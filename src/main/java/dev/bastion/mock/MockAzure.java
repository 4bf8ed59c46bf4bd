package dev.bastion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's Azure OpenAI chat completions ({@code POST /openai/deployments/{deployment}/chat/completions
 * ?api-version=…}) and embeddings ({@code …/embeddings?api-version=…}, OpenAI's body without {@code model}):
 * the key as {@code api-key}, the {@code api-version} required (404 without it, as Azure
 * answers; 400 for one that is not a version), Azure's error shape, and OpenAI's answer format with Azure's
 * additions — {@code prompt_filter_results}, each choice's {@code content_filter_results}, and in a stream a
 * first chunk with empty {@code choices} carrying the prompt's filter results. The answer is the mock's usual
 * reply, or a tool call of the first tool when the last user text asks about the weather. Two prompts show
 * the content filter: one containing {@value #FILTERED_PROMPT} is refused (400 {@code content_filter}), one
 * containing {@value #FILTERED_ANSWER} is answered with {@code finish_reason: content_filter} and no content.
 */
final class MockAzure {
    static final Pattern PATH = Pattern.compile("/openai/deployments/([^/]+)/(chat/completions|embeddings)");
    static final String FILTERED_PROMPT = "blocked topic";
    static final String FILTERED_ANSWER = "risky topic";
    /** The model behind every mock deployment, as Azure names it in answers (the tokenizer is gpt-4o's). */
    static final String UNDERLYING_MODEL = "gpt-4o-2024-11-20";
    /** The model behind every mock deployment's embeddings, as Azure names it in answers. */
    static final String EMBEDDING_MODEL = "text-embedding-3-small";
    private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?|preview|latest");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode WEATHER_ARGS = JSON.createObjectNode().put("city", "Paris");

    private final MockLlmServer server;
    private final Vertx vertx;
    private final String requiredKey;
    private final long chunkDelayMs;
    private final TokenCounter counter;

    MockAzure(MockLlmServer server, Vertx vertx, String requiredKey, long chunkDelayMs, TokenCounter counter) {
        this.server = server;
        this.vertx = vertx;
        this.requiredKey = requiredKey;
        this.chunkDelayMs = chunkDelayMs;
        this.counter = counter;
    }

    static boolean matches(String path) {
        return PATH.matcher(path).matches();
    }

    void handle(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        Matcher m = PATH.matcher(req.path());
        if (!m.matches()) throw new IllegalStateException("not an Azure path");
        String version = req.getParam("api-version");
        if (version == null) {
            req.resume();
            error(resp, 404, "404", "Resource not found", null, null);
            return;
        }
        if (!VERSION.matcher(version).matches()) {
            req.resume();
            error(resp, 400, "BadRequest", "API version not supported", null, null);
            return;
        }
        if (requiredKey != null && !requiredKey.equals(req.getHeader("api-key"))) {
            req.resume();
            error(resp, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
                    + "active subscription and use a correct regional API endpoint for your resource.", null, null);
            return;
        }
        req.body().onSuccess(body -> {
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, null, "We could not parse the JSON body of your request.", "invalid_request_error", null);
                return;
            }
            if (m.group(2).equals("embeddings")) {
                embeddings(resp, in);
                return;
            }
            JsonNode messages = in.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                error(resp, 400, null, "[] is too short - 'messages'", "invalid_request_error", "messages");
                return;
            }
            String lastUser = lastUserText(messages);
            String lower = lastUser.toLowerCase(Locale.ROOT);
            if (lower.contains(FILTERED_PROMPT)) {
                contentFilterError(resp);
                return;
            }
            Answer a = answer(in, lastUser, lower.contains(FILTERED_ANSWER));
            if (in.path("stream").asBoolean(false)) {
                stream(resp, a, in.path("stream_options").path("include_usage").asBoolean(false), MockLlmServer.intHeader(req, MockLlmServer.CUT_AFTER_HEADER));
            } else {
                json(resp, 200, completion(a));
            }
        });
    }

    /** The embeddings of the deployment's model: OpenAI's request (no model in the body) and answer, Azure's errors. */
    private void embeddings(HttpServerResponse resp, JsonNode in) {
        String invalid = MockEmbeddings.invalidOpenAi(in, EMBEDDING_MODEL, true);
        if (invalid != null) {
            error(resp, 400, null, invalid, "invalid_request_error", null);
            return;
        }
        json(resp, 200, MockEmbeddings.openAiAnswer(in, EMBEDDING_MODEL, counter));
    }

    private record Answer(String id, String text, String toolName, String toolId, String finish, int promptTokens, int completionTokens) {}

    private Answer answer(JsonNode in, String lastUser, boolean filtered) {
        String id = "chatcmpl-mockaz" + server.nextId();
        int prompt = counter.chatPrompt(UNDERLYING_MODEL, in.get("messages"), in.get("tools"));
        String tool = tool(in, lastUser);
        if (tool != null) {
            return new Answer(id, null, tool, "call_mockaz" + server.nextId(), "tool_calls", prompt,
                    counter.count(UNDERLYING_MODEL, tool) + counter.count(UNDERLYING_MODEL, WEATHER_ARGS.toString()));
        }
        JsonNode max = in.has("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        MockLlmServer.Reply r = server.reply(UNDERLYING_MODEL, lastUser, max != null && max.canConvertToInt() ? max.asInt() : null);
        if (filtered) return new Answer(id, null, null, null, "content_filter", prompt, r.tokens());
        return new Answer(id, r.text(), null, null, r.finish(), prompt, r.tokens());
    }

    private static String tool(JsonNode in, String lastUser) {
        JsonNode tools = in.path("tools");
        if (!tools.isArray() || tools.isEmpty()) return null;
        JsonNode choice = in.get("tool_choice");
        if (choice != null && choice.isTextual() && choice.asText().equals("none")) return null;
        if (choice != null && choice.isObject()) return choice.path("function").path("name").asText();
        boolean required = choice != null && choice.isTextual() && choice.asText().equals("required");
        if (required || lastUser.toLowerCase(Locale.ROOT).contains("weather")) return tools.get(0).path("function").path("name").asText();
        return null;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) continue;
            JsonNode c = m.get("content");
            if (c != null && c.isTextual()) return c.asText();
            List<String> texts = new ArrayList<>();
            if (c != null) for (JsonNode p : c) if ("text".equals(p.path("type").asText())) texts.add(p.path("text").asText());
            return String.join(" ", texts);
        }
        return "";
    }

    // --- Azure's additions

    static ObjectNode filterResults(boolean violence) {
        ObjectNode r = JSON.createObjectNode();
        for (String category : List.of("hate", "self_harm", "sexual", "violence")) {
            boolean hit = violence && category.equals("violence");
            r.putObject(category).put("filtered", hit).put("severity", hit ? "high" : "safe");
        }
        return r;
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode a = JSON.createArrayNode();
        ObjectNode r = a.addObject().put("prompt_index", 0);
        ObjectNode results = filterResults(false);
        results.putObject("jailbreak").put("filtered", false).put("detected", false);
        r.set("content_filter_results", results);
        return a;
    }

    private ObjectNode completion(Answer a) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.set("content_filter_results", filterResults("content_filter".equals(a.finish())));
        choice.put("finish_reason", a.finish()).put("index", 0).putNull("logprobs");
        ObjectNode message = choice.putObject("message");
        if (a.text() != null) message.put("content", a.text());
        else if (a.toolName() != null) message.putNull("content"); // filtered: Azure sends no content at all
        message.putNull("refusal").put("role", "assistant");
        if (a.toolName() != null) message.putArray("tool_calls").add(toolCall(a, true));
        c.put("created", now()).put("id", a.id()).put("model", UNDERLYING_MODEL).put("object", "chat.completion");
        c.set("prompt_filter_results", promptFilterResults());
        c.put("system_fingerprint", "fp_mockazure");
        c.set("usage", usage(a));
        return c;
    }

    private static ObjectNode toolCall(Answer a, boolean whole) {
        ObjectNode call = JSON.createObjectNode().put("id", a.toolId()).put("type", "function");
        call.putObject("function").put("name", a.toolName()).put("arguments", whole ? WEATHER_ARGS.toString() : "");
        return call;
    }

    private static ObjectNode usage(Answer a) {
        ObjectNode u = JSON.createObjectNode().put("completion_tokens", a.completionTokens()).put("prompt_tokens", a.promptTokens())
                .put("total_tokens", a.promptTokens() + a.completionTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", 0);
        return u;
    }

    // --- the stream

    private record Event(Buffer bytes, boolean delta) {}

    private void stream(HttpServerResponse resp, Answer a, boolean includeUsage, int cutAfter) {
        List<Event> events = new ArrayList<>();
        ObjectNode first = JSON.createObjectNode();
        first.putArray("choices");
        first.put("created", 0).put("id", "").put("model", "").put("object", "");
        first.set("prompt_filter_results", promptFilterResults());
        events.add(new Event(sse(first), false));
        long created = now();
        events.add(new Event(sse(chunk(a, created, JSON.createObjectNode().put("content", "").putNull("refusal").put("role", "assistant"), null, false)), false));
        if (a.toolName() != null) {
            ObjectNode start = JSON.createObjectNode();
            start.putArray("tool_calls").add(toolCall(a, false).put("index", 0));
            events.add(new Event(sse(chunk(a, created, start, null, false)), true));
            String args = WEATHER_ARGS.toString();
            for (String piece : List.of(args.substring(0, args.length() / 2), args.substring(args.length() / 2))) {
                ObjectNode d = JSON.createObjectNode();
                d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
                events.add(new Event(sse(chunk(a, created, d, null, false)), true));
            }
        } else if (a.text() != null) {
            String[] words = a.text().split(" ", -1);
            for (int i = 0; i < words.length; i++) {
                String piece = (i == 0 ? "" : " ") + words[i];
                if (!piece.isEmpty()) events.add(new Event(sse(chunk(a, created, JSON.createObjectNode().put("content", piece), null, true)), true));
            }
        }
        events.add(new Event(sse(chunk(a, created, JSON.createObjectNode(), a.finish(), "content_filter".equals(a.finish()))), false));
        if (includeUsage) {
            ObjectNode u = JSON.createObjectNode();
            u.putArray("choices");
            u.put("created", created).put("id", a.id()).put("model", UNDERLYING_MODEL).put("object", "chat.completion.chunk").put("system_fingerprint", "fp_mockazure");
            u.set("usage", usage(a));
            events.add(new Event(sse(u), false));
        }
        events.add(new Event(Buffer.buffer("data: [DONE]\n\n"), false));
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("apim-request-id", "mock-" + server.nextId());
        send(resp, events, 0, 0, cutAfter);
    }

    private ObjectNode chunk(Answer a, long created, ObjectNode delta, String finish, boolean filterResults) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode choice = c.putArray("choices").addObject();
        if (filterResults) choice.set("content_filter_results", filterResults("content_filter".equals(finish)));
        else if (finish == null) choice.putObject("content_filter_results");
        choice.set("delta", delta);
        choice.put("finish_reason", finish).put("index", 0).putNull("logprobs");
        c.put("created", created).put("id", a.id()).put("model", UNDERLYING_MODEL).put("object", "chat.completion.chunk").put("system_fingerprint", "fp_mockazure");
        return c;
    }

    private void send(HttpServerResponse resp, List<Event> events, int i, int deltasSent, int cutAfter) {
        if (resp.closed()) return;
        if (i == events.size()) {
            resp.end();
            return;
        }
        Event e = events.get(i);
        if (e.delta() && cutAfter >= 0 && deltasSent == cutAfter) {
            vertx.setTimer(200, t -> resp.reset()); // not at once: the kernel would drop what the reader has not taken yet
            return;
        }
        resp.write(e.bytes());
        int sent = deltasSent + (e.delta() ? 1 : 0);
        if (chunkDelayMs > 0) vertx.setTimer(chunkDelayMs, t -> send(resp, events, i + 1, sent, cutAfter));
        else send(resp, events, i + 1, sent, cutAfter);
    }

    private static Buffer sse(ObjectNode data) {
        return Buffer.buffer("data: " + data + "\n\n");
    }

    // --- errors

    private void contentFilterError(HttpServerResponse resp) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error").put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management "
                + "policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: "
                + "https://go.microsoft.com/fwlink/?linkid=2198766").putNull("type").put("param", "prompt").put("code", "content_filter").put("status", 400);
        ObjectNode inner = e.putObject("innererror").put("code", "ResponsibleAIPolicyViolation");
        ObjectNode results = filterResults(true);
        results.putObject("jailbreak").put("filtered", false).put("detected", false);
        inner.set("content_filter_result", results);
        json(resp, 400, body);
    }

    /** Azure's error shape: {@code {"error":{"code","message"}}}, with OpenAI's {@code type} and {@code param} for request errors. */
    private void error(HttpServerResponse resp, int status, String code, String message, String type, String param) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error");
        if (type != null) e.put("message", message).put("type", type).put("param", param).putNull("code");
        else e.put("code", code).put("message", message);
        json(resp, status, body);
    }

    private void json(HttpServerResponse resp, int status, ObjectNode body) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("apim-request-id", "mock-" + server.nextId()).end(body.toString());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
