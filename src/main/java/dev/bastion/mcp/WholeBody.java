package dev.bastion.mcp;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An answer Bastion made itself (a merged list, a JSON-RPC error), handed to the relay as a response body: one
 * chunk, then the end, once the consumer asks. Confined to the exchange's event loop.
 */
final class WholeBody implements ReadStream<Buffer> {
    private Buffer pending;
    private boolean ended;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;

    WholeBody(Buffer body) {
        this.pending = body;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        handler = h;
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        return this; // nothing can fail
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        endHandler = h;
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (amount <= 0 || ended) return this;
        Buffer b = pending;
        pending = null;
        if (b != null && b.length() > 0 && handler != null) handler.handle(b);
        if (!ended) {
            ended = true;
            if (endHandler != null) endHandler.handle(null);
        }
        return this;
    }
}
