package dev.bastion.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import dev.bastion.llm.provider.AwsEventStream;
import dev.bastion.upstream.auth.SigV4;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's AWS Bedrock Converse API ({@code POST /model/{modelId}/converse} and {@code /converse-stream}):
 * every request must carry a SigV4 signature over what it sends, verified with the credentials the mock was
 * given (403 with AWS's exception names when it does not hold), the checks Bedrock answers a
 * ValidationException for, and a deterministic answer — the mock's usual reply, or a {@code toolUse} of the
 * first tool when the last user text asks about the weather — as a Converse body or as ConverseStream's
 * binary event-stream frames, CRCs and all. Errors carry the exception's name in {@code x-amzn-ErrorType}.
 * Without configured credentials a signature's form is checked, not its value.
 */
final class MockBedrock {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
    private static final Set<String> FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig",
            "additionalModelRequestFields", "additionalModelResponseFieldPaths", "promptVariables", "requestMetadata", "performanceConfig");
    private static final ObjectNode WEATHER_INPUT = JSON.createObjectNode().put("city", "Paris");
    /** Test hook: the stream's frame after this many deltas has one payload byte flipped (its CRC no longer holds). */
    static final String CORRUPT_AFTER_HEADER = "X-Mock-Corrupt-After";

    private final MockLlmServer server;
    private final Vertx vertx;
    private final long chunkDelayMs;
    private final TokenCounter counter;
    private volatile SigV4.Credentials credentials;
    private volatile String region = "us-east-1";

    MockBedrock(MockLlmServer server, Vertx vertx, long chunkDelayMs, TokenCounter counter) {
        this.server = server;
        this.vertx = vertx;
        this.chunkDelayMs = chunkDelayMs;
        this.counter = counter;
    }

    void credentials(SigV4.Credentials credentials, String region) {
        this.credentials = credentials;
        this.region = region;
    }

    static boolean matches(String path) {
        return PATH.matcher(path).matches();
    }

    void handle(HttpServerRequest req) {
        HttpServerResponse resp = req.response();
        Matcher m = PATH.matcher(req.path());
        if (!m.matches()) {
            req.resume();
            error(resp, 404, "UnknownOperationException", "Unknown operation.");
            return;
        }
        String modelId = URLDecoder.decode(m.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        boolean stream = m.group(2).equals("converse-stream");
        req.body().onSuccess(body -> {
            SigV4.Rejection rejected = check(req, body.getBytes());
            if (rejected != null) {
                error(resp, 403, rejected.errorType(), rejected.message());
                return;
            }
            JsonNode in;
            try {
                in = JSON.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                in = null;
            }
            if (in == null || !in.isObject()) {
                error(resp, 400, "SerializationException", "Malformed input request, please reformat your input and try again.");
                return;
            }
            if (m.group(2).equals("invoke")) {
                invoke(resp, modelId, in);
                return;
            }
            String invalid = invalid(in);
            if (invalid != null) {
                error(resp, 400, "ValidationException", invalid);
                return;
            }
            Answer a = answer(modelId, in);
            if (stream) stream(resp, a, MockLlmServer.intHeader(req, MockLlmServer.CUT_AFTER_HEADER), MockLlmServer.intHeader(req, CORRUPT_AFTER_HEADER));
            else json(resp, converse(a));
        });
    }

    /** InvokeModel: Titan text embeddings only (each family has its own body; the mock serves no other). */
    private void invoke(HttpServerResponse resp, String modelId, JsonNode in) {
        if (!modelId.startsWith("amazon.titan-embed-text-")) {
            error(resp, 400, "ValidationException", "The provided model identifier is invalid.");
            return;
        }
        String invalid = MockEmbeddings.invalidTitan(in, modelId);
        if (invalid != null) error(resp, 400, "ValidationException", invalid);
        else json(resp, MockEmbeddings.titanAnswer(in, modelId, counter));
    }

    private SigV4.Rejection check(HttpServerRequest req, byte[] body) {
        SigV4.Credentials c = credentials;
        if (c == null) {
            String auth = req.getHeader("Authorization");
            return auth != null && auth.startsWith(SigV4.ALGORITHM + " Credential=") ? null
                    : new SigV4.Rejection("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        return SigV4.verify(req.method().name(), req.path(), req.query(), req.headers(), body, c, region, "bedrock", Instant.now());
    }

    // --- what Bedrock refuses (ValidationException), in its words where known

    static String invalid(JsonNode in) {
        for (var e : in.properties()) {
            if (!FIELDS.contains(e.getKey())) return "Malformed input request: extraneous key [" + e.getKey() + "] is not permitted, please reformat your input and try again.";
        }
        JsonNode messages = in.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) return "The messages field is required and must contain at least one message.";
        boolean tools = in.path("toolConfig").path("tools").isArray() && !in.path("toolConfig").path("tools").isEmpty();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) return "1 validation error detected: Value at 'messages." + (i + 1) + ".member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]";
            if (i == 0 && !role.equals("user")) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
            if (i > 0 && role.equals(messages.get(i - 1).path("role").asText())) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isArray() || content.isEmpty()) {
                return "The content field in the Message object at messages." + i + " is empty. Add a ContentBlock object to the content field and try again.";
            }
            for (int j = 0; j < content.size(); j++) {
                JsonNode b = content.get(j);
                String at = "messages." + i + ".content." + j;
                if (b.has("text")) {
                    if (!b.get("text").isTextual() || b.get("text").asText().isBlank()) return "The text field in the ContentBlock object at " + at + " is blank. Add text to the text field, and try again.";
                } else if (b.has("image")) {
                    if (!Set.of("png", "jpeg", "gif", "webp").contains(b.path("image").path("format").asText())) return "The format of the image at " + at + " is not supported.";
                    if (!b.path("image").path("source").path("bytes").isTextual()) return "The image at " + at + " needs its bytes.";
                } else if (b.has("document")) {
                    if (!b.path("document").path("name").isTextual()) return "The document at " + at + " needs a name.";
                } else if (b.has("toolUse") || b.has("toolResult")) {
                    if (!tools) return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
                    if (b.has("toolUse") && !role.equals("assistant")) return "toolUse blocks can only be in assistant messages (" + at + ").";
                    if (b.has("toolResult") && !role.equals("user")) return "toolResult blocks can only be in user messages (" + at + ").";
                } else {
                    return "The ContentBlock object at " + at + " is of no known type.";
                }
            }
        }
        for (JsonNode s : in.path("system")) if (!s.path("text").isTextual() || s.get("text").asText().isBlank()) return "The text field in a system block is blank.";
        JsonNode ic = in.path("inferenceConfig");
        if (ic.has("maxTokens") && (!ic.get("maxTokens").isIntegralNumber() || ic.get("maxTokens").asInt() < 1)) return "The maximum tokens you requested must be at least 1.";
        if (ic.has("temperature") && (ic.get("temperature").asDouble() < 0 || ic.get("temperature").asDouble() > 1)) return "The temperature must be between 0 and 1.";
        JsonNode tc = in.path("toolConfig");
        if (tc.isObject()) {
            for (JsonNode t : tc.path("tools")) {
                if (!t.path("toolSpec").path("name").isTextual() || !t.path("toolSpec").path("inputSchema").path("json").isObject()) {
                    return "A tool in toolConfig needs a toolSpec with a name and inputSchema.json.";
                }
            }
        }
        return null;
    }

    // --- the answer

    private record Answer(String model, int inputTokens, String text, String tool, String stopReason, int outputTokens) {}

    private Answer answer(String modelId, JsonNode in) {
        String lastUser = lastUserText(in.get("messages"));
        int inputTokens = inputTokens(modelId, in);
        String tool = tool(in, lastUser);
        if (tool != null) {
            return new Answer(modelId, inputTokens, null, tool, "tool_use", counter.count(modelId, tool) + counter.count(modelId, WEATHER_INPUT.toString()));
        }
        JsonNode max = in.path("inferenceConfig").get("maxTokens");
        MockLlmServer.Reply r = server.reply(modelId, lastUser, max == null ? null : max.asInt());
        String text = r.text();
        int tokens = r.tokens();
        String stopReason = r.finish().equals("length") ? "max_tokens" : "end_turn";
        int cut = text.length();
        for (JsonNode s : in.path("inferenceConfig").path("stopSequences")) {
            int at = text.indexOf(s.asText());
            if (at >= 0 && at < cut) {
                cut = at;
                stopReason = "stop_sequence";
            }
        }
        if (stopReason.equals("stop_sequence")) {
            text = text.substring(0, cut);
            tokens = counter.count(modelId, text);
        }
        return new Answer(modelId, inputTokens, text, null, stopReason, tokens);
    }

    private static String tool(JsonNode in, String lastUser) {
        JsonNode tools = in.path("toolConfig").path("tools");
        if (!tools.isArray() || tools.isEmpty()) return null;
        JsonNode choice = in.path("toolConfig").path("toolChoice");
        if (choice.path("tool").path("name").isTextual()) return choice.get("tool").get("name").asText();
        if (choice.has("any") || lastUser.toLowerCase(Locale.ROOT).contains("weather")) return tools.get(0).path("toolSpec").path("name").asText();
        return null;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) continue;
            List<String> texts = new ArrayList<>();
            for (JsonNode b : m.path("content")) if (b.path("text").isTextual()) texts.add(b.get("text").asText());
            return String.join(" ", texts);
        }
        return "";
    }

    /** Input tokens by the mock's one counter: the conversation's text read as OpenAI chat messages, tools as JSON. */
    private int inputTokens(String model, JsonNode in) {
        ArrayNode messages = JSON.createArrayNode();
        for (JsonNode s : in.path("system")) messages.addObject().put("role", "system").put("content", s.path("text").asText());
        for (JsonNode m : in.get("messages")) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode b : m.path("content")) {
                if (b.has("text")) sb.append(b.get("text").asText());
                else if (b.has("toolUse")) sb.append(b.get("toolUse").path("name").asText()).append(b.get("toolUse").path("input"));
                else if (b.has("toolResult")) for (JsonNode c : b.get("toolResult").path("content")) sb.append(c.path("text").asText());
            }
            messages.addObject().put("role", m.path("role").asText()).put("content", sb.toString());
        }
        return counter.chatPrompt(model, messages, in.path("toolConfig").has("tools") ? in.get("toolConfig").get("tools") : null);
    }

    private ObjectNode converse(Answer a) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode content = out.putObject("output").putObject("message").put("role", "assistant").putArray("content");
        if (a.tool() != null) {
            content.addObject().putObject("toolUse").put("toolUseId", "tooluse_mock" + server.nextId()).put("name", a.tool()).set("input", WEATHER_INPUT);
        } else {
            content.addObject().put("text", a.text());
        }
        out.put("stopReason", a.stopReason());
        out.set("usage", usage(a));
        out.putObject("metrics").put("latencyMs", 1);
        return out;
    }

    private static ObjectNode usage(Answer a) {
        return JSON.createObjectNode().put("inputTokens", a.inputTokens()).put("outputTokens", a.outputTokens())
                .put("totalTokens", a.inputTokens() + a.outputTokens());
    }

    // --- the stream: AWS event-stream frames

    private record Frame(Buffer bytes, boolean delta) {}

    private void stream(HttpServerResponse resp, Answer a, int cutAfter, int corruptAfter) {
        List<Frame> frames = new ArrayList<>();
        frames.add(event("messageStart", JSON.createObjectNode().put("role", "assistant"), false));
        if (a.tool() != null) {
            ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", 0);
            start.putObject("start").putObject("toolUse").put("toolUseId", "tooluse_mock" + server.nextId()).put("name", a.tool());
            frames.add(event("contentBlockStart", start, false));
            String input = WEATHER_INPUT.toString();
            int half = input.length() / 2;
            for (String piece : List.of(input.substring(0, half), input.substring(half))) {
                ObjectNode d = JSON.createObjectNode().put("contentBlockIndex", 0);
                d.putObject("delta").putObject("toolUse").put("input", piece);
                frames.add(event("contentBlockDelta", d, true));
            }
        } else {
            String[] words = a.text().split(" ", -1);
            for (int i = 0; i < words.length; i++) {
                String piece = (i == 0 ? "" : " ") + words[i];
                if (piece.isEmpty()) continue;
                ObjectNode d = JSON.createObjectNode().put("contentBlockIndex", 0);
                d.putObject("delta").put("text", piece);
                frames.add(event("contentBlockDelta", d, true));
            }
        }
        frames.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", 0), false));
        frames.add(event("messageStop", JSON.createObjectNode().put("stopReason", a.stopReason()), false));
        ObjectNode meta = JSON.createObjectNode();
        meta.set("usage", usage(a));
        meta.putObject("metrics").put("latencyMs", 1);
        frames.add(event("metadata", meta, false));
        resp.setChunked(true).putHeader("Content-Type", "application/vnd.amazon.eventstream").putHeader("x-amzn-RequestId", "mock-" + server.nextId());
        send(resp, frames, 0, 0, cutAfter, corruptAfter);
    }

    private void send(HttpServerResponse resp, List<Frame> frames, int i, int deltasSent, int cutAfter, int corruptAfter) {
        if (resp.closed()) return;
        if (i == frames.size()) {
            resp.end();
            return;
        }
        Frame f = frames.get(i);
        if (f.delta() && cutAfter >= 0 && deltasSent == cutAfter) {
            // The provider's connection dies mid-stream; not at once, or the kernel drops what the reader has not taken yet.
            vertx.setTimer(200, t -> resp.reset());
            return;
        }
        Buffer bytes = f.bytes();
        if (f.delta() && corruptAfter >= 0 && deltasSent == corruptAfter) {
            bytes = bytes.copy();
            bytes.setByte(bytes.length() - 6, (byte) (bytes.getByte(bytes.length() - 6) ^ 0x01)); // a payload byte: the message CRC fails
        }
        resp.write(bytes);
        int sent = deltasSent + (f.delta() ? 1 : 0);
        if (chunkDelayMs > 0) vertx.setTimer(chunkDelayMs, t -> send(resp, frames, i + 1, sent, cutAfter, corruptAfter));
        else send(resp, frames, i + 1, sent, cutAfter, corruptAfter);
    }

    /** One event frame; the payload padded with Bedrock's {@code p} field, as the real stream pads it. */
    private static Frame event(String type, ObjectNode payload, boolean delta) {
        payload.put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".substring(0, 1 + Math.abs(type.hashCode()) % 30));
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":event-type", type);
        h.put(":content-type", "application/json");
        h.put(":message-type", "event");
        return new Frame(AwsEventStream.encode(h, payload.toString().getBytes(StandardCharsets.UTF_8)), delta);
    }

    private void json(HttpServerResponse resp, ObjectNode body) {
        resp.setStatusCode(200).putHeader("Content-Type", "application/json").putHeader("x-amzn-RequestId", "mock-" + server.nextId()).end(body.toString());
    }

    /** Bedrock's error: {@code {"message"}} with the exception in {@code x-amzn-ErrorType}. */
    private void error(HttpServerResponse resp, int status, String exception, String message) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("x-amzn-RequestId", "mock-" + server.nextId())
                .putHeader("x-amzn-ErrorType", exception + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
                .end(JSON.createObjectNode().put("message", message).toString());
    }
}
