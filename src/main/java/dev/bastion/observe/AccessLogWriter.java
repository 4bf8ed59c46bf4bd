package dev.bastion.observe;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes access-log lines to an output stream (stdout by default) from one background thread, in
 * batches. Event loops only enqueue, on a queue whose {@code offer} wakes nobody; the thread drains it
 * every few milliseconds, so one {@code write} carries every line of that interval. (Waking the writer for
 * each line — a blocking queue's signal — cost a futex call on the event loop and a wake-up, a {@code write}
 * and a flush per line or two: ~25 µs a request, measured in bench/full.sh.) When the queue is full — the
 * output cannot keep up — lines are dropped and counted rather than blocking an event loop;
 * security-relevant events belong to the audit trail, which is never dropped.
 */
public final class AccessLogWriter implements Consumer<String>, AutoCloseable {
    private static final int CAPACITY = 65_536;
    /** How long lines may wait for their write: a line appears within this, whatever the load. */
    static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final OutputStream out;
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean stopped; // the thread has ended: lines are written by their callers

    public AccessLogWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.thread = Thread.ofPlatform().daemon().name("bastion-access-log").unstarted(this::run);
        thread.start();
    }

    /** A writer on the process's stdout, bypassing {@code System.out}'s per-line flushing. */
    public static AccessLogWriter stdout() {
        return new AccessLogWriter(new FileOutputStream(FileDescriptor.out));
    }

    @Override
    public void accept(String line) {
        if (stopped) { // a request that ended while the process shuts down: written at once, not lost
            writeNow(line);
            return;
        }
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.offer(line);
        if (stopped) { // closed while this line was on its way in: nobody else will drain it
            String l;
            while ((l = queue.poll()) != null) writeNow(l);
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        byte[] newline = {'\n'};
        while (true) {
            boolean last = closing; // read before draining: what was queued before close is written
            String line;
            boolean wrote = false;
            try {
                while ((line = queue.poll()) != null) {
                    queued.decrementAndGet();
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.write(newline);
                    wrote = true;
                }
                if (wrote) out.flush();
            } catch (IOException e) {
                // stdout is gone (closed pipe): nothing sensible to log to; count instead of spinning.
                dropped.increment();
            }
            if (last) return;
            LockSupport.parkNanos(this, DRAIN_NANOS);
        }
    }

    /**
     * Writes what is queued, then stops; a line that arrives later is written by its caller (the JVM runs shutdown
     * hooks together, so this one may close the writer before the gateway's own hook has let its last requests end).
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Only once the thread has ended: a thread still stuck in a write owns the stream, and a second writer
        // would interleave bytes into its line. (Then lines keep queueing, and are dropped when the queue is full.)
        if (thread.isAlive()) return;
        stopped = true;
        String line;
        while ((line = queue.poll()) != null) writeNow(line); // offered between the thread's last drain and now
    }

    private synchronized void writeNow(String line) {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            dropped.increment();
        }
    }
}
