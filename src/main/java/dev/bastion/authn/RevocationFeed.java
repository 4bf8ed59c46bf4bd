package dev.bastion.authn;

import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RevocationList} current from the store: everything unexpired at start, then every
 * {@code pollInterval} what was created since the last poll (with an overlap, because rows commit out of
 * order and clocks of writers differ). This is the path that needs no Redis; with Redis, broadcasts
 * arrive sooner and polling is the safety net. A store failure is logged and retried; known revocations
 * stay in force.
 */
public final class RevocationFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);
    private static final Duration OVERLAP = Duration.ofSeconds(30);

    private final Store store;
    private final RevocationList list;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private Instant polledUpTo = Instant.EPOCH;

    public RevocationFeed(Store store, RevocationList list, Clock clock) {
        this.store = store;
        this.list = list;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bastion-revocations");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads every unexpired revocation (blocking), then polls in the background. */
    public RevocationFeed start(Duration pollInterval) {
        poll();
        long ms = pollInterval.toMillis();
        timer.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::pruneSafely, 10, 10, TimeUnit.MINUTES);
        return this;
    }

    void poll() {
        Instant now = clock.instant();
        for (Revocation r : store.revocations().since(polledUpTo.minus(OVERLAP).isBefore(Instant.EPOCH) ? Instant.EPOCH : polledUpTo.minus(OVERLAP), now)) {
            list.apply(r);
        }
        polledUpTo = now;
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("revocation poll failed (known revocations stay in force): {}", e.getMessage());
        }
    }

    private void pruneSafely() {
        try {
            list.pruneExpired();
            store.revocations().pruneExpired(clock.instant());
            store.issuedTokens().pruneExpired(clock.instant());
        } catch (RuntimeException e) {
            log.warn("revocation prune failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
