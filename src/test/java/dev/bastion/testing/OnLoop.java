package dev.bastion.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs work on an event loop, as the gateway's controls run, and waits for its result (10 s at most). */
public final class OnLoop {
    private OnLoop() {}

    public static <T> T await(Context loop, Supplier<Future<T>> work) throws Exception {
        Promise<T> p = Promise.promise();
        loop.runOnContext(v -> work.get().onComplete(p));
        return p.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
