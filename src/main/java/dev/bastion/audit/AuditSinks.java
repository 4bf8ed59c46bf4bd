package dev.bastion.audit;

import dev.bastion.config.AuditSinkConfig;
import dev.bastion.store.AuditRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's SIEM sinks, fed by the writer once a batch is stored or spooled. Each sink has its own
 * thread and a bounded queue ({@code queue_size}): {@link #offer} never blocks — an event that finds a sink's
 * queue full is dropped for that sink and counted ({@code bastion_audit_sink_events_total{outcome=dropped}}), so
 * a sink that is slow or down costs neither the request path nor the store writer anything, and loses nothing
 * in the store. A failed send is retried with a back-off from 100 ms up to the sink's {@code reconnect}.
 */
public final class AuditSinks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditSinks.class);
    static final AuditSinks NONE = new AuditSinks(List.of());

    private final List<Runner> runners;

    private AuditSinks(List<Runner> runners) {
        this.runners = runners;
    }

    /**
     * @param otlp makes an {@code otlp} sink (the OpenTelemetry SDK lives in {@code dev.bastion.observe})
     */
    public static AuditSinks start(List<AuditSinkConfig> configs, Function<AuditSinkConfig, AuditSink> otlp, MeterRegistry registry) {
        if (configs.isEmpty()) return NONE;
        List<Runner> runners = new ArrayList<>();
        for (AuditSinkConfig c : configs) {
            AuditSink sink = switch (c.type()) {
                case FILE -> new FileSink(java.nio.file.Path.of(c.path()), c.fsync() == AuditSinkConfig.Fsync.BATCH);
                case SYSLOG -> SyslogSink.of(c);
                case OTLP -> otlp.apply(c);
            };
            Duration maxBackoff = c.reconnect() != null ? c.reconnect() : Duration.ofSeconds(30);
            runners.add(new Runner(c.name(), sink, c.queueSize(), maxBackoff, registry));
        }
        runners.forEach(Runner::start);
        return new AuditSinks(List.copyOf(runners));
    }

    /** Hands the events to every sink; never blocks. */
    void offer(List<AuditRow> rows) {
        for (Runner r : runners) r.offer(rows);
    }

    public boolean isEmpty() {
        return runners.isEmpty();
    }

    /**
     * One sink as {@code /health/status} shows it.
     *
     * @param up      its last send arrived (false while it is retried with back-off)
     * @param dropped events it lost since start because its queue was full (the store has them)
     */
    public record Status(String name, boolean up, int queueDepth, long dropped) {}

    public List<Status> status() {
        List<Status> out = new ArrayList<>(runners.size());
        for (Runner r : runners) out.add(new Status(r.name, r.up, r.queue.size(), (long) r.dropped.count()));
        return out;
    }

    /** Waits until every sink has sent what it was given (tests, shutdown); false at the timeout. */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Runner r : runners) {
            while (!r.idle()) {
                if (System.currentTimeMillis() >= deadline) return false;
                Thread.sleep(5);
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (Runner r : runners) r.close();
    }

    private static final class Runner {
        private final String name;
        private final AuditSink sink;
        private final ArrayBlockingQueue<AuditRow> queue;
        private final long maxBackoff;
        private final Counter sent, dropped, failures;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean up = true;
        private volatile boolean busy;
        private long lastDropLog;

        Runner(String name, AuditSink sink, int queueSize, Duration maxBackoff, MeterRegistry registry) {
            this.name = name;
            this.sink = sink;
            this.queue = new ArrayBlockingQueue<>(queueSize);
            this.maxBackoff = Math.max(100, maxBackoff.toMillis());
            this.sent = Counter.builder("bastion.audit.sink.events").tag("sink", name).tag("outcome", "sent")
                    .description("Audit events by SIEM sink and what became of them").register(registry);
            this.dropped = Counter.builder("bastion.audit.sink.events").tag("sink", name).tag("outcome", "dropped")
                    .description("Audit events by SIEM sink and what became of them").register(registry);
            this.failures = Counter.builder("bastion.audit.sink.failures").tag("sink", name).description("Failed sends to a SIEM sink").register(registry);
            Gauge.builder("bastion.audit.sink.up", this, r -> r.up ? 1 : 0).tag("sink", name).description("1 while the SIEM sink takes events").register(registry);
            Gauge.builder("bastion.audit.sink.queue.depth", queue, ArrayBlockingQueue::size).tag("sink", name)
                    .description("Audit events waiting for a SIEM sink").register(registry);
            this.thread = new Thread(this::run, "bastion-audit-sink-" + name);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void offer(List<AuditRow> rows) {
            int lost = 0;
            for (AuditRow r : rows) if (!queue.offer(r)) lost++;
            if (lost == 0) return;
            dropped.increment(lost);
            long now = System.currentTimeMillis();
            if (now - lastDropLog >= 10_000) { // the writer's thread only: no race worth a lock
                lastDropLog = now;
                log.error("audit sink {}: queue full, {} events dropped for this sink (the store has them)", name, lost);
            }
        }

        boolean idle() {
            return queue.isEmpty() && !busy;
        }

        private void run() {
            List<AuditRow> batch = new ArrayList<>(500);
            long backoff = 100;
            while (running || !queue.isEmpty() || !batch.isEmpty()) {
                try {
                    if (batch.isEmpty()) {
                        AuditRow first = queue.poll(200, TimeUnit.MILLISECONDS);
                        if (first == null) continue;
                        busy = true;
                        batch.add(first);
                        queue.drainTo(batch, 499);
                    }
                    sink.send(batch);
                    sent.increment(batch.size());
                    batch.clear();
                    busy = false;
                    if (!up) log.info("audit sink {}: delivering again", name);
                    up = true;
                    backoff = 100;
                } catch (InterruptedException e) {
                    if (!running) break;
                } catch (java.io.IOException | RuntimeException e) {
                    failures.increment();
                    if (up) log.warn("audit sink {}: send failed ({}); retrying with back-off, new events wait in its queue", name, problem(e));
                    up = false;
                    sink.reset();
                    if (!running) break; // shutting down: what is left stays in the store
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        if (!running) break;
                    }
                    backoff = Math.min(maxBackoff, backoff * 2);
                }
            }
            busy = false;
        }

        void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.close();
        }

        private static String problem(Throwable t) {
            return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
    }
}
