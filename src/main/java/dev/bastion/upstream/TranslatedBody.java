package dev.bastion.upstream;

import dev.bastion.llm.provider.ChatProvider;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.UnaryOperator;

/**
 * A provider's response body read as OpenAI's format, so the response filters (usage meter, answer
 * guard) and the client see one format whatever the provider. A stream is translated event by event as
 * it arrives; a whole answer is held to its end (up to {@link #MAX_WHOLE_BYTES}) and translated once.
 * Flow control is the source's: pause, resume and fetch go straight through.
 */
final class TranslatedBody implements ReadStream<Buffer>, StreamStatus {
    /** A whole answer larger than this is not a chat completion: the exchange fails instead of holding it. */
    static final int MAX_WHOLE_BYTES = 32 * 1024 * 1024;

    private final ReadStream<Buffer> source;
    private final ChatProvider.StreamTranslator stream; // null: a whole answer
    private final UnaryOperator<Buffer> wholeAnswer; // null: a stream
    private Buffer whole;
    private boolean unreadable;
    private Handler<Buffer> handler;
    private Handler<Throwable> exceptionHandler;
    private boolean failed;

    private TranslatedBody(ReadStream<Buffer> source, ChatProvider.StreamTranslator stream, UnaryOperator<Buffer> wholeAnswer) {
        this.source = source;
        this.stream = stream;
        this.wholeAnswer = wholeAnswer;
        this.whole = stream != null ? null : Buffer.buffer();
    }

    static TranslatedBody stream(ReadStream<Buffer> source, ChatProvider provider, String model, boolean usageChunk) {
        return new TranslatedBody(source, provider.stream(model, usageChunk), null);
    }

    static TranslatedBody whole(ReadStream<Buffer> source, ChatProvider provider, int status, String model) {
        return whole(source, provider, status, MultiMap.caseInsensitiveMultiMap(), model);
    }

    /** @param headers the answer's, as received (a whole answer's error may be named in one) */
    static TranslatedBody whole(ReadStream<Buffer> source, ChatProvider provider, int status, MultiMap headers, String model) {
        return whole(source, body -> provider.answer(status, headers, body, model));
    }

    /** A whole answer, held to its end and translated once by {@code translate}. */
    static TranslatedBody whole(ReadStream<Buffer> source, UnaryOperator<Buffer> translate) {
        return new TranslatedBody(source, null, translate);
    }

    @Override
    public String failure() {
        return failed ? "upstream_answer_too_large" : unreadable ? "upstream_invalid_answer" : stream != null && stream.failed() ? "upstream_stream_error" : null;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        this.handler = h;
        if (h == null) {
            source.handler(null);
            return this;
        }
        source.handler(chunk -> {
            if (failed) return;
            if (stream != null) {
                emit(stream.feed(chunk));
            } else if (whole.length() + chunk.length() > MAX_WHOLE_BYTES) {
                failed = true;
                if (exceptionHandler != null) exceptionHandler.handle(new IllegalStateException("answer larger than " + MAX_WHOLE_BYTES + " bytes"));
            } else {
                whole.appendBuffer(chunk);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> end) {
        if (end == null) {
            source.endHandler(null);
            return this;
        }
        source.endHandler(v -> {
            if (failed) return;
            emit(stream != null ? stream.end() : translateWhole());
            end.handle(null);
        });
        return this;
    }

    /** The whole answer translated; a success that is not the provider's answer is a failure, marked before it is emitted. */
    private Buffer translateWhole() {
        try {
            return wholeAnswer.apply(whole);
        } catch (ChatProvider.UnreadableAnswer e) {
            unreadable = true;
            return e.body();
        }
    }

    private void emit(Buffer out) {
        if (out != null && out.length() > 0 && handler != null) handler.handle(out);
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        this.exceptionHandler = h;
        source.exceptionHandler(h);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }
}
