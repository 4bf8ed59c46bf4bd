package dev.bastion.audit;

import dev.bastion.store.AuditRow;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where events wait, in order, while the store is unreachable: one JSON line per event (not yet chained:
 * the chain is made when they reach the store), appended and fsync'd before {@link #append} returns. Bounded
 * by {@code max_size}; only the writer thread touches it.
 */
final class Spool {
    private final Path file;
    private final long maxBytes;
    private FileChannel channel;
    private long size;

    Spool(Path file, long maxBytes) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        if (Files.exists(file)) open(); // events spooled by an earlier run: stored first
    }

    /** Opens (creating it owner-only on first use: nothing is created until the store fails). */
    private void open() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        }
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.size = channel.size();
        if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
                read.read(last, size - 1);
            }
            if (last.get(0) != '\n') append(new byte[] {'\n'}); // a line torn by a crash: the next one starts on its own line
        }
    }

    private void append(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) channel.write(buf);
        channel.force(false);
        size += bytes.length;
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends the events and fsyncs; false (nothing written) when they would grow the spool past its limit. */
    boolean append(List<AuditRow.Unchained> events) throws IOException {
        StringBuilder b = new StringBuilder(events.size() * 300);
        for (AuditRow.Unchained e : events) b.append(toJson(e)).append('\n');
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        if (size + bytes.length > maxBytes) return false;
        if (channel == null) open();
        append(bytes);
        return true;
    }

    /** Hands the spooled events to {@code batch}, in order, {@code batchSize} at a time; a thrown exception stops it. */
    void replay(int batchSize, Consumer<List<AuditRow.Unchained>> batch) throws IOException {
        if (channel == null) return;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<AuditRow.Unchained> chunk = new ArrayList<>(batchSize);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                AuditRow.Unchained e;
                try {
                    e = fromJson(new JsonObject(line));
                } catch (RuntimeException torn) {
                    continue; // a line torn by a crash mid-write was never acknowledged: its batch was not written either
                }
                chunk.add(e);
                if (chunk.size() == batchSize) {
                    batch.accept(chunk);
                    chunk = new ArrayList<>(batchSize);
                }
            }
            if (!chunk.isEmpty()) batch.accept(chunk);
        }
    }

    /** Empties the spool once everything in it is stored. */
    void clear() throws IOException {
        if (channel == null) return;
        channel.truncate(0);
        channel.force(true);
        size = 0;
    }

    void close() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // closing at shutdown
        }
    }

    static String toJson(AuditRow.Unchained e) {
        return new JsonObject().put("id", e.id()).put("ts", e.ts()).put("type", e.type()).put("severity", e.severity())
                .put("actor_kind", e.actorKind()).put("actor_id", e.actorId()).put("actor_org", e.actorOrg()).put("action", e.action())
                .put("target", e.target()).put("result", e.result()).put("reason", e.reason()).put("request_id", e.requestId())
                .put("trace_id", e.traceId()).put("ip", e.ip()).put("fields", e.fields()).encode();
    }

    static AuditRow.Unchained fromJson(JsonObject o) {
        return new AuditRow.Unchained(o.getString("id"), o.getLong("ts"), o.getString("type"), o.getString("severity"), o.getString("actor_kind"),
                o.getString("actor_id"), o.getString("actor_org"), o.getString("action"), o.getString("target"), o.getString("result"),
                o.getString("reason"), o.getString("request_id"), o.getString("trace_id"), o.getString("ip"), o.getString("fields"));
    }
}
