package dev.bastion.audit;

import dev.bastion.store.AuditRow;
import java.util.List;

/**
 * Seals personal members of an event (client IP, a user's id) before the writer hashes and stores it, so the
 * chain covers the sealed form and stays verifiable after the subject's key is destroyed. Implemented outside
 * this package (data protection); {@link #NONE} stores every member as it is. A failure (the KEK unreachable)
 * is thrown: the writer then keeps the batch in its spool and tries again, as when the store is down.
 */
public interface AuditSealer {
    /** What a sealed member reads as once its subject's key is destroyed. */
    String SHREDDED = "[shredded]";

    AuditSealer NONE = new AuditSealer() {
        @Override
        public AuditRow.Unchained seal(AuditRow.Unchained row) {
            return row;
        }

        @Override
        public AuditRow reveal(AuditRow row) {
            return row;
        }
    };

    /** The row with its personal members sealed; members already sealed are left as they are (a replayed spool). */
    AuditRow.Unchained seal(AuditRow.Unchained row);

    /** The row as a reader sees it: sealed members opened, {@link #SHREDDED} where the key is gone. Never for verifying. */
    AuditRow reveal(AuditRow row);

    default List<AuditRow.Unchained> seal(List<AuditRow.Unchained> rows) {
        if (this == NONE) return rows;
        return rows.stream().map(this::seal).toList();
    }
}
