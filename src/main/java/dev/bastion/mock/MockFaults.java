package dev.bastion.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the mock provider plays on its chat endpoints (and OpenAI's embeddings), for the failover tests, {@code bench/failover.sh}
 * and the demo: the failures providers really produce — a 429 with or without {@code Retry-After}, a 500,
 * a 503, a connection closed after the request, no answer at all, a slow first token, a stream cut, stalled
 * or broken mid-answer, a stream without {@code [DONE]}, the context-length and content-filter 400s, and a
 * model that refuses an assistant prefill. Queued over the control endpoint
 * ({@code POST /_mock/faults {"faults":[{"kind":"status","status":429,"times":1}]}}, {@code DELETE} clears,
 * {@code GET /_mock/stats} counts the chat requests seen) or set for good with {@code mock-llm --fault}.
 * Shared by the mock's event loops; thread-safe.
 */
public final class MockFaults {
    /** What goes wrong; {@code arg} is the kind's number (a status, words before a stream fault, milliseconds). */
    public enum Kind { STATUS, CONTEXT_LENGTH, CONTENT_FILTER, RESET, NO_RESPONSE, SLOW_FIRST_TOKEN, CUT_AFTER, STALL_AFTER, MALFORMED_AFTER, NO_DONE, REJECT_PREFILL, UNREADABLE }

    /**
     * @param retryAfter the {@code Retry-After} value to send with a status fault, or null
     * @param times      how many chat requests it applies to; -1: all of them
     */
    public record Fault(Kind kind, int arg, String retryAfter, int times) {
        static Fault parse(JsonObject o) {
            Kind kind = Kind.valueOf(o.getString("kind", "").toUpperCase(Locale.ROOT));
            int arg = o.getInteger("status", o.getInteger("words", o.getInteger("ms", kind == Kind.STATUS ? 500 : 0)));
            Object ra = o.getValue("retry_after");
            return new Fault(kind, arg, ra == null ? null : String.valueOf(ra), o.getInteger("times", 1));
        }

        /** {@code kind[:arg]}, e.g. {@code status:503}, {@code cut_after:3}, {@code no_done}: applies to every request. */
        public static Fault parse(String spec) {
            String[] parts = spec.split(":", 2);
            Kind kind = Kind.valueOf(parts[0].trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            int arg = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : kind == Kind.STATUS ? 500 : 0;
            return new Fault(kind, arg, null, -1);
        }
    }

    private final Deque<Fault> queue = new ArrayDeque<>();
    private final AtomicLong chatRequests = new AtomicLong();

    /** The fault for the next chat request, or null; counts the request. */
    public synchronized Fault next() {
        chatRequests.incrementAndGet();
        Fault f = queue.peekFirst();
        if (f == null) return null;
        if (f.times() > 0) {
            queue.pollFirst();
            if (f.times() > 1) queue.addFirst(new Fault(f.kind(), f.arg(), f.retryAfter(), f.times() - 1));
        }
        return f;
    }

    public synchronized void add(Fault f) {
        queue.addLast(f);
    }

    /** Replaces the queue with the faults of a control request's body. */
    public synchronized void set(JsonArray faults) {
        queue.clear();
        for (int i = 0; i < faults.size(); i++) queue.addLast(Fault.parse(faults.getJsonObject(i)));
    }

    public synchronized void clear() {
        queue.clear();
        chatRequests.set(0);
    }

    public long chatRequests() {
        return chatRequests.get();
    }
}
