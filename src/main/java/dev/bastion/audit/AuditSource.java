package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link AuditVerifier} reads: from the store, or from an export file alone; and the witness file. */
public record AuditSource(Map<String, List<AuditRow>> rows, List<AuditCheckpoint> checkpoints, List<AuditRetentionCut> cuts,
                          Map<String, AuditVerifier.TrustedKey> keys, boolean partial) {
    static final int PAGE = 5000;

    /** A node's (every node's when null) events between two times (null: unbounded), with the checkpoints that fall among them. */
    public static AuditSource fromStore(Store store, String node, Long fromTs, Long toTs) {
        AuditRepository repo = store.audit();
        boolean partial = fromTs != null || toTs != null;
        Map<String, List<AuditRow>> rows = new LinkedHashMap<>();
        List<AuditCheckpoint> cps = new ArrayList<>();
        List<AuditRetentionCut> cuts = new ArrayList<>();
        List<String> nodes = node != null ? List.of(node) : repo.nodes();
        for (String n : nodes) {
            List<AuditRow> all = new ArrayList<>();
            long after = 0;
            while (true) {
                List<AuditRow> page = repo.search(new AuditRepository.Filter(n, fromTs, toTs, null, null, null, after), PAGE, true, false);
                all.addAll(page);
                if (page.size() < PAGE) break;
                after = page.getLast().seq();
            }
            rows.put(n, all);
            cuts.addAll(repo.cuts(n));
            long first = all.isEmpty() ? Long.MAX_VALUE : all.getFirst().seq();
            long last = all.isEmpty() ? -1 : all.getLast().seq();
            for (AuditCheckpoint c : repo.checkpoints(n)) {
                if (!partial || (c.seq() >= first && c.seq() <= last)) cps.add(c);
            }
        }
        Map<String, AuditVerifier.TrustedKey> keys = new LinkedHashMap<>();
        for (AuditRepository.Key k : repo.keys()) keys.put(k.kid(), new AuditVerifier.TrustedKey(k.node(), k.publicKey()));
        return new AuditSource(rows, cps, cuts, keys, partial);
    }

    /** An export ({@code bastion audit export --format jsonl}) read alone: events, checkpoints and keys. */
    public static AuditSource fromExport(Path file) throws IOException {
        Map<String, List<AuditRow>> rows = new LinkedHashMap<>();
        List<AuditCheckpoint> cps = new ArrayList<>();
        List<AuditRetentionCut> cuts = new ArrayList<>();
        Map<String, AuditVerifier.TrustedKey> keys = new LinkedHashMap<>();
        boolean partial = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonObject o = new JsonObject(line);
                switch (o.getString("kind", "")) {
                    case "event" -> {
                        AuditRow row = AuditFormats.eventFromJson(o);
                        rows.computeIfAbsent(row.node(), n -> new ArrayList<>()).add(row);
                    }
                    case "checkpoint" -> cps.add(AuditFormats.checkpointFromJson(o));
                    case "retention_cut" -> cuts.add(AuditFormats.cutFromJson(o));
                    case "key" -> keys.put(o.getString("kid"), new AuditVerifier.TrustedKey(o.getString("node"), o.getString("public_key")));
                    case "export" -> partial = o.getBoolean("partial", false);
                    default -> throw new IOException("not an audit export line: kind '" + o.getString("kind") + "'");
                }
            }
        }
        return new AuditSource(rows, cps, cuts, keys, partial);
    }

    /** A witness file: one checkpoint per line, each with the public key that signed it. */
    public static List<AuditVerifier.Witnessed> witnessed(Path file) throws IOException {
        List<AuditVerifier.Witnessed> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            JsonObject o = new JsonObject(line);
            out.add(new AuditVerifier.Witnessed(AuditFormats.checkpointFromJson(o), o.getString("public_key")));
        }
        return out;
    }

    /** Verifies this trail, held to {@code witnessed} (may be empty). */
    public AuditVerifier.Report verify(List<AuditVerifier.Witnessed> witnessed) {
        return AuditVerifier.verify(rows, checkpoints, cuts, keys, witnessed, partial);
    }
}
