package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code bastion audit export}: the events a filter selects, in chain order, paged through the store. As
 * JSON lines the export is self-contained for {@code audit verify --export}: a header, the checkpoint keys'
 * public halves, the events, the checkpoints among them. A filter on type, actor or org leaves gaps in the
 * chains, so such an export is searchable but only a whole-chain or time-range export verifies.
 */
public final class AuditExport {
    private AuditExport() {}

    /** Writes the export; returns how many events it holds. */
    public static long write(Store store, AuditRepository.Filter f, String format, Writer out) throws IOException {
        boolean jsonl = "jsonl".equals(format);
        boolean partial = f.fromTs() != null || f.toTs() != null || f.type() != null || f.actor() != null || f.org() != null;
        if (jsonl) {
            out.write(new JsonObject().put("kind", "export").put("format", 1).put("partial", partial)
                    .put("exported_at", java.time.Instant.now().toString()).encode());
            out.write('\n');
            for (AuditRepository.Key k : store.audit().keys()) {
                out.write(AuditFormats.keyJson(k).encode());
                out.write('\n');
            }
        }
        long n = 0;
        List<String> nodes = f.node() != null ? List.of(f.node()) : store.audit().nodes();
        for (String node : nodes) {
            long after = 0;
            long first = -1, last = -1;
            while (true) {
                List<AuditRow> page = store.audit().search(new AuditRepository.Filter(node, f.fromTs(), f.toTs(), f.type(), f.actor(), f.org(), after),
                        AuditSource.PAGE, true, false);
                for (AuditRow r : page) {
                    out.write(jsonl ? AuditFormats.eventJson(r).encode() : AuditFormats.cef(r));
                    out.write('\n');
                    if (first < 0) first = r.seq();
                    last = r.seq();
                    n++;
                }
                if (page.size() < AuditSource.PAGE) break;
                after = page.getLast().seq();
            }
            if (jsonl) {
                for (AuditCheckpoint c : store.audit().checkpoints(node)) {
                    if (partial && (c.seq() < first || c.seq() > last)) continue;
                    out.write(AuditFormats.checkpointJson(c, null).encode());
                    out.write('\n');
                }
                for (dev.bastion.store.AuditRetentionCut c : store.audit().cuts(node)) { // what retention removed before the first event
                    out.write(AuditFormats.cutJson(c).encode());
                    out.write('\n');
                }
            }
        }
        out.flush();
        return n;
    }
}
