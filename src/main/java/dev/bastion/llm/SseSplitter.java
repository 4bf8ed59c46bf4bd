package dev.bastion.llm;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a server-sent-events byte stream into whole events, however the network split it, without
 * changing a byte: each event comes out with its own line endings and the blank line that ends it
 * ({@code \n}, {@code \r\n} or {@code \r}, per the SSE spec). Only an incomplete last event is held back,
 * so a stream still reaches the client event by event.
 */
public final class SseSplitter {
    private final int maxPending;
    private Buffer pending = Buffer.buffer();
    private int scan;      // next byte to look at
    private int lineStart; // where the current line began
    private boolean overflowed;

    /** @param maxPending the largest single event held back; a longer one ends the splitting ({@link #overflowed()}) */
    public SseSplitter(int maxPending) {
        this.maxPending = maxPending;
    }

    /** The whole events this chunk completed, in order (possibly none). After an overflow: the chunk as it is. */
    public List<Buffer> feed(Buffer chunk) {
        if (overflowed) return List.of(chunk);
        pending.appendBuffer(chunk);
        List<Buffer> events = new ArrayList<>(2);
        int eventStart = 0;
        int len = pending.length();
        int i = scan;
        while (i < len) {
            byte b = pending.getByte(i);
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int term = 1;
            if (b == '\r') {
                if (i + 1 >= len) break; // a \r\n may be split across chunks: wait for the next byte
                if (pending.getByte(i + 1) == '\n') term = 2;
            }
            boolean blank = i == lineStart;
            i += term;
            lineStart = i;
            if (blank) {
                events.add(pending.getBuffer(eventStart, i));
                eventStart = i;
            }
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, len);
            i -= eventStart;
            lineStart -= eventStart;
        }
        scan = i;
        if (pending.length() > maxPending) {
            overflowed = true;
            events.add(pending);
            pending = Buffer.buffer();
        }
        return events;
    }

    /** At the end of the stream: the incomplete last event, if any (a cut stream). */
    public Buffer rest() {
        Buffer r = pending;
        pending = Buffer.buffer();
        scan = 0;
        lineStart = 0;
        return r.length() == 0 ? null : r;
    }

    /** An event longer than the limit arrived; the rest of the stream was passed through unsplit. */
    public boolean overflowed() {
        return overflowed;
    }

    /**
     * The event's lines other than its {@code data} lines ({@code event:}, {@code id:}, {@code retry:}, comments), each
     * ended by {@code \n}, without the blank line that ends the event: what a rewritten event keeps of the original.
     */
    public static String otherLines(Buffer event) {
        String s = event.toString(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int end = i;
            while (end < n && s.charAt(end) != '\n' && s.charAt(end) != '\r') end++;
            if (end > i && !s.startsWith("data:", i)) out.append(s, i, end).append('\n');
            i = end;
            if (i < n && s.charAt(i) == '\r') i++;
            if (i < n && s.charAt(i) == '\n') i++;
        }
        return out.toString();
    }

    /** The event's {@code data} lines joined by {@code \n} (the SSE rule), or null when it has none. */
    public static String data(Buffer event) {
        String s = event.toString(StandardCharsets.UTF_8);
        StringBuilder out = null;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int end = i;
            while (end < n && s.charAt(end) != '\n' && s.charAt(end) != '\r') end++;
            if (s.startsWith("data:", i)) {
                int from = i + 5;
                if (from < end && s.charAt(from) == ' ') from++;
                if (out == null) out = new StringBuilder(end - from);
                else out.append('\n');
                out.append(s, from, end);
            }
            i = end;
            if (i < n && s.charAt(i) == '\r') i++;
            if (i < n && s.charAt(i) == '\n') i++;
        }
        return out == null ? null : out.toString();
    }
}
