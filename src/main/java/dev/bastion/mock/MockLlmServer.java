package dev.bastion.mock;

import dev.bastion.llm.TokenCounter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible stand-in for a model provider ({@code bastion mock-llm}): chat completions
 * (JSON and SSE streaming), completions, embeddings and the model list, with deterministic output and
 * realistic framing — and, on the same port, OpenAI's Responses API ({@link MockResponses}), Anthropic's Messages API at {@code /v1/messages}
 * ({@link MockAnthropic}), Azure OpenAI's deployment paths ({@link MockAzure}), Gemini's
 * {@code generateContent} ({@link MockGemini}), the same on Vertex's paths behind a Google OAuth2 token endpoint
 * at {@code /token} ({@link MockGoogleAuth}), and Bedrock's Converse API at {@code /model/ID/converse} with SigV4
 * ({@link MockBedrock}). When started with a provider key it demands it like a real provider does (as
 * {@code Authorization: Bearer}, {@code x-api-key} for Anthropic, {@code api-key} for Azure,
 * {@code x-goog-api-key} or {@code ?key=} for Gemini) — which makes Bastion's key injection visible in the demo.
 * Not a model: it never calls out anywhere.
 */
public final class MockLlmServer {
    public static final List<String> MODELS = List.of("mock-gpt-small", "mock-gpt-large");
    /** Test hook: a stream that ends with this many words sent, by a connection reset (a provider failing mid-stream). */
    public static final String CUT_AFTER_HEADER = "X-Mock-Cut-After";
    /** Test hook: no usage chunk, even when asked for (a provider that does not support it). */
    public static final String NO_USAGE_HEADER = "X-Mock-No-Usage";
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final String requiredKey;
    private final long chunkDelayMs;
    private final AtomicLong ids = new AtomicLong();
    private final TokenCounter counter = new TokenCounter();
    private final MockAnthropic anthropic;
    private final MockMcp mcp = new MockMcp();
    private final MockAzure azure;
    private final MockResponses responses;
    private final MockGemini gemini;
    private final MockBedrock bedrock;
    private final MockGoogleAuth google = new MockGoogleAuth();
    private static final java.util.regex.Pattern VERTEX_PATH = java.util.regex.Pattern.compile(
            "/v1/projects/[^/]+/locations/[^/]+/publishers/google/models/([^/:]+):(generateContent|streamGenerateContent|predict)");
    private boolean fillMaxTokens;
    private MockFaults faults = new MockFaults();
    private HttpServer server;

    /**
     * @param requiredKey   the provider key clients must send as {@code Authorization: Bearer}; null accepts any caller
     * @param chunkDelayMs  pause between streamed chunks, to make streaming observable
     */
    public MockLlmServer(Vertx vertx, String host, int port, String requiredKey, long chunkDelayMs) {
        this.vertx = vertx;
        this.host = host;
        this.port = port;
        this.requiredKey = requiredKey;
        this.chunkDelayMs = chunkDelayMs;
        this.anthropic = new MockAnthropic(this, vertx, requiredKey, chunkDelayMs, counter);
        this.azure = new MockAzure(this, vertx, requiredKey, chunkDelayMs, counter);
        this.responses = new MockResponses(this, vertx, chunkDelayMs, counter);
        this.gemini = new MockGemini(this, vertx, requiredKey, chunkDelayMs, counter);
        this.bedrock = new MockBedrock(this, vertx, chunkDelayMs, counter);
    }

    /**
     * The AWS credentials and region Bedrock's paths verify SigV4 signatures with; without them a signature's
     * form is checked, not its value.
     */
    public MockLlmServer bedrock(String accessKeyId, String secretAccessKey, String sessionToken, String region) {
        bedrock.credentials(new dev.bastion.upstream.auth.SigV4.Credentials(accessKeyId, secretAccessKey, sessionToken), region);
        return this;
    }

    /**
     * The Google service account whose JWT-bearer grants {@code POST /token} honours (its public key, e-mail and
     * the token URI its assertions must name), and how long the tokens it issues last; Vertex's paths take only those.
     */
    public MockLlmServer vertexAccount(String clientEmail, java.security.interfaces.RSAPublicKey publicKey, String tokenUri, long expiresInSeconds) {
        google.configure(clientEmail, publicKey, tokenUri, expiresInSeconds);
        return this;
    }

    /** How many tokens {@code POST /token} has issued. */
    public int googleGrants() {
        return google.grants();
    }

    /** Every reply is exactly {@code max_tokens} long when the request names one (usage then equals Bastion's reservation). */
    public MockLlmServer fillMaxTokens(boolean on) {
        this.fillMaxTokens = on;
        return this;
    }

    /** The faults this mock plays (share one between instances so that a control request reaches them all). */
    public MockLlmServer faults(MockFaults shared) {
        this.faults = shared;
        return this;
    }

    public MockFaults faults() {
        return faults;
    }

    public Future<MockLlmServer> start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true).setHttp2ClearTextEnabled(false))
                .requestHandler(this::handle);
        return server.listen().map(s -> this);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        if (req.path().startsWith("/_mock/")) {
            control(req);
            return;
        }
        boolean anthropicPath = "/v1/messages".equals(req.path());
        boolean faulty = anthropicPath || "/v1/chat/completions".equals(req.path()) || "/v1/embeddings".equals(req.path());
        MockFaults.Fault fault = req.method() == HttpMethod.POST && faulty ? faults.next() : null;
        if (fault != null && failsBeforeAnswering(req, fault, anthropicPath)) return;
        if (req.method() == HttpMethod.POST && anthropicPath) {
            anthropic.handle(req, fault); // its own key header and error shape
            return;
        }
        if (req.method() == HttpMethod.POST && MockAzure.matches(req.path())) {
            azure.handle(req);
            return;
        }
        if (req.method() == HttpMethod.POST && MockGemini.matches(req.path())) {
            gemini.handle(req);
            return;
        }
        if (req.method() == HttpMethod.POST && MockBedrock.matches(req.path())) {
            bedrock.handle(req); // SigV4, not a key
            return;
        }
        if (req.method() == HttpMethod.POST && "/token".equals(req.path())) {
            google.token(req); // Google's OAuth2 JWT-bearer grant
            return;
        }
        java.util.regex.Matcher vertex = VERTEX_PATH.matcher(req.path());
        if (req.method() == HttpMethod.POST && vertex.matches()) {
            vertex(req, vertex.group(1), vertex.group(2));
            return;
        }
        if (requiredKey != null && !("Bearer " + requiredKey).equals(req.getHeader("Authorization"))) {
            req.resume();
            error(req.response(), 401, "invalid_api_key", "Incorrect API key provided.");
            return;
        }
        String path = req.path();
        if (req.method() == HttpMethod.POST && MockMcp.PATH.equals(path)) {
            mcp.handle(req); // the demo's MCP server
            return;
        }
        if (req.method() == HttpMethod.GET && "/v1/models".equals(path)) {
            JsonArray data = new JsonArray();
            for (String m : MODELS) data.add(new JsonObject().put("id", m).put("object", "model").put("created", 1700000000).put("owned_by", "bastion-mock"));
            json(req.response(), 200, new JsonObject().put("object", "list").put("data", data));
            return;
        }
        if (req.method() != HttpMethod.POST) {
            req.resume();
            error(req.response(), 404, "not_found", "Unknown endpoint.");
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject in;
            try {
                in = body.length() == 0 ? new JsonObject() : body.toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                error(req.response(), 400, "invalid_request_error", "We could not parse the JSON body of your request.");
                return;
            }
            switch (path) {
                case "/v1/chat/completions" -> chat(req, in, fault);
                case "/v1/completions" -> completion(req.response(), in);
                case "/v1/embeddings" -> embeddings(req.response(), in);
                case "/v1/responses" -> responses.handle(req.response(), in);
                default -> error(req.response(), 404, "not_found", "Unknown endpoint.");
            }
        });
    }

    /** Vertex's generateContent for Gemini models, behind an access token from {@code POST /token} (401 in Google's error shape without one). */
    private void vertex(HttpServerRequest req, String model, String method) {
        if (!google.authorized(req)) {
            req.resume();
            req.response().setStatusCode(401).putHeader("Content-Type", "application/json").end(new JsonObject().put("error", new JsonObject().put("code", 401)
                    .put("message", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
                    .put("status", "UNAUTHENTICATED")).encode());
            return;
        }
        if (method.equals("predict")) gemini.predict(req);
        else gemini.serve(req, model, method);
    }

    /** The control endpoint: {@code POST /_mock/faults} queues faults, {@code DELETE} clears them, {@code GET /_mock/stats} counts. */
    private void control(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            switch (req.method().name() + " " + req.path()) {
                case "POST /_mock/faults" -> {
                    try {
                        faults.set(body.toJsonObject().getJsonArray("faults", new JsonArray()));
                        req.response().setStatusCode(204).end();
                    } catch (RuntimeException e) {
                        error(req.response(), 400, "invalid_request_error", "faults: " + e.getMessage());
                    }
                }
                case "DELETE /_mock/faults" -> {
                    faults.clear();
                    req.response().setStatusCode(204).end();
                }
                case "POST /_mock/mcp/describe", "DELETE /_mock/mcp/describe" -> mcp.describe(req, body);
                case "GET /_mock/stats" -> json(req.response(), 200, new JsonObject().put("chat_requests", faults.chatRequests()));
                default -> error(req.response(), 404, "not_found", "Unknown endpoint.");
            }
        });
    }

    /** Plays a fault that comes before any answer; true when it did (the request is then answered, or never). */
    private boolean failsBeforeAnswering(HttpServerRequest req, MockFaults.Fault f, boolean anthropicFormat) {
        HttpServerResponse resp = req.response();
        switch (f.kind()) {
            case STATUS -> req.body().onSuccess(b -> {
                if (f.retryAfter() != null) resp.putHeader("Retry-After", f.retryAfter());
                if (anthropicFormat) {
                    String type = switch (f.arg()) { case 429 -> "rate_limit_error"; case 529 -> "overloaded_error"; case 500 -> "api_error"; default -> "api_error"; };
                    anthropic.error(resp, f.arg(), type, f.arg() == 429 ? "Number of request tokens has exceeded your per-minute rate limit" : "Internal server error");
                } else {
                    String code = f.arg() == 429 ? "rate_limit_exceeded" : null;
                    json(resp, f.arg(), new JsonObject().put("error", new JsonObject()
                            .put("message", f.arg() == 429 ? "Rate limit reached for requests" : f.arg() == 503 ? "The server is overloaded or not ready yet." : "The server had an error while processing your request.")
                            .put("type", f.arg() == 429 ? "requests" : "server_error").put("param", (String) null).put("code", code)));
                }
            });
            case CONTEXT_LENGTH -> req.body().onSuccess(b -> {
                if (anthropicFormat) anthropic.error(resp, 400, "invalid_request_error", "prompt is too long: 212000 tokens > 200000 maximum");
                else error(resp, 400, "context_length_exceeded", "This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens. Please reduce the length of the messages.");
            });
            case CONTENT_FILTER -> req.body().onSuccess(b -> {
                if (anthropicFormat) anthropic.error(resp, 400, "invalid_request_error", "Output blocked by content filtering policy");
                else error(resp, 400, "content_filter", "The response was filtered due to the prompt triggering the content management policy.");
            });
            case RESET -> req.body().onSuccess(b -> req.connection().close()); // the request arrived; the connection dies without an answer
            case NO_RESPONSE -> req.body(); // read, and never answered
            // A 200 that is no answer: a proxy's maintenance page in front of the provider.
            case UNREADABLE -> req.body().onSuccess(b -> resp.setStatusCode(200).putHeader("Content-Type", "text/html")
                    .end("<html><body>Service temporarily in maintenance</body></html>"));
            default -> {
                return false;
            }
        }
        return true;
    }

    private void chat(HttpServerRequest req, JsonObject in, MockFaults.Fault fault) {
        HttpServerResponse resp = req.response();
        String model = in.getString("model", MODELS.get(0));
        JsonArray messages = in.getJsonArray("messages", new JsonArray());
        if (fault != null && fault.kind() == MockFaults.Kind.REJECT_PREFILL && !messages.isEmpty()
                && messages.getValue(messages.size() - 1) instanceof JsonObject last && "assistant".equals(last.getString("role"))) {
            error(resp, 400, "invalid_request_error", "This model does not support assistant message prefill. The conversation must end with a user message.");
            return;
        }
        String lastUser = "";
        for (int i = 0; i < messages.size(); i++) {
            if (messages.getValue(i) instanceof JsonObject msg && msg.getValue("content") instanceof String s && "user".equals(msg.getString("role"))) lastUser = s;
        }
        int promptTokens = promptTokens(model, in);
        Integer max = in.getInteger("max_completion_tokens", in.getInteger("max_tokens"));
        Reply reply = reply(model, lastUser, max);
        String id = "chatcmpl-mock" + ids.incrementAndGet();
        if (in.getBoolean("stream", false)) {
            boolean usage = in.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false)
                    && !"true".equals(req.getHeader(NO_USAGE_HEADER));
            int cutAfter = intHeader(req, CUT_AFTER_HEADER);
            streamChat(resp, id, model, reply, promptTokens, usage, cutAfter, fault);
            return;
        }
        json(resp, 200, new JsonObject()
                .put("id", id).put("object", "chat.completion").put("created", now()).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", reply.text()))
                        .put("finish_reason", reply.finish())))
                .put("usage", usage(promptTokens, reply.tokens())));
    }

    /** Prompt tokens as OpenAI counts them (the same counter Bastion reserves with: exact, for budget tests). */
    private int promptTokens(String model, JsonObject in) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(in.encode());
            return counter.chatPrompt(model, tree.get("messages"), tree.has("tools") ? tree.get("tools") : tree.get("functions"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reply text, cut to {@code max} tokens (finish "length"); with fill on, padded to exactly {@code max}. */
    Reply reply(String model, String prompt, Integer max) {
        String text = reply(prompt);
        com.knuddels.jtokkit.api.Encoding enc = counter.encodingFor(model);
        int tokens = enc.countTokensOrdinary(text);
        String finish = "stop";
        if (max != null && tokens > max) {
            com.knuddels.jtokkit.api.IntArrayList ids = enc.encodeOrdinary(text);
            com.knuddels.jtokkit.api.IntArrayList cut = new com.knuddels.jtokkit.api.IntArrayList(max);
            for (int i = 0; i < max; i++) cut.add(ids.get(i));
            text = enc.decode(cut);
            tokens = max; // what was generated, as a model reports it (re-encoding the cut text may merge differently)
            finish = "length";
        }
        if (fillMaxTokens && max != null && tokens < max) {
            text = text + " hello".repeat(max - tokens); // " hello" is one token in every OpenAI encoding
            tokens = max;
            finish = "length";
        }
        return new Reply(text, tokens, finish);
    }

    record Reply(String text, int tokens, String finish) {}

    long nextId() {
        return ids.incrementAndGet();
    }

    static int intHeader(HttpServerRequest req, String name) {
        try {
            String v = req.getHeader(name);
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void streamChat(HttpServerResponse resp, String id, String model, Reply reply, int promptTokens, boolean usage, int cutAfter,
                            MockFaults.Fault fault) {
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        String[] words = reply.text().split(" ", -1);
        long created = now();
        MockFaults.Kind kind = fault == null ? null : fault.kind();
        if (kind == MockFaults.Kind.CUT_AFTER) cutAfter = fault.arg();
        Stream s = new Stream(id, model, created, words, promptTokens, reply.tokens(), reply.finish(), usage, cutAfter,
                kind == MockFaults.Kind.STALL_AFTER ? fault.arg() : -1, kind == MockFaults.Kind.MALFORMED_AFTER ? fault.arg() : -1,
                kind == MockFaults.Kind.NO_DONE);
        if (kind == MockFaults.Kind.SLOW_FIRST_TOKEN) { // the headers at once, then a long silence before the first token
            resp.writeHead();
            vertx.setTimer(Math.max(1, fault.arg()), t -> {
                if (resp.closed()) return;
                resp.write(sse(chunk(id, model, created, new JsonObject().put("role", "assistant").put("content", ""), null)));
                sendWord(resp, s, 0);
            });
            return;
        }
        resp.write(sse(chunk(id, model, created, new JsonObject().put("role", "assistant").put("content", ""), null)));
        sendWord(resp, s, 0);
    }

    private record Stream(String id, String model, long created, String[] words, int promptTokens, int completionTokens, String finish,
                          boolean usage, int cutAfter, int stallAfter, int malformedAfter, boolean noDone) {}

    private void sendWord(HttpServerResponse resp, Stream s, int i) {
        if (resp.closed()) return;
        if (i == s.stallAfter()) return; // the provider goes quiet mid-answer, the connection open
        if (i == s.malformedAfter()) resp.write("data: {\"id\":\"" + s.id() + "\",\"choices\":[{\"delta\":{\"content\n\n");
        if (s.cutAfter() >= 0 && i == s.cutAfter()) {
            // The provider's connection dies mid-stream. Not at once: a reset arriving with the last words
            // makes the receiving kernel drop what it has not yet handed to the reader.
            vertx.setTimer(200, t -> resp.reset());
            return;
        }
        if (i == s.words().length) {
            resp.write(sse(chunk(s.id(), s.model(), s.created(), new JsonObject(), s.finish())));
            if (s.usage()) {
                resp.write(sse(new JsonObject().put("id", s.id()).put("object", "chat.completion.chunk").put("created", s.created())
                        .put("model", s.model()).put("choices", new JsonArray()).put("usage", usage(s.promptTokens(), s.completionTokens()))));
            }
            if (s.noDone()) resp.end(); // the body ends cleanly, but the stream never said it was complete
            else resp.end("data: [DONE]\n\n");
            return;
        }
        resp.write(sse(chunk(s.id(), s.model(), s.created(), new JsonObject().put("content", (i == 0 ? "" : " ") + s.words()[i]), null)));
        if (chunkDelayMs > 0) {
            vertx.setTimer(chunkDelayMs, t -> sendWord(resp, s, i + 1));
        } else {
            sendWord(resp, s, i + 1);
        }
    }

    private void completion(HttpServerResponse resp, JsonObject in) {
        Object prompt = in.getValue("prompt", "");
        String model = in.getString("model", MODELS.get(0));
        String promptText = prompt instanceof String s ? s : String.valueOf(prompt);
        Reply reply = reply(model, promptText, in.getInteger("max_tokens"));
        json(resp, 200, new JsonObject().put("id", "cmpl-mock" + ids.incrementAndGet()).put("object", "text_completion")
                .put("created", now()).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("text", reply.text()).put("finish_reason", reply.finish())))
                .put("usage", usage(counter.count(model, promptText), reply.tokens())));
    }

    /** OpenAI's embeddings: the request checked as OpenAI does, deterministic vectors (8 wide for the mock's own models). */
    private void embeddings(HttpServerResponse resp, JsonObject in) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = MAPPER.readTree(in.encode());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String model = tree.path("model").isTextual() ? tree.get("model").asText() : null;
        String invalid = MockEmbeddings.invalidOpenAi(tree, model, false);
        if (invalid != null) {
            error(resp, 400, null, invalid);
            return;
        }
        resp.setStatusCode(200).putHeader("Content-Type", "application/json").end(MockEmbeddings.openAiAnswer(tree, model, counter).toString());
    }

    /** A made-up AWS access key id (valid in form only), for the demo of a model leaking a credential. */
    static final String DEMO_LEAKED_KEY = "AKIA" + "Z7QW3ERT5YUI2OPA";

    /**
     * The reply to a prompt. Two prompts are for showing the guardrails: {@code echo: …} replies with the
     * text the model received (so redaction and pseudonyms can be seen), and a prompt asking for the
     * {@code deploy key} makes the model leak a (made-up) credential mid-answer.
     */
    static String reply(String prompt) {
        String p = prompt.strip();
        if (p.regionMatches(true, 0, "echo:", 0, 5)) return "You wrote:" + p.substring(5);
        if (p.toLowerCase(java.util.Locale.ROOT).contains("deploy key")) {
            return "Sure. The deploy pipeline reads its credentials from the vault, and the key it uses today is " + DEMO_LEAKED_KEY
                    + " with the secret in the usual place. Rotate it after the release.";
        }
        int words = prompt.isBlank() ? 0 : prompt.trim().split("\\s+").length;
        return "Hello from Bastion's mock model. Your message had " + words + " word" + (words == 1 ? "" : "s")
                + ". This reply streams one word at a time so you can watch Bastion forward each chunk as it arrives.";
    }

    private static JsonObject chunk(String id, String model, long created, JsonObject delta, String finish) {
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finish)));
    }

    private static JsonObject usage(int prompt, int completion) {
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
    }

    private static Buffer sse(JsonObject data) {
        return Buffer.buffer("data: " + data.encode() + "\n\n");
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static void error(HttpServerResponse resp, int status, String code, String message) {
        json(resp, status, new JsonObject().put("error", new JsonObject().put("message", message).put("type", "invalid_request_error").put("code", code)));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
