package dev.bastion.audit;

import dev.bastion.store.AuditRow;
import java.io.IOException;
import java.util.List;

/**
 * A SIEM sink of the audit trail ({@code audit.sinks}): takes batches of events as they were stored (or spooled:
 * then without {@code seq} and hash, which the chain gives them once stored). Called on the sink's own thread
 * only ({@link AuditSinks}); may block. An {@link IOException} means the batch did not arrive: it is tried again
 * after a back-off, while newer events wait in the sink's bounded queue.
 */
public interface AuditSink extends AutoCloseable {
    void send(List<AuditRow> batch) throws IOException;

    /** Drops a connection after a failure, so the next send makes a new one. */
    default void reset() {}

    @Override
    default void close() {}
}
