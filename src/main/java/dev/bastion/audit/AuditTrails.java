package dev.bastion.audit;

import dev.bastion.config.AuditConfig;
import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** Writing outside a gateway (the CLI): one event appended and checkpointed at once, synchronously. */
public final class AuditTrails {
    private AuditTrails() {}

    /**
     * Appends {@code e} to {@code node}'s chain and signs a checkpoint over it (handed to the file witness when
     * one is configured). A master key that cannot be loaded leaves the event unsigned until the next
     * checkpoint, with a warning; a store that cannot be written throws.
     */
    public static AuditRow appendNow(Store store, AuditConfig config, String node, AuditEvent e, Supplier<MasterKey> master) {
        return appendNow(store, config, node, e, master, AuditSealer.NONE);
    }

    /** As {@link #appendNow(Store, AuditConfig, String, AuditEvent, Supplier)}, with the event's personal members sealed. */
    public static AuditRow appendNow(Store store, AuditConfig config, String node, AuditEvent e, Supplier<MasterKey> master, AuditSealer sealer) {
        AuditRow row = store.audit().append(node, List.of(sealer.seal(AuditRecords.toRow(AuditRecords.newId(), e))), false).getFirst();
        try {
            CheckpointSigner signer = CheckpointSigner.load(store, master.get(), node, System.currentTimeMillis());
            AuditRow head = store.audit().head(node).orElse(row);
            AuditCheckpoint cp = signer.sign(node, store.audit().lastCheckpoint(node).orElse(null), head.seq(), head.hash(), System.currentTimeMillis());
            store.audit().insertCheckpoint(cp);
            if (config.checkpoint().file() != null) CheckpointWitness.file(Path.of(config.checkpoint().file())).publish(cp, signer.publicKey());
        } catch (RuntimeException | java.io.IOException ex) {
            LoggerFactory.getLogger(AuditTrails.class).warn("audit: event {} stored, checkpoint not signed ({})", row.seq(), ex.getMessage());
        }
        return row;
    }
}
