package dev.bastion.failover;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A response body whose first bytes (or all of it) were read ahead — to see that an answer really began
 * before committing to it, or to read a provider's error before deciding to try elsewhere — replayed to
 * its consumer before the rest of the source flows. Confined to the exchange's event loop.
 */
final class HeldBody implements ReadStream<Buffer>, dev.bastion.upstream.StreamStatus {
    private final ReadStream<Buffer> source; // null: everything is held
    private Buffer held;
    private boolean ended;
    private boolean endDelivered;
    private boolean paused = true;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;

    private HeldBody(ReadStream<Buffer> source, Buffer held, boolean ended) {
        this.source = source;
        this.held = held;
        this.ended = ended;
    }

    /** The first chunk was read; the rest is still in the (paused) source. */
    static HeldBody startingWith(Buffer first, ReadStream<Buffer> rest) {
        return new HeldBody(rest, first, false);
    }

    /** The whole body was read. */
    static HeldBody whole(Buffer body) {
        return new HeldBody(null, body, true);
    }

    /** The source ended right after the held bytes (a whole answer translated at its end): nothing more will come. */
    void sourceEnded() {
        ended = true;
    }

    /** The held bytes (the first chunk, or the whole body). */
    Buffer held() {
        return held;
    }

    @Override
    public String failure() {
        return source instanceof dev.bastion.upstream.StreamStatus s ? s.failure() : null;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        handler = h;
        if (source != null && !ended) source.handler(h);
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        if (source != null && !ended) source.exceptionHandler(h);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        endHandler = h;
        if (source != null && !ended) source.endHandler(h);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        paused = true;
        if (source != null && !ended) source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        paused = false;
        if (held != null) {
            Buffer first = held;
            held = null;
            if (handler != null && first.length() > 0) handler.handle(first);
            if (paused) return this; // the consumer paused on the held bytes: the source stays paused
        }
        if (ended) {
            if (!endDelivered) {
                endDelivered = true;
                if (endHandler != null) endHandler.handle(null);
            }
            return this;
        }
        if (source != null) source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount <= 0) return this;
        if (held != null) { // the held bytes count as one of the items asked for
            Buffer first = held;
            held = null;
            if (handler != null && first.length() > 0) handler.handle(first);
            amount--;
        }
        if (ended) {
            if (!endDelivered) {
                endDelivered = true;
                if (endHandler != null) endHandler.handle(null);
            }
        } else if (source != null && amount > 0) {
            source.fetch(amount);
        }
        return this;
    }
}
