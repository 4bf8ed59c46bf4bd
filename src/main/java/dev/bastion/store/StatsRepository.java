package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The admin API's history (V29): per-minute traffic rows and per-hour LLM usage rows, each written by the node that
 * counted them; every read sums across nodes. What the columns hold is encoded by {@code dev.bastion.stats} — to the
 * store they are counts and opaque text. Also the audit trail's counts by type, aggregated in SQL.
 */
public final class StatsRepository {
    /**
     * One node's counts for one minute and (org, route, deployment).
     *
     * @param minuteTs   the minute's start, epoch ms
     * @param deployment the model deployment that answered ({@code upstream/model}), or "" for a route's own upstream
     * @param refused    JSON object: refusing step → count
     * @param errorCodes JSON object: error code of a 5xx → count
     * @param decisions  JSON object: security decision (waf rule, guard detector, bot action) → count
     * @param latency    the latency histogram, as {@code dev.bastion.stats.LatencyHistogram} writes it
     */
    public record Traffic(long minuteTs, String org, String route, String deployment, long requests, long errors, String refused,
                          String errorCodes, String decisions, String latency) {}

    /** One node's LLM usage for one hour, org, credential and model; cost in millionths of the price table's currency. */
    public record Usage(long hourTs, String org, String key, String model, long tokensIn, long tokensOut, long costMicros, long requests) {}

    private final DataSource ds;
    private final Jdbc jdbc;

    StatsRepository(DataSource ds) {
        this.ds = ds;
        this.jdbc = new Jdbc(ds);
    }

    /** Appends one flush's traffic rows, in one transaction. */
    public void insertTraffic(String node, List<Traffic> rows) {
        if (rows.isEmpty()) return;
        batch("stats_traffic: insert", "INSERT INTO stats_traffic (node, minute_ts, org_id, route_id, deployment, requests, errors, refused, error_codes, "
                + "decisions, latency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, (ps, t) -> {
            ps.setString(1, node);
            ps.setLong(2, t.minuteTs());
            ps.setString(3, t.org());
            ps.setString(4, t.route());
            ps.setString(5, t.deployment());
            ps.setLong(6, t.requests());
            ps.setLong(7, t.errors());
            ps.setString(8, t.refused());
            ps.setString(9, t.errorCodes());
            ps.setString(10, t.decisions());
            ps.setString(11, t.latency());
        });
    }

    /** Adds one flush's usage to this node's hourly rows (creating them). */
    public void addUsage(String node, List<Usage> rows) {
        if (rows.isEmpty()) return;
        batch("stats_usage: add", "INSERT INTO stats_usage (node, hour_ts, org_id, key_id, model, tokens_in, tokens_out, cost_micros, requests) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, hour_ts, org_id, key_id, model) DO UPDATE SET "
                + "tokens_in = stats_usage.tokens_in + excluded.tokens_in, tokens_out = stats_usage.tokens_out + excluded.tokens_out, "
                + "cost_micros = stats_usage.cost_micros + excluded.cost_micros, requests = stats_usage.requests + excluded.requests", rows, (ps, u) -> {
            ps.setString(1, node);
            ps.setLong(2, u.hourTs());
            ps.setString(3, u.org());
            ps.setString(4, u.key());
            ps.setString(5, u.model());
            ps.setLong(6, u.tokensIn());
            ps.setLong(7, u.tokensOut());
            ps.setLong(8, u.costMicros());
            ps.setLong(9, u.requests());
        });
    }

    /** Every node's traffic rows of minutes in [from, to), optionally of one org and one route; oldest first. */
    public List<Traffic> traffic(long from, long to, String org, String route) {
        String sql = "SELECT minute_ts, org_id, route_id, deployment, requests, errors, refused, error_codes, decisions, latency FROM stats_traffic "
                + "WHERE minute_ts >= ? AND minute_ts < ?" + (org == null ? "" : " AND org_id = ?") + (route == null ? "" : " AND route_id = ?")
                + " ORDER BY minute_ts";
        return jdbc.list("stats_traffic: read", sql, ps -> {
            int i = bindRange(ps, from, to);
            if (org != null) ps.setString(i++, org);
            if (route != null) ps.setString(i, route);
        }, rs -> new Traffic(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getString(10)));
    }

    /** Every node's usage rows of hours in [from, to), summed per (hour, org, key, model), optionally filtered; oldest first. */
    public List<Usage> usage(long from, long to, String org, String key, String model) {
        String sql = "SELECT hour_ts, org_id, key_id, model, SUM(tokens_in), SUM(tokens_out), SUM(cost_micros), SUM(requests) FROM stats_usage "
                + "WHERE hour_ts >= ? AND hour_ts < ?" + (org == null ? "" : " AND org_id = ?") + (key == null ? "" : " AND key_id = ?")
                + (model == null ? "" : " AND model = ?") + " GROUP BY hour_ts, org_id, key_id, model ORDER BY hour_ts";
        return jdbc.list("stats_usage: read", sql, ps -> {
            int i = bindRange(ps, from, to);
            if (org != null) ps.setString(i++, org);
            if (key != null) ps.setString(i++, key);
            if (model != null) ps.setString(i, model);
        }, rs -> new Usage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
    }

    /** How many distinct credentials used an LLM in [from, to) (hours), optionally within one org. */
    public long activeKeys(long from, long to, String org) {
        String sql = "SELECT COUNT(DISTINCT key_id) FROM stats_usage WHERE hour_ts >= ? AND hour_ts < ?" + (org == null ? "" : " AND org_id = ?");
        return jdbc.list("stats_usage: keys", sql, ps -> {
            int i = bindRange(ps, from, to);
            if (org != null) ps.setString(i, org);
        }, rs -> rs.getLong(1)).get(0);
    }

    /**
     * The audit trail's events in [from, to) counted by type, optionally of one org (the actor's): SQL aggregation on
     * the indexed columns, never the events' fields.
     */
    public Map<String, Long> auditCounts(long from, long to, String org) {
        String sql = "SELECT type, COUNT(*) FROM audit_events WHERE ts >= ? AND ts < ?" + (org == null ? "" : " AND actor_org = ?")
                + " GROUP BY type ORDER BY type";
        Map<String, Long> out = new LinkedHashMap<>();
        for (Object[] r : jdbc.list("audit_events: counts", sql, ps -> {
            int i = bindRange(ps, from, to);
            if (org != null) ps.setString(i, org);
        }, rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
            out.put((String) r[0], (Long) r[1]);
        }
        return out;
    }

    /** Deletes traffic rows of minutes before {@code trafficBefore} and usage rows of hours before {@code usageBefore}. */
    public int prune(long trafficBefore, long usageBefore) {
        int n = 0;
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM stats_traffic WHERE minute_ts < ?")) {
                ps.setLong(1, trafficBefore);
                n += ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM stats_usage WHERE hour_ts < ?")) {
                ps.setLong(1, usageBefore);
                n += ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("stats: prune failed", e);
        }
        return n;
    }

    private static int bindRange(PreparedStatement ps, long from, long to) throws SQLException {
        ps.setLong(1, from);
        ps.setLong(2, to);
        return 3;
    }

    private interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private <T> void batch(String what, String sql, List<T> rows, RowBinder<T> binder) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (T row : rows) {
                    binder.bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed", e);
        }
    }
}
