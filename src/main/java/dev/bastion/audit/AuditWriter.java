package dev.bastion.audit;

import dev.bastion.config.AuditConfig;
import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's own writer. {@link #offer} is all the request path pays: an id and a non-blocking offer
 * to a bounded queue. One thread drains the queue in batches, checks each event ({@link AuditRecords}), and
 * appends the batch to the node's chain in one transaction. When the store fails, the batch — and every batch
 * after it, so the order holds — goes to the fsync'd {@link Spool}; every {@code retry_interval} the spool is
 * replayed, in order, and emptied once it is all stored. Every {@code checkpoint.every} events or
 * {@code checkpoint.interval} the node signs a checkpoint and hands it to the witnesses.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

    /** Put in the queue at close to wake the writer; never stored. */
    private static final Pending WAKE = new Pending(null, 0, null, null, null);

    /** A typed event, or an {@code event(name, fields)} call mapped on the writer's thread (event null). */
    private record Pending(String id, long ts, AuditEvent event, String name, Map<String, ?> fields) {
        AuditRow.Unchained row() {
            if (event != null) return AuditRecords.toRow(id, event);
            AuditEvent e = AuditRecords.fromLegacy(name, fields);
            return AuditRecords.toRow(id, new AuditEvent(ts, e.type(), e.severity(), e.actor(), e.action(), e.target(), e.result(), e.reason(),
                    e.requestId(), e.traceId(), e.ip(), e.fields()));
        }
    }

    private final Store store;
    private final AuditConfig config;
    private final String node;
    private final Spool spool;
    private final Supplier<CheckpointSigner> signerSource;
    private final List<CheckpointWitness> witnesses;
    private final ArrayBlockingQueue<Pending> queue;
    private final Thread thread;
    /** Witnesses are told on their own thread, in order: a slow or unreachable witness never holds up the trail. */
    private final java.util.concurrent.ExecutorService witnessThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bastion-audit-witness");
        t.setDaemon(true);
        return t;
    });
    private final Counter stored, spooled, dropped, checkpoints, witnessFailures;
    private final AtomicLong droppedSinceStored = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private volatile AuditSinks sinks = AuditSinks.NONE;
    private volatile boolean running = true;
    private volatile AuditSealer sealer = AuditSealer.NONE;
    /** Ids of spooled events the sinks have not had (they could not be sealed then): sent when stored. Writer thread only. */
    private final java.util.Set<String> unsentToSinks = new java.util.HashSet<>();
    private static final int MAX_UNSENT_TO_SINKS = 100_000;
    private volatile boolean storeUp = true;
    private volatile boolean spoolFull;
    private volatile boolean queueFull;
    private volatile RuntimeException lastStoreError; // while the store is unreachable
    private volatile boolean lastWitnessFailed;
    private CheckpointSigner signer;
    private long nextRetry;
    private long sinceCheckpoint;
    private long lastCheckpointAt = System.currentTimeMillis();
    private long lastDropLog;
    private long spooledSince; // first spooled event's time, for the audit.spooled record; 0: nothing spooled

    public AuditWriter(Store store, AuditConfig config, Spool spool, Supplier<CheckpointSigner> signer, List<CheckpointWitness> witnesses,
                       MeterRegistry registry) {
        this.store = store;
        this.config = config;
        this.node = config.node();
        this.spool = spool;
        this.signerSource = signer;
        this.witnesses = new java.util.concurrent.CopyOnWriteArrayList<>(witnesses);
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.stored = outcome(registry, "stored");
        this.spooled = outcome(registry, "spooled");
        this.dropped = outcome(registry, "dropped");
        this.checkpoints = Counter.builder("bastion.audit.checkpoints").description("Audit checkpoints signed").register(registry);
        this.witnessFailures = Counter.builder("bastion.audit.witness.failures").description("Checkpoints a witness did not take").register(registry);
        Gauge.builder("bastion.audit.queue.depth", queue, ArrayBlockingQueue::size).description("Audit events waiting for the writer").register(registry);
        Gauge.builder("bastion.audit.spool.bytes", spool, Spool::size).description("Audit events spooled while the store is unreachable, in bytes").register(registry);
        Gauge.builder("bastion.audit.spool.full", this, w -> w.spoolFull ? 1 : 0).description("1 while the audit spool is full and events are dropped").register(registry);
        Gauge.builder("bastion.audit.store.up", this, w -> w.storeUp ? 1 : 0).description("1 while the audit writer reaches the store").register(registry);
        this.thread = new Thread(this::run, "bastion-audit-writer");
        thread.setDaemon(true);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("bastion.audit.events").description("Audit events by what became of them").tag("outcome", outcome).register(registry);
    }

    /** The SIEM sinks fed with every batch once stored or spooled (set once, at start). */
    void feed(AuditSinks s) {
        this.sinks = s;
    }

    /** Seals personal members of every event stored from now on (data_protection.audit_encrypt). */
    void sealWith(AuditSealer s) {
        this.sealer = java.util.Objects.requireNonNull(s, "sealer");
    }

    void addWitness(CheckpointWitness w) {
        witnesses.add(w);
    }

    public AuditWriter start() {
        thread.start();
        return this;
    }

    /** Queues an event; never blocks. False when the queue is full (the event is dropped and counted). */
    public boolean offer(AuditEvent e) {
        return offer(new Pending(AuditRecords.newId(), e.ts(), e, null, null));
    }

    /**
     * Queues an {@code AuditLog.event(name, fields)} call as it was made (a shallow copy of the fields); it is
     * mapped onto the typed schema on the writer's thread.
     */
    public boolean offer(String name, Map<String, ?> fields) {
        Map<String, Object> copy = new java.util.HashMap<>(fields == null ? 8 : fields.size() * 2);
        if (fields != null) fields.forEach((k, v) -> { if (v != null) copy.put(k, v); });
        return offer(new Pending(AuditRecords.newId(), System.currentTimeMillis(), null, name, copy));
    }

    private boolean offer(Pending p) {
        if (queue.offer(p)) {
            accepted.incrementAndGet();
            queueFull = false;
            return true;
        }
        queueFull = true;
        dropped.increment();
        droppedSinceStored.incrementAndGet();
        return false;
    }

    /** Whether an event offered now would be kept: the queue has room and the store or the spool takes events. */
    public boolean deliverable() {
        return queue.remainingCapacity() > 0 && !(spoolFull && !storeUp);
    }

    public boolean storeUp() {
        return storeUp;
    }

    /**
     * What {@code /health/status} shows of the writer.
     *
     * @param storeError why the store is unreachable (null while it is reached)
     * @param dropping   events are being lost now: the queue or, with the store down, the spool is full
     */
    public record Status(boolean storeUp, boolean dropping, long spoolBytes, int queueDepth, long dropped, boolean witnessFailing, RuntimeException storeError) {}

    public Status status() {
        return new Status(storeUp, queueFull || (spoolFull && !storeUp), spool.size(), queue.size(), (long) dropped.count(), lastWitnessFailed,
                storeUp ? null : lastStoreError);
    }

    public String node() {
        return node;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(config.batchSize());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(config.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                    batch.removeIf(p -> p == WAKE);
                }
                write(batch);
            } catch (InterruptedException e) {
                if (!running) continue;
            } catch (RuntimeException e) {
                log.error("audit writer: {} ({})", e.getClass().getSimpleName(), e.getMessage()); // a bug; the thread goes on
            } finally {
                handled.addAndGet(batch.size());
                batch.clear();
            }
        }
        try {
            if (storeUp && sinceCheckpoint > 0) checkpoint(System.currentTimeMillis()); // the tail is signed at shutdown
        } catch (RuntimeException e) {
            log.warn("audit writer: final checkpoint failed ({})", e.getMessage());
        }
    }

    private void write(List<Pending> batch) {
        List<AuditRow.Unchained> rows = new ArrayList<>(batch.size());
        for (Pending p : batch) rows.add(p.row());
        long now = System.currentTimeMillis();
        if (!spool.isEmpty() && now >= nextRetry) replay(now);
        if (rows.isEmpty()) {
            maybeCheckpoint(now);
            return;
        }
        if (spool.isEmpty() && (storeUp || now >= nextRetry)) { // nothing waits in the spool: the order allows the store
            try {
                List<AuditRow.Unchained> sealed;
                try {
                    sealed = sealer.seal(rows);
                } catch (RuntimeException e) { // the KEK unreachable: keep the events, unsealed, in the local spool until it is back
                    if (storeUp) log.error("audit: cannot seal events ({}); events go to the spool {} until it can", rootMessage(e), spool.file());
                    storeUp = false;
                    lastStoreError = e;
                    nextRetry = now + config.retryInterval().toMillis();
                    toSpool(rows, now);
                    return;
                }
                sinks.offer(store.audit().append(node, sealed, false));
                if (!storeUp) log.warn("audit: the store is back");
                storeUp = true;
                spoolFull = false;
                stored.increment(rows.size());
                sinceCheckpoint += rows.size();
                noteDropped();
                maybeCheckpoint(now);
                return;
            } catch (RuntimeException e) {
                storeDown(now, e);
            }
        }
        toSpool(rows, now);
    }

    private void storeDown(long now, RuntimeException e) {
        if (storeUp) log.error("audit: the store is unreachable ({}); events go to the spool {} until it is back", rootMessage(e), spool.file());
        storeUp = false;
        lastStoreError = e;
        nextRetry = now + config.retryInterval().toMillis();
    }

    private void toSpool(List<AuditRow.Unchained> rows, long now) {
        try {
            if (spool.append(rows)) {
                if (!sinks.isEmpty()) toSinksWhileSpooled(rows);
                spooled.increment(rows.size());
                if (spooledSince == 0) spooledSince = rows.getFirst().ts();
                spoolFull = false;
                return;
            }
            spoolFull = true;
        } catch (IOException e) {
            spoolFull = true;
            log.error("audit: cannot write the spool {} ({})", spool.file(), e.getMessage());
        }
        dropped.increment(rows.size());
        long lost = droppedSinceStored.addAndGet(rows.size());
        if (now - lastDropLog >= 10_000) {
            lastDropLog = now;
            log.error("AUDIT EVENTS LOST: the store is unreachable and the spool {} is full ({} bytes); {} events dropped so far",
                    spool.file(), spool.size(), lost);
        }
    }

    /** Stores the spool, in order; empties it when all of it is stored. */
    private void replay(long now) {
        long[] count = {0};
        try {
            spool.replay(config.batchSize(), chunk -> {
                List<AuditRow> storedRows = store.audit().append(node, sealer.seal(chunk), true);
                if (!unsentToSinks.isEmpty()) sinks.offer(storedRows.stream().filter(r -> unsentToSinks.remove(r.id())).toList());
                count[0] += chunk.size();
            });
            spool.clear();
            spoolFull = false;
            stored.increment(count[0]);
            sinceCheckpoint += count[0];
            if (!storeUp) log.warn("audit: the store is back; {} spooled events stored in order", count[0]);
            storeUp = true;
            if (spooledSince != 0 || count[0] > 0) {
                Map<String, Object> f = Map.of("events", count[0], "since", spooledSince == 0 ? now : spooledSince);
                appendAndFeed(List.of(AuditRecords.toRow(AuditRecords.newId(),
                        new AuditEvent(now, AuditType.AUDIT_SPOOLED, null, null, "spooled", spool.file().getFileName().toString(), null,
                                "store_unreachable", null, null, null, f))));
                spooledSince = 0;
            }
            noteDropped();
        } catch (RuntimeException e) {
            storeDown(now, e);
        } catch (IOException e) {
            log.error("audit: cannot read the spool {} ({})", spool.file(), e.getMessage());
            nextRetry = now + config.retryInterval().toMillis();
        }
    }

    private void appendAndFeed(List<AuditRow.Unchained> rows) {
        sinks.offer(store.audit().append(node, rows, false));
    }

    /**
     * Spooled events go to the sinks now, sealed as they will be stored (a sink must not get in clear what the trail
     * seals: a shredded user would live on in the SIEM). When they cannot be sealed now (the KEK is unreachable), the
     * sinks get them once they are stored.
     */
    private void toSinksWhileSpooled(List<AuditRow.Unchained> rows) {
        try {
            sinks.offer(unchained(sealer.seal(rows)));
        } catch (RuntimeException e) {
            for (AuditRow.Unchained u : rows) {
                if (unsentToSinks.size() >= MAX_UNSENT_TO_SINKS) {
                    log.error("audit: {} spooled events wait for the sinks already; later ones reach the store only", MAX_UNSENT_TO_SINKS);
                    return;
                }
                unsentToSinks.add(u.id());
            }
        }
    }

    /** Spooled events as the sinks get them: every column but the chain's ({@code seq} 0, no hashes). */
    private List<AuditRow> unchained(List<AuditRow.Unchained> rows) {
        List<AuditRow> out = new ArrayList<>(rows.size());
        for (AuditRow.Unchained u : rows) {
            out.add(new AuditRow(node, 0, u.id(), u.ts(), u.type(), u.severity(), u.actorKind(), u.actorId(), u.actorOrg(), u.action(), u.target(),
                    u.result(), u.reason(), u.requestId(), u.traceId(), u.ip(), u.fields(), null, null));
        }
        return out;
    }

    /** Puts the count of events lost since the last stored batch into the trail itself. */
    private void noteDropped() {
        long lost = droppedSinceStored.getAndSet(0);
        if (lost == 0) return;
        try {
            appendAndFeed(List.of(AuditRecords.toRow(AuditRecords.newId(),
                    new AuditEvent(System.currentTimeMillis(), AuditType.AUDIT_DROPPED, null, null, "dropped", null, null,
                            queueFull ? "queue_full" : "spool_full", null, null, null, Map.of("events", lost)))));
        } catch (RuntimeException e) {
            droppedSinceStored.addAndGet(lost);
        }
    }

    private void maybeCheckpoint(long now) {
        if (sinceCheckpoint == 0 || !storeUp) return;
        if (sinceCheckpoint < config.checkpoint().every() && now - lastCheckpointAt < config.checkpoint().interval().toMillis()) return;
        checkpoint(now);
    }

    /** Signs a checkpoint of the node's chain as stored now (blocking; the writer's thread, or tests). */
    synchronized AuditCheckpoint checkpoint(long now) {
        try {
            if (signer == null) signer = signerSource.get();
            AuditRow head = store.audit().head(node).orElse(null);
            if (head == null) return null;
            AuditCheckpoint previous = store.audit().lastCheckpoint(node).orElse(null);
            if (previous != null && previous.seq() == head.seq()) {
                sinceCheckpoint = 0;
                lastCheckpointAt = now;
                return previous;
            }
            AuditCheckpoint cp = signer.sign(node, previous, head.seq(), head.hash(), now);
            store.audit().insertCheckpoint(cp);
            checkpoints.increment();
            sinceCheckpoint = 0;
            lastCheckpointAt = now;
            String publicKey = signer.publicKey();
            for (CheckpointWitness w : witnesses) {
                witnessThread.execute(() -> {
                    try {
                        w.publish(cp, publicKey);
                        lastWitnessFailed = false;
                    } catch (IOException | RuntimeException e) {
                        lastWitnessFailed = true;
                        witnessFailures.increment();
                        log.warn("audit: a witness did not take checkpoint {} of {} ({})", cp.cseq(), node, e.getMessage());
                    }
                });
            }
            return cp;
        } catch (RuntimeException e) {
            log.warn("audit: checkpoint not signed ({})", rootMessage(e));
            lastCheckpointAt = now; // try again after the interval, not on every batch
            return null;
        }
    }

    /** Waits until everything offered so far is stored or spooled (tests, shutdown). */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (handled.get() < target) {
            if (System.currentTimeMillis() >= deadline) return false;
            Thread.sleep(2);
        }
        return true;
    }

    /** Empties the queue without writing (the request-path benchmark, whose writer is not started). */
    int discardQueued() {
        int n = queue.size();
        queue.clear();
        return n;
    }

    /** Retries the store now instead of at the next retry interval (tests). */
    void retryNow() {
        nextRetry = 0;
    }

    @Override
    public void close() {
        running = false;
        queue.offer(WAKE); // the thread wakes now rather than at the end of flush_interval, drains the queue and stops
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        witnessThread.shutdown();
        try {
            if (!witnessThread.awaitTermination(10, TimeUnit.SECONDS)) log.warn("audit: a witness still had checkpoints to take at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.close();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
