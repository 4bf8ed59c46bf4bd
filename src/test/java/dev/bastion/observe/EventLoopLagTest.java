package dev.bastion.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.testing.Eventually;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopLagTest {
    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EventLoopLag lag = new EventLoopLag(registry, Duration.ofMillis(20));

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aLoopBusyWithOtherWorkShowsAsLag() throws Exception {
        Context loop = vertx.getOrCreateContext();
        EventLoopLag.Probe probe = onLoop(loop, () -> lag.measureCurrentLoop(vertx, "loop-1"));
        Timer timer = registry.get("bastion.event.loop.lag").tag("loop", "loop-1").timer();
        Eventually.until("a few probes on an idle loop", () -> timer.count() >= 3);

        // A handler that hogs the loop: the probe's timer, due meanwhile, runs only after it.
        onLoop(loop, () -> {
            Thread.sleep(300);
            return null;
        });
        Eventually.until("the probe after the busy handler", () -> timer.max(TimeUnit.MILLISECONDS) >= 250);
        probe.close();
    }

    @Test
    void aClosedProbeStopsMeasuring() throws Exception {
        Context loop = vertx.getOrCreateContext();
        EventLoopLag.Probe probe = onLoop(loop, () -> lag.measureCurrentLoop(vertx, "loop-2"));
        Timer timer = registry.get("bastion.event.loop.lag").tag("loop", "loop-2").timer();
        Eventually.until("a probe", () -> timer.count() >= 1);
        onLoop(loop, () -> {
            probe.close();
            return null;
        });
        long after = timer.count();
        // Ten intervals on the same loop: a probe still scheduled would have fired by the time this task runs.
        CompletableFuture<Void> later = new CompletableFuture<>();
        loop.runOnContext(v -> vertx.setTimer(200, id -> later.complete(null)));
        later.get(10, TimeUnit.SECONDS);
        assertThat(timer.count()).isEqualTo(after);
    }

    @Test
    void measuresOnlyFromAnEventLoop() {
        assertThatThrownBy(() -> lag.measureCurrentLoop(vertx, "main")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on an event loop");
        assertThatThrownBy(() -> new EventLoopLag(registry, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 ms");
    }

    private static <T> T onLoop(Context loop, java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }
}
