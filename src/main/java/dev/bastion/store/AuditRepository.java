package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The audit trail's tables. Appends and reads only, but for one delete: the events a signed retention cut
 * covers ({@link #deleteCovered}); the database refuses every other update and delete (migrations V5, V6). Appending links the events into their node's chain inside one transaction
 * that holds the node's write lock (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL: a transaction-scoped advisory
 * lock), so two writers with the same node name — a gateway and the CLI, two CLI runs — never fork a chain.
 */
public final class AuditRepository {
    private static final String COLUMNS = "node, seq, id, ts, type, severity, actor_kind, actor_id, actor_org, action, target, result, reason, "
            + "request_id, trace_id, ip, fields, prev_hash, hash";
    private static final String CP_COLUMNS = "node, cseq, seq, head_hash, ts, prev_hash, kid, signature, hash";

    /** Which events a search returns; null members do not filter. Times are epoch milliseconds, {@code toTs} exclusive. */
    /**
     * @param actorSealed with {@code actor}: the start of the actor's sealed form ({@code enc1:INDEX.}, a keyed blind
     *                    index of the id), so events whose actor was sealed are found too; null for plain ids only
     */
    public record Filter(String node, Long fromTs, Long toTs, String type, String actor, String org, Long afterSeq, String actorSealed) {
        public static final Filter ALL = new Filter(null, null, null, null, null, null, null);

        public Filter(String node, Long fromTs, Long toTs, String type, String actor, String org, Long afterSeq) {
            this(node, fromTs, toTs, type, actor, org, afterSeq, null);
        }

        public Filter withActorSealed(String prefix) {
            return new Filter(node, fromTs, toTs, type, actor, org, afterSeq, prefix);
        }
    }

    /** A node's checkpoint key: the public half (X.509, base64) and the private half encrypted by the master key. */
    public record Key(String kid, String node, String publicKey, String privateKeyEncrypted, long createdAt) {}

    private final DataSource ds;
    private final boolean sqlite;

    AuditRepository(DataSource ds, boolean sqlite) {
        this.ds = ds;
        this.sqlite = sqlite;
    }

    /**
     * Appends events to the end of {@code node}'s chain, in order, in one transaction; returns them as stored.
     * With {@code skipStored}, events whose id is already stored are left out (a spool replayed twice after a
     * crash between the insert and the spool's truncation adds nothing).
     */
    public List<AuditRow> append(String node, List<AuditRow.Unchained> events, boolean skipStored) {
        if (events.isEmpty()) return List.of();
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            try (Statement st = c.createStatement()) {
                if (sqlite) {
                    st.execute("BEGIN IMMEDIATE"); // the write lock now, not at the first insert: the head read below stays true
                } else {
                    c.setAutoCommit(false);
                    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                        lock.setString(1, "bastion.audit:" + node);
                        lock.execute();
                    }
                }
                try {
                    List<AuditRow> rows = appendLocked(c, node, skipStored ? withoutStored(c, events) : events);
                    if (sqlite) st.execute("COMMIT");
                    else c.commit();
                    return rows;
                } catch (SQLException | RuntimeException e) {
                    try {
                        if (sqlite) st.execute("ROLLBACK");
                        else c.rollback();
                    } catch (SQLException ignored) {
                        // the connection is gone; nothing was committed
                    }
                    throw e;
                }
            } finally {
                if (!sqlite) c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("audit_events: append failed", e);
        }
    }

    private List<AuditRow.Unchained> withoutStored(Connection c, List<AuditRow.Unchained> events) throws SQLException {
        Set<String> stored = new HashSet<>();
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < events.size(); i++) in.append(i == 0 ? "?" : ",?");
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM audit_events WHERE id IN (" + in + ")")) {
            for (int i = 0; i < events.size(); i++) ps.setString(i + 1, events.get(i).id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) stored.add(rs.getString(1));
            }
        }
        if (stored.isEmpty()) return events;
        return events.stream().filter(e -> !stored.contains(e.id())).toList();
    }

    private List<AuditRow> appendLocked(Connection c, String node, List<AuditRow.Unchained> events) throws SQLException {
        long seq = 0;
        String prev = AuditRow.GENESIS;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_events WHERE node = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1);
                    prev = rs.getString(2);
                }
            }
        }
        // A chain that retention removed up to its head continues after the cut, linked to the cut's signed anchor:
        // starting again at seq 1 would fork it (the next checkpoint would sign a seq before its predecessor's).
        try (PreparedStatement ps = c.prepareStatement("SELECT up_to_seq, anchor_hash FROM audit_retention_cuts WHERE node = ? ORDER BY up_to_seq DESC LIMIT 1")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > seq) {
                    seq = rs.getLong(1);
                    prev = rs.getString(2);
                }
            }
        }
        List<AuditRow> rows = new ArrayList<>(events.size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditRow.Unchained e : events) {
                AuditRow r = e.link(node, ++seq, prev);
                prev = r.hash();
                rows.add(r);
                bind(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return rows;
    }

    private static void bind(PreparedStatement ps, AuditRow r) throws SQLException {
        ps.setString(1, r.node());
        ps.setLong(2, r.seq());
        ps.setString(3, r.id());
        ps.setLong(4, r.ts());
        ps.setString(5, r.type());
        ps.setString(6, r.severity());
        ps.setString(7, r.actorKind());
        ps.setString(8, r.actorId());
        ps.setString(9, r.actorOrg());
        ps.setString(10, r.action());
        ps.setString(11, r.target());
        ps.setString(12, r.result());
        ps.setString(13, r.reason());
        ps.setString(14, r.requestId());
        ps.setString(15, r.traceId());
        ps.setString(16, r.ip());
        ps.setString(17, r.fields());
        ps.setString(18, r.prevHash());
        ps.setString(19, r.hash());
    }

    /** The last event of a node's chain. */
    public Optional<AuditRow> head(String node) {
        List<AuditRow> rows = query("SELECT " + COLUMNS + " FROM audit_events WHERE node = ? ORDER BY seq DESC LIMIT 1", List.of(node));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The events of one node from {@code fromSeq} to {@code toSeq} (inclusive), in chain order. */
    public List<AuditRow> chain(String node, long fromSeq, long toSeq) {
        return query("SELECT " + COLUMNS + " FROM audit_events WHERE node = ? AND seq >= ? AND seq <= ? ORDER BY seq", List.of(node, fromSeq, toSeq));
    }

    /**
     * Events matching the filter: in chain order (node, seq) when {@code chainOrder}, else by time; at most
     * {@code limit}; with {@code newest}, the last {@code limit} (still returned oldest first).
     */
    public List<AuditRow> search(Filter f, int limit, boolean chainOrder, boolean newest) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.node() != null) { sql.append(" AND node = ?"); args.add(f.node()); }
        if (f.fromTs() != null) { sql.append(" AND ts >= ?"); args.add(f.fromTs()); }
        if (f.toTs() != null) { sql.append(" AND ts < ?"); args.add(f.toTs()); }
        if (f.type() != null) {
            if (f.type().endsWith(".*")) { sql.append(" AND type LIKE ?"); args.add(f.type().substring(0, f.type().length() - 1) + "%"); }
            else { sql.append(" AND type = ?"); args.add(f.type()); }
        }
        if (f.actor() != null && f.actorSealed() != null) {
            sql.append(" AND (actor_id = ? OR substr(actor_id, 1, ").append(f.actorSealed().length()).append(") = ?)");
            args.add(f.actor());
            args.add(f.actorSealed());
        } else if (f.actor() != null) { sql.append(" AND actor_id = ?"); args.add(f.actor()); }
        if (f.org() != null) { sql.append(" AND actor_org = ?"); args.add(f.org()); }
        if (f.afterSeq() != null) { sql.append(" AND seq > ?"); args.add(f.afterSeq()); }
        String dir = newest ? " DESC" : "";
        sql.append(chainOrder ? " ORDER BY node" + dir + ", seq" + dir : " ORDER BY ts" + dir + ", node" + dir + ", seq" + dir);
        sql.append(" LIMIT ").append(Math.max(1, limit));
        List<AuditRow> rows = query(sql.toString(), args);
        if (newest) rows = new ArrayList<>(rows.reversed());
        return rows;
    }

    /** Every node that has written an event or a checkpoint. */
    public List<String> nodes() {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT node FROM audit_events UNION SELECT node FROM audit_checkpoints ORDER BY node"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new StoreException("audit_events: nodes failed", e);
        }
    }

    public void insertCheckpoint(AuditCheckpoint cp) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (" + CP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, cp.node());
            ps.setLong(2, cp.cseq());
            ps.setLong(3, cp.seq());
            ps.setString(4, cp.headHash());
            ps.setLong(5, cp.ts());
            ps.setString(6, cp.prevHash());
            ps.setString(7, cp.kid());
            ps.setString(8, cp.signature());
            ps.setString(9, cp.hash());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("audit_checkpoints: insert failed", e);
        }
    }

    /** A node's checkpoints (every node's when null), in chain order. */
    public List<AuditCheckpoint> checkpoints(String node) {
        return checkpoints("SELECT " + CP_COLUMNS + " FROM audit_checkpoints" + (node == null ? "" : " WHERE node = ?") + " ORDER BY node, cseq",
                node == null ? List.of() : List.of(node));
    }

    private List<AuditCheckpoint> checkpoints(String sql, List<Object> args) {
        List<AuditCheckpoint> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof Long l) ps.setLong(i + 1, l);
                else ps.setString(i + 1, (String) args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditCheckpoint(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                            rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("audit_checkpoints: list failed", e);
        }
    }

    public Optional<AuditCheckpoint> lastCheckpoint(String node) {
        List<AuditCheckpoint> all = checkpoints(node);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Every retention cut of {@code node} (every node's when null), in order. */
    public List<AuditRetentionCut> cuts(String node) {
        String sql = "SELECT node, up_to_seq, cseq, anchor_hash, ts, purged_by, kid, signature FROM audit_retention_cuts"
                + (node == null ? "" : " WHERE node = ?") + " ORDER BY node, up_to_seq";
        List<AuditRetentionCut> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (node != null) ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditRetentionCut(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                            rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("audit_retention_cuts: list failed", e);
        }
    }

    /** Records a retention cut; from then on the database lets {@link #deleteCovered} remove the events it covers. */
    public void insertCut(AuditRetentionCut cut) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_retention_cuts (node, up_to_seq, cseq, anchor_hash, ts, purged_by, kid, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, cut.node());
            ps.setLong(2, cut.upToSeq());
            ps.setLong(3, cut.cseq());
            ps.setString(4, cut.anchorHash());
            ps.setLong(5, cut.ts());
            ps.setString(6, cut.purgedBy());
            ps.setString(7, cut.kid());
            ps.setString(8, cut.signature());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("audit_retention_cuts: insert failed", e);
        }
    }

    /** The newest checkpoint of {@code node} signed before {@code beforeTs} (epoch ms). */
    public Optional<AuditCheckpoint> lastCheckpointBefore(String node, long beforeTs) {
        return checkpoints("SELECT " + CP_COLUMNS + " FROM audit_checkpoints WHERE node = ? AND ts < ? ORDER BY cseq DESC LIMIT 1", List.of(node, beforeTs))
                .stream().findFirst();
    }

    /** How many of {@code node}'s events have {@code seq <= upToSeq}. */
    public long countUpTo(String node, long upToSeq) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_events WHERE node = ? AND seq <= ?")) {
            ps.setString(1, node);
            ps.setLong(2, upToSeq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("audit_events: count failed", e);
        }
    }

    /**
     * Deletes at most {@code limit} of {@code node}'s oldest events with {@code seq <= upToSeq}, in one short
     * statement; returns how many. The database refuses it unless a recorded retention cut covers them.
     */
    public int deleteCovered(String node, long upToSeq, int limit) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM audit_events WHERE node = ? AND seq IN (SELECT seq FROM audit_events WHERE node = ? AND seq <= ? ORDER BY seq LIMIT ?)")) {
            ps.setString(1, node);
            ps.setString(2, node);
            ps.setLong(3, upToSeq);
            ps.setInt(4, limit);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("audit_events: retention delete failed", e);
        }
    }

    public void insertKey(Key k) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_keys (kid, node, public_key, private_key_enc, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, k.kid());
            ps.setString(2, k.node());
            ps.setString(3, k.publicKey());
            ps.setString(4, k.privateKeyEncrypted());
            ps.setLong(5, k.createdAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("audit_keys: insert failed", e);
        }
    }

    /** Every checkpoint key, oldest first. */
    public List<Key> keys() {
        List<Key> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT kid, node, public_key, private_key_enc, created_at FROM audit_keys ORDER BY created_at, kid"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
            return out;
        } catch (SQLException e) {
            throw new StoreException("audit_keys: list failed", e);
        }
    }

    private List<AuditRow> query(String sql, List<Object> args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Long l) ps.setLong(i + 1, l);
                else ps.setString(i + 1, (String) a);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<AuditRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new AuditRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                            rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18),
                            rs.getString(19)));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("audit_events: read failed", e);
        }
    }
}
