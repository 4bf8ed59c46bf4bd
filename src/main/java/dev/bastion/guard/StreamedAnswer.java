package dev.bastion.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.llm.CompletionText;
import dev.bastion.llm.PromptText;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A streamed (SSE) answer on its way to the client, event by event: the model text in each chunk is
 * appended to its stream ({@link HeldText}), and an event goes out, in order, once every piece of text it
 * carries is decided — unchanged byte for byte when nothing in it was rewritten, re-serialised otherwise.
 * Events without model text (the role chunk, finish reasons, usage, comments) keep their place in line.
 * A finding that asks to block ends the answer: nothing more is released, and the client gets one SSE
 * error event and {@code [DONE]}.
 */
final class StreamedAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest single event inspected; a longer one cannot be held and ends the answer. */
    static final int MAX_EVENT_BYTES = 1 << 20;
    /** The most answer text kept for the injection score; what an agent acts on sits early enough in any answer. */
    static final int MAX_SCORED_CHARS = 64 * 1024;

    private final LlmApi api;
    private final Guard guard;
    private final Pseudonyms names;
    private final int window;
    private final AnswerRecord record;
    private final SseSplitter splitter = new SseSplitter(MAX_EVENT_BYTES);
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Map<String, HeldText> streams = new HashMap<>(2);
    private final StringBuilder said = new StringBuilder();
    private final StringBuilder repeated = new StringBuilder(); // text only repeated whole (a server that streams no deltas)
    private boolean scored;
    private Blocked blocked;

    /**
     * Why the answer was ended: an entity type the policy blocks, an event too large to inspect, or an
     * injection score at the policy's {@code injection.answers.block_at}.
     */
    record Blocked(Finding finding, boolean tooLarge, boolean injection) {
        Blocked(Finding finding, boolean tooLarge) {
            this(finding, tooLarge, false);
        }
    }

    private record Piece(HeldText text, String pointer, long start, long end, String original) {}

    private record Pending(Buffer raw, JsonNode json, List<Piece> pieces) {}

    StreamedAnswer(LlmApi api, Guard guard, Pseudonyms names, int window, AnswerRecord record) {
        this.api = api;
        this.guard = guard;
        this.names = names;
        this.window = window;
        this.record = record;
    }

    /** Why the answer was ended, or null while it goes on. */
    Blocked blocked() {
        return blocked;
    }

    /** Takes a chunk of the upstream's bytes; returns the events that may go to the client now. */
    Buffer feed(Buffer chunk) {
        if (blocked != null) return Buffer.buffer();
        List<Buffer> events = splitter.feed(chunk);
        if (splitter.overflowed()) {
            blocked = new Blocked(null, true);
            return Buffer.buffer();
        }
        for (Buffer event : events) {
            take(event);
            if (blocked != null) return Buffer.buffer();
        }
        return drain();
    }

    /** The upstream's body ended: everything still held is decided and released (or the answer blocked). */
    Buffer finish() {
        if (blocked != null) return Buffer.buffer();
        Buffer rest = splitter.rest();
        if (rest != null) take(rest);
        if (blocked == null) decideAll(true);
        return blocked != null ? Buffer.buffer() : drain();
    }

    /**
     * Scores what the model said, once, when it has said all of it: before {@code [DONE]} goes out, so a
     * block still keeps the client's SDK from seeing a finished answer to act on.
     */
    private void scoreAnswer() {
        if (scored || blocked != null) return;
        scored = true;
        Guard.AnswerInjection ai = guard.inspectAnswer((said.isEmpty() ? repeated : said).toString());
        record.injection(ai.verdict(), ai.action());
        if (ai.action() == Action.BLOCK) blocked = new Blocked(null, false, true);
    }

    private void take(Buffer event) {
        String data = SseSplitter.data(event);
        if (data == null || data.equals("[DONE]")) {
            // The end of the answer: nothing more can follow what is held, so all of it is decided.
            if (data != null) decideAll(true);
            queue.add(new Pending(event, null, List.of()));
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(data);
        } catch (java.io.IOException e) {
            json = null;
        }
        List<CompletionText.Delta> deltas = json == null ? List.of(new CompletionText.Delta("raw", null, data)) : CompletionText.deltas(api, json);
        boolean last = CompletionText.finalEvent(api, json); // a Responses API stream has no [DONE]: its final event ends the answer
        if (deltas.isEmpty()) {
            if (last) decideAll(true);
            queue.add(new Pending(event, null, List.of()));
            return;
        }
        List<Piece> pieces = new ArrayList<>(deltas.size());
        List<HeldText> touched = new ArrayList<>(deltas.size());
        for (CompletionText.Delta d : deltas) {
            HeldText text = streams.computeIfAbsent(d.stream(), k -> new HeldText(guard, names, window, record));
            long start = text.append(d.text());
            StringBuilder scored = d.repeat() ? repeated : said;
            if (!d.reasoning() && scored.length() < MAX_SCORED_CHARS) scored.append(d.text(), 0, Math.min(d.text().length(), MAX_SCORED_CHARS - scored.length()));
            pieces.add(new Piece(text, d.pointer(), start, start + d.text().length(), d.text()));
            if (!touched.contains(text)) touched.add(text);
        }
        queue.add(new Pending(event, json, pieces));
        for (HeldText t : touched) {
            Finding f = t.decide(last);
            if (f != null) {
                blocked = new Blocked(f, false);
                return;
            }
        }
        if (last) decideAll(true);
    }

    private void decideAll(boolean last) {
        for (HeldText t : streams.values()) {
            Finding f = t.decide(last);
            if (f != null) {
                blocked = new Blocked(f, false);
                return;
            }
        }
        if (last) scoreAnswer();
    }

    /** Sends the events at the head of the line whose text is all decided. */
    private Buffer drain() {
        Buffer out = null;
        while (!queue.isEmpty() && decided(queue.peekFirst())) {
            Buffer b = render(queue.pollFirst());
            if (out == null) out = b;
            else out.appendBuffer(b);
        }
        return out == null ? Buffer.buffer() : out;
    }

    private static boolean decided(Pending p) {
        for (Piece piece : p.pieces()) if (piece.end() > piece.text().released()) return false;
        return true;
    }

    private Buffer render(Pending p) {
        if (p.pieces().isEmpty()) return p.raw();
        boolean changed = false;
        String[] texts = new String[p.pieces().size()];
        for (int i = 0; i < texts.length; i++) {
            Piece piece = p.pieces().get(i);
            texts[i] = piece.text().render(piece.start(), piece.end());
            changed |= !texts[i].equals(piece.original());
        }
        if (!changed) return p.raw();
        String lines = SseSplitter.otherLines(p.raw()); // the event's name and id stay with it
        if (p.json() == null) return Buffer.buffer(lines + "data: " + texts[0].replace("\n", "\ndata: ") + "\n\n");
        for (int i = 0; i < texts.length; i++) PromptText.replace(p.json(), p.pieces().get(i).pointer(), texts[i]);
        try {
            return Buffer.buffer(lines + "data: ").appendBytes(JSON.writeValueAsBytes(p.json())).appendString("\n\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree just parsed always serialises
        }
    }
}
