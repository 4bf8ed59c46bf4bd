package dev.bastion.retention;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link RetentionJob} every {@code retention.interval} on a thread of its own (never an event loop: the
 * job blocks on the store for as long as its batches take). Runs never overlap: the next starts an interval after
 * the last ended. A run that fails is logged and the schedule goes on.
 */
public final class RetentionScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionScheduler.class);
    private final ScheduledExecutorService executor;

    private RetentionScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts the schedule: a first run after {@code firstDelay}, then one every {@code interval} after each run ends. */
    public static RetentionScheduler start(RetentionJob job, Duration firstDelay, Duration interval) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bastion-retention");
            t.setDaemon(true);
            return t;
        });
        ex.scheduleWithFixedDelay(() -> {
            try {
                RetentionJob.Report r = job.run(false, Set.of());
                if (r.skipped()) log.debug("retention: another node holds the retention lock; skipped");
            } catch (RuntimeException e) {
                log.warn("retention run failed ({})", e.getMessage());
            }
        }, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new RetentionScheduler(ex);
    }

    /** Stops the schedule; a run in progress ends at its next statement (a batch is never left half done: each is one statement). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) log.warn("retention: a run was still going at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
