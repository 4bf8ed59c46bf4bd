package dev.bastion.store;

import java.time.Instant;
import java.util.List;

/** Settled LLM usage per budget rule, subject and period. */
public final class UsageRepository {
    /** @param costMicros cost in millionths of the price table's currency unit */
    public record Usage(String ruleId, String subject, String orgId, Instant periodStart, long tokens, long costMicros, Instant updatedAt) {}

    private final Jdbc jdbc;

    UsageRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds to a period's totals (creating the row). */
    public void add(String ruleId, String subject, String orgId, Instant periodStart, long tokens, long costMicros, Instant now) {
        jdbc.update("llm_usage: add", "INSERT INTO llm_usage (rule_id, subject, org_id, period_start, tokens, cost_micros, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (rule_id, subject, period_start) DO UPDATE SET tokens = llm_usage.tokens + excluded.tokens, "
                + "cost_micros = llm_usage.cost_micros + excluded.cost_micros, updated_at = excluded.updated_at", ps -> {
            ps.setString(1, ruleId);
            ps.setString(2, subject);
            ps.setString(3, orgId);
            ps.setLong(4, periodStart.toEpochMilli());
            ps.setLong(5, tokens);
            ps.setLong(6, costMicros);
            ps.setLong(7, now.toEpochMilli());
        });
    }

    public java.util.Optional<Usage> find(String ruleId, String subject, Instant periodStart) {
        return jdbc.one("llm_usage: lookup", "SELECT rule_id, subject, org_id, period_start, tokens, cost_micros, updated_at FROM llm_usage "
                + "WHERE rule_id = ? AND subject = ? AND period_start = ?", ps -> {
            ps.setString(1, ruleId);
            ps.setString(2, subject);
            ps.setLong(3, periodStart.toEpochMilli());
        }, UsageRepository::read);
    }

    /** An org's usage rows since {@code from}, newest period first. */
    public List<Usage> forOrg(String orgId, Instant from) {
        return jdbc.list("llm_usage: list", "SELECT rule_id, subject, org_id, period_start, tokens, cost_micros, updated_at FROM llm_usage "
                + "WHERE org_id = ? AND period_start >= ? ORDER BY period_start DESC, rule_id, subject", ps -> {
            ps.setString(1, orgId);
            ps.setLong(2, from.toEpochMilli());
        }, UsageRepository::read);
    }

    private static Usage read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Usage(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), rs.getLong(5), rs.getLong(6),
                Instant.ofEpochMilli(rs.getLong(7)));
    }
}
