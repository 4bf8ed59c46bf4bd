package dev.bastion.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.detect.Finding;
import dev.bastion.detect.markup.ActiveMarkup;
import dev.bastion.chain.ErrorBody;
import dev.bastion.llm.CompletionText;
import dev.bastion.llm.PromptText;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The response side of the guardrails (G4): the model's answer is inspected before the client sees it.
 * A whole answer is held (bounded), scanned and then rewritten or refused with 502; a streamed one goes
 * out event by event behind a bounded hold-back window ({@link StreamedAnswer}), and a block mid-stream
 * ends it with an SSE error event and {@code [DONE]}. Placeholders of this request's pseudonyms are put
 * back for the caller either way. Error answers (not 2xx) pass unchanged.
 */
final class AnswerGuard implements ResponseFilter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest answer buffer made ahead of its bytes: an upstream's Content-Length is a hint, not a promise. */
    private static final int MAX_PRESIZE = 64 * 1024;

    private enum Mode { PASS, STREAM, WHOLE, UNREADABLE }

    private final Exchange ex;
    private final LlmApi api;
    private final Guard guard;
    private final Pseudonyms names;
    private final AnswerRecord record = new AnswerRecord();
    private Mode mode = Mode.PASS;
    private StreamedAnswer stream;
    private Buffer whole;
    private boolean tooLarge;
    private boolean cut;
    private Verdict.Deny refusal;

    AnswerGuard(Exchange ex, LlmApi api, Guard guard, Pseudonyms names) {
        this.ex = ex;
        this.api = api;
        this.guard = guard;
        this.names = names;
    }

    AnswerRecord record() {
        return record;
    }

    boolean streamed() {
        return mode == Mode.STREAM;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        if (status < 200 || status >= 300) return;
        String encoding = headers.get("Content-Encoding");
        if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
            // Bastion asks for identity; an upstream that compresses anyway cannot be inspected, so it is refused.
            mode = Mode.UNREADABLE;
        } else {
            String type = headers.get("Content-Type");
            mode = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17) ? Mode.STREAM : Mode.WHOLE;
        }
        long announced = contentLength(headers); // sizes the buffer a whole answer is held in
        headers.remove("Content-Length"); // redaction changes the length
        if (mode == Mode.STREAM) stream = new StreamedAnswer(api, guard, names, guard.policy().output().streamWindow(), record);
        else whole = announced > 0 ? Buffer.buffer((int) Math.min(announced, MAX_PRESIZE)) : Buffer.buffer();
    }

    private static long contentLength(MultiMap headers) {
        try {
            String length = headers.get("Content-Length");
            return length == null ? 0 : Math.max(0, Long.parseLong(length.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        switch (mode) {
            case PASS:
                return chunk;
            case STREAM: {
                Buffer out = stream.feed(chunk);
                if (stream.blocked() != null) return endStream();
                return out;
            }
            case UNREADABLE:
                refuse(502, "answer_not_inspectable", "The upstream sent a compressed answer, which the guardrails cannot inspect; it was withheld.");
                return Buffer.buffer();
            default:
                if ((long) whole.length() + chunk.length() > guard.policy().output().maxBody().bytes()) {
                    tooLarge = true;
                    refuse(502, "answer_too_large", "The answer exceeds the " + guard.policy().output().maxBody().bytes() + " bytes the guardrails inspect; it was withheld.");
                } else {
                    whole.appendBuffer(chunk);
                }
                return Buffer.buffer();
        }
    }

    @Override
    public Buffer onEnd() {
        switch (mode) {
            case PASS:
                return null;
            case STREAM: {
                Buffer out = stream.finish();
                if (stream.blocked() != null) return endStream();
                return out;
            }
            case UNREADABLE:
                refuse(502, "answer_not_inspectable", "The upstream sent a compressed answer, which the guardrails cannot inspect; it was withheld.");
                return null;
            default:
                return tooLarge ? null : inspectWhole();
        }
    }

    @Override
    public boolean cut() {
        return cut;
    }

    @Override
    public Verdict.Deny refusal() {
        return refusal;
    }

    /** Whether the answer was stopped (a cut stream, or a withheld whole answer). */
    boolean stopped() {
        return cut || refusal != null;
    }

    private Buffer inspectWhole() {
        // The exchange's parse of the answer, shared with the usage meter; null when not JSON (inspected as one text).
        JsonNode json = ex.answerJson(whole).tree();
        List<PromptText.Segment> segments;
        if (json != null && json.isContainerNode()) {
            segments = json.has("choices") || api == LlmApi.RESPONSES && json.has("output") ? CompletionText.of(api, json) : allStrings(json);
        } else {
            segments = List.of(new PromptText.Segment(null, whole.toString(StandardCharsets.UTF_8)));
        }
        if (!scoreInjection(segments)) return null;
        boolean changed = false;
        List<String> rendered = new ArrayList<>(segments.size());
        for (PromptText.Segment seg : segments) {
            // Nothing found and no placeholder to put back (most answers): the text goes out as it came,
            // as HeldText would decide, without copying it through one.
            if ((names == null || names.isEmpty()) && guard.inspectAnswerText(seg.text(), true).isEmpty()) {
                rendered.add(seg.text());
                continue;
            }
            HeldText text = new HeldText(guard, names, guard.policy().output().streamWindow(), record);
            text.append(seg.text());
            Finding blocked = text.decide(true);
            if (blocked != null) {
                refuse(blocked);
                return null;
            }
            String out = text.render(0, seg.text().length());
            rendered.add(out);
            changed |= !out.equals(seg.text());
        }
        if (!changed) return whole;
        if (json == null || !json.isContainerNode()) return Buffer.buffer(rendered.getFirst());
        for (int i = 0; i < segments.size(); i++) PromptText.replace(json, segments.get(i).pointer(), rendered.get(i));
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree just parsed always serialises
        }
    }

    /** Scores the whole answer's text for injection (G4); false when the policy blocks it, which withholds it. */
    private boolean scoreInjection(List<PromptText.Segment> segments) {
        StringBuilder said = new StringBuilder();
        for (PromptText.Segment seg : segments) {
            if (seg.part() == PromptText.Part.FIELD) continue; // the model's reasoning: inspected, not scored as instructions
            if (said.length() >= StreamedAnswer.MAX_SCORED_CHARS) break;
            if (!said.isEmpty()) said.append('\n');
            said.append(seg.text(), 0, Math.min(seg.text().length(), StreamedAnswer.MAX_SCORED_CHARS - said.length()));
        }
        Guard.AnswerInjection ai = guard.inspectAnswer(said.toString());
        record.injection(ai.verdict(), ai.action());
        if (ai.action() != Action.BLOCK) return true;
        Verdict.Deny d = injectionReason("it was withheld.");
        refuse(d.status(), d.reason(), d.message());
        return false;
    }

    private Verdict.Deny injectionReason(String what) {
        return new Verdict.Deny(502, "prompt_injection_in_answer", "The model's answer looks like an instruction aimed at the caller's tools or agent ("
                + String.join(", ", record.injection().signals()) + "); " + what);
    }

    /** An answer in a shape Bastion does not know: every string in it is model text until shown otherwise. */
    private static List<PromptText.Segment> allStrings(JsonNode json) {
        List<PromptText.Segment> out = new ArrayList<>();
        strings(json, "", out, 0);
        return out;
    }

    private static void strings(JsonNode node, String at, List<PromptText.Segment> out, int depth) {
        if (depth > 64) return;
        if (node.isTextual()) out.add(new PromptText.Segment(at, node.asText()));
        else if (node.isObject()) node.properties().forEach(e -> strings(e.getValue(), at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out, depth + 1));
        else if (node.isArray()) for (int i = 0; i < node.size(); i++) strings(node.get(i), at + "/" + i, out, depth + 1);
    }

    /** Ends a stream: one SSE error event (the shape OpenAI's clients raise as an error) and [DONE], or a Responses API error event. */
    private Buffer endStream() {
        cut = true;
        StreamedAnswer.Blocked b = stream.blocked();
        Verdict.Deny why = b.tooLarge()
                ? new Verdict.Deny(502, "answer_not_inspectable", "A streamed event was too large to inspect; the rest of the answer was withheld.")
                : b.injection() ? injectionReason("the end of the answer was withheld.")
                : reason(b.finding(), "the rest of the answer was withheld.");
        ex.errorCode(why.reason());
        if (api == LlmApi.RESPONSES) {
            // The Responses API's own error event; its streams have no [DONE], and no response.completed follows.
            String error = new io.vertx.core.json.JsonObject().put("type", "error").put("code", why.reason()).put("message", why.message())
                    .put("param", (String) null).put("request_id", ex.requestId()).encode();
            return Buffer.buffer("event: error\ndata: " + error + "\n\n");
        }
        String error = ErrorBody.json(why.reason(), why.message(), ex.requestId());
        return Buffer.buffer("data: " + error + "\n\ndata: [DONE]\n\n");
    }

    private void refuse(Finding f) {
        Verdict.Deny d = reason(f, "it was withheld.");
        refuse(d.status(), d.reason(), d.message());
    }

    private void refuse(int status, String code, String message) {
        cut = true;
        if (refusal == null) refusal = new Verdict.Deny(status, code, message);
    }

    /** The reason an answer is stopped for: names every type the answer was blocked for, never content. */
    private Verdict.Deny reason(Finding f, String what) {
        Set<String> types = new TreeSet<>();
        for (var e : record.actions().entrySet()) if (e.getValue() == Action.BLOCK) types.add(e.getKey());
        types.add(f.type());
        String code = switch (f.category()) {
            case SECRET -> "secret_in_answer";
            case MARKUP -> f.type().equals(ActiveMarkup.SCRIPT_LINK) ? "script_link_in_answer" : "remote_image_in_answer"; // an HTML image too
            case PII, CUSTOM -> "pii_in_answer";
        };
        String said = switch (f.category()) {
            case SECRET -> "a credential";
            case MARKUP -> f.type().equals(ActiveMarkup.SCRIPT_LINK) ? "a link that runs script when followed"
                    : "an image a renderer would fetch from a host this route does not allow";
            case PII, CUSTOM -> "personal data this route does not deliver";
        };
        return new Verdict.Deny(502, code, "The model's answer contained " + said + " (" + String.join(", ", types) + "); " + what);
    }
}
