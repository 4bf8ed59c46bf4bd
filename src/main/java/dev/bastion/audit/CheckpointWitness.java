package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Somewhere outside the store that keeps a copy of each checkpoint, so that whoever can edit the store cannot
 * also take back what was signed: {@code bastion audit verify --checkpoints FILE} holds the trail to it.
 */
public interface CheckpointWitness {
    /** Publishes one checkpoint; blocking, called on the writer's thread. Failures are logged, never fatal. */
    void publish(AuditCheckpoint checkpoint, String publicKey) throws IOException;

    /** Appends each checkpoint as one JSON line, fsync'd. */
    static CheckpointWitness file(Path file) {
        return (cp, pub) -> {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            byte[] line = (AuditFormats.checkpointJson(cp, pub).encode() + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) ch.write(b);
                ch.force(false);
            }
        };
    }
}
