package dev.bastion.respond;

import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ActiveResponses} current from the store, the path that needs no Redis: every action in force at
 * start (so a block survives a restart), then every {@code poll_interval} what was made or lifted since the last
 * poll (with an overlap: rows commit out of order and writers' clocks differ). Each poll then runs its owner's
 * {@code afterPoll}: the rules' runtime marks the actions that expired, each once across all nodes, with its
 * {@code response.lifted} event; the incident switches do the same for theirs. A store failure is logged and
 * retried; what is known stays in force until its expiry.
 */
public final class ResponseFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResponseFeed.class);
    private static final Duration OVERLAP = Duration.ofSeconds(30);

    private final Store store;
    private final Consumer<ResponseAction> apply;
    private final Runnable afterPoll;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bastion-responses");
        t.setDaemon(true);
        return t;
    });
    private Instant polledUpTo;
    private boolean failing;

    /** @param afterPoll runs after each poll that reached the store (blocking is fine: the feed has its own thread) */
    public ResponseFeed(Store store, Consumer<ResponseAction> apply, Runnable afterPoll, Clock clock) {
        this.store = store;
        this.apply = apply;
        this.afterPoll = afterPoll;
        this.clock = clock;
    }

    /** Loads what is in force (blocking), then polls in the background. */
    public ResponseFeed start(Duration pollInterval) {
        Instant now = clock.instant();
        for (ResponseAction a : store.responses().active(now)) apply.accept(a);
        polledUpTo = now;
        long ms = pollInterval.toMillis();
        timer.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    void poll() {
        Instant now = clock.instant();
        Instant from = polledUpTo.minus(OVERLAP);
        for (ResponseAction a : store.responses().changedSince(from.isBefore(Instant.EPOCH) ? Instant.EPOCH : from)) apply.accept(a);
        polledUpTo = now;
        afterPoll.run();
    }

    private void pollSafely() {
        try {
            poll();
            if (failing) log.info("responses: the store answers again");
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) log.warn("responses: store poll failed (what is known stays in force until it expires): {}", e.getClass().getSimpleName());
            failing = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
