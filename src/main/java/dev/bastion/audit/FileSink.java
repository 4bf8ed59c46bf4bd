package dev.bastion.audit;

import dev.bastion.store.AuditRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The {@code file} sink: appends each event as one JSON line, the line {@code bastion audit export --format jsonl}
 * writes for it ({@link AuditFormats#eventJson}), for a log shipper to pick up. With {@code fsync: batch} (the
 * default) each batch is forced to disk before the next is taken; {@code none} leaves it to the OS. The file is
 * reopened after a failure (and so after it was moved away by a rotation, at the next failure or restart).
 */
final class FileSink implements AuditSink {
    private final Path path;
    private final boolean fsync;
    private FileChannel channel;

    FileSink(Path path, boolean fsync) {
        this.path = path;
        this.fsync = fsync;
    }

    @Override
    public void send(List<AuditRow> batch) throws IOException {
        if (channel == null) {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        StringBuilder b = new StringBuilder(batch.size() * 400);
        for (AuditRow r : batch) b.append(AuditFormats.eventJson(r).encode()).append('\n');
        ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) channel.write(buf);
        if (fsync) channel.force(false);
    }

    @Override
    public void reset() {
        close();
    }

    @Override
    public void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // reopened at the next send
        }
        channel = null;
    }
}
