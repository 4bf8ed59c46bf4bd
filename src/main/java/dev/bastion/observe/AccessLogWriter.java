package dev.bastion.observe;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Writes access-log lines to an output stream (stdout by default) from one background thread, in
 * batches: a flush per burst instead of a system call per line. Event loops only enqueue. When the
 * queue is full — the output cannot keep up — lines are dropped and counted rather than blocking an
 * event loop; security-relevant events belong to the audit trail, which is never dropped.
 */
public final class AccessLogWriter implements Consumer<String>, AutoCloseable {
    private static final int CAPACITY = 65_536;
    private static final int BATCH = 4_096;

    private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final LongAdder dropped = new LongAdder();
    private final OutputStream out;
    private final Thread thread;
    private volatile boolean closing;

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
        if (!queue.offer(line)) dropped.increment();
    }

    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        byte[] newline = {'\n'};
        while (!closing || !queue.isEmpty()) {
            try {
                String line = queue.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) continue;
                int n = 0;
                do {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.write(newline);
                } while (++n < BATCH && (line = queue.poll()) != null);
                out.flush();
            } catch (InterruptedException e) {
                closing = true;
            } catch (IOException e) {
                // stdout is gone (closed pipe): nothing sensible to log to; count instead of spinning.
                dropped.increment();
            }
        }
        try {
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
