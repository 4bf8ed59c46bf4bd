package dev.bastion.llm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures what an LLM response used while it passes through: the provider's own {@code usage} when it
 * reports one (a JSON body's, or a stream's usage chunk), and otherwise the completion text it carried,
 * counted with the model's encoding — so a stream cut mid-way is still accounted for what it delivered.
 * <p>
 * For a stream, the usage chunk Bastion asked for on the client's behalf (the one with empty
 * {@code choices}) is taken out when {@code stripUsageChunk} is set; every other byte passes unchanged,
 * event by event. A JSON body is copied aside (up to {@code maxBuffered}) and read at its end.
 */
public final class ResponseMeter {
    /** The largest SSE event or JSON body read; beyond it the response passes unmeasured ({@link #measurable()}). */
    public static final int DEFAULT_MAX_BUFFERED = 8 * 1024 * 1024;

    private final TokenCounter counter;
    private final String model;
    private final boolean stripUsageChunk;
    private final int maxBuffered;
    private final java.util.function.Function<Buffer, JsonNode> parser;
    private boolean sse;
    private SseSplitter splitter;
    private Buffer json;
    private boolean tooLarge;
    private Usage reported;
    private long counted;

    public ResponseMeter(TokenCounter counter, String model, boolean stripUsageChunk, int maxBuffered) {
        this(counter, model, stripUsageChunk, maxBuffered, ResponseMeter::parse);
    }

    /** @param parser parses a whole JSON body (the exchange's shared parse of the answer); null when it is not JSON */
    public ResponseMeter(TokenCounter counter, String model, boolean stripUsageChunk, int maxBuffered,
                         java.util.function.Function<Buffer, JsonNode> parser) {
        this.parser = parser;
        this.counter = counter;
        this.model = model;
        this.stripUsageChunk = stripUsageChunk;
        this.maxBuffered = maxBuffered;
    }

    /** Whether the response is an event stream (from its {@code Content-Type}); call before the first chunk. */
    public void contentType(String contentType) {
        sse = contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
        if (sse) splitter = new SseSplitter(maxBuffered);
        else json = Buffer.buffer();
    }

    /** Meters a chunk; returns what to forward in its place. */
    public Buffer onChunk(Buffer chunk) {
        if (!sse) {
            if (json == null) contentType(null);
            if (!tooLarge) {
                if (json.length() + chunk.length() > maxBuffered) {
                    tooLarge = true;
                    json = null;
                } else {
                    json.appendBuffer(chunk);
                }
            }
            return chunk;
        }
        List<Buffer> events = splitter.feed(chunk);
        if (splitter.overflowed()) tooLarge = true;
        if (events.isEmpty()) return Buffer.buffer();
        if (events.size() == 1) return keep(events.get(0)) ? events.get(0) : Buffer.buffer();
        Buffer out = Buffer.buffer(chunk.length());
        for (Buffer e : events) if (keep(e)) out.appendBuffer(e);
        return out;
    }

    /** The body ended: anything still held back (an incomplete last event is forwarded as it is). */
    public Buffer onEnd() {
        if (!sse) {
            if (json != null && !tooLarge) readJson(json);
            json = null;
            return null;
        }
        return splitter.rest();
    }

    /** The usage the provider reported, or null. */
    public Usage reported() {
        return reported;
    }

    /** Completion tokens counted from the text that passed (for when no usage was reported). */
    public long countedCompletionTokens() {
        return counted;
    }

    /** False when the response was too large to read, so neither usage nor text could be measured. */
    public boolean measurable() {
        return !tooLarge;
    }

    private boolean keep(Buffer event) {
        if (tooLarge) return true;
        String data = SseSplitter.data(event);
        if (data == null || data.isEmpty() || "[DONE]".equals(data)) return true;
        JsonNode chunk;
        try {
            chunk = LlmRequest.MAPPER.readTree(data);
        } catch (JacksonException e) {
            return true; // not ours to judge: forwarded as it came
        }
        if (chunk == null || !chunk.isObject()) return true;
        Usage u = Usage.of(chunk);
        JsonNode choices = chunk.get("choices");
        if (choices != null && choices.isArray()) {
            for (JsonNode c : choices) counted += completionText(c.has("delta") ? c.get("delta") : c);
        }
        // A Responses API stream: text in its *.delta events, the usage in the final response (response.completed).
        if (chunk.path("type").asText("").endsWith(".delta")) counted += text(chunk.get("delta"));
        if (u == null && chunk.path("response").isObject()) u = Usage.of(chunk.get("response"));
        if (u == null) return true;
        reported = u;
        boolean usageOnly = choices == null || (choices.isArray() && choices.isEmpty());
        return !(stripUsageChunk && usageOnly);
    }

    private static JsonNode parse(Buffer body) {
        try {
            return LlmRequest.MAPPER.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void readJson(Buffer body) {
        JsonNode root = parser.apply(body);
        if (root == null || !root.isObject()) return;
        reported = Usage.of(root);
        if (reported != null) return; // the provider's own count settles it: no need to count the text
        JsonNode choices = root.get("choices");
        if (choices != null && choices.isArray()) {
            for (JsonNode c : choices) counted += completionText(c.has("message") ? c.get("message") : c);
        }
        List<PromptText.Segment> output = new ArrayList<>(); // a Responses API answer's output items
        CompletionText.outputItems(root.get("output"), "/output", output);
        for (PromptText.Segment s : output) counted += counter.count(model, s.text());
    }

    /** Tokens of the generated text in a message, a stream delta or a completion choice. */
    private long completionText(JsonNode m) {
        long n = 0;
        n += text(m.get("content"));
        n += text(m.get("text"));
        n += text(m.get("refusal"));
        n += text(m.get("reasoning_content"));
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode c : calls) {
                n += text(c.path("function").get("name"));
                n += text(c.path("function").get("arguments"));
            }
        }
        return n;
    }

    private long text(JsonNode node) {
        return node != null && node.isTextual() ? counter.count(model, node.asText()) : 0;
    }
}
