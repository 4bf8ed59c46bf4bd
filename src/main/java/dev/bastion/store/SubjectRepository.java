package dev.bastion.store;

import java.sql.ResultSetMetaData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the store holds about a subject — a user or an org — for subject requests (D3): rows as stored, every
 * column but the secrets' hashes and wrapped keys, which are never handed out. The tables and columns are a
 * fixed list ({@link Of}), never built from input.
 */
public final class SubjectRepository {
    /** Columns no export shows: hashes of API keys and client secrets, wrapped data keys. */
    static final Set<String> NEVER_EXPORTED = Set.of("key_hash", "secret_hash", "wrapped_key");

    /** A table and the column that names the subject in it. */
    public enum Of {
        USER("users", "id", true),
        USERS_OF_ORG("users", "org_id", false),
        ORG("orgs", "id", false),
        API_KEYS_OF_ORG("api_keys", "org_id", false),
        CLIENTS_OF_ORG("clients", "org_id", false),
        USAGE_OF_SUBJECT("llm_usage", "subject", true),
        USAGE_OF_ORG("llm_usage", "org_id", false),
        /** The admin API's usage history (V29), where a person calling with their own token is {@code user:ID}. */
        USAGE_HISTORY_OF_SUBJECT("stats_usage", "key_id", true),
        USAGE_HISTORY_OF_ORG("stats_usage", "org_id", false),
        TOKENS_OF_SUBJECT("issued_tokens", "subject", true),
        TOKENS_OF_ORG("issued_tokens", "org_id", false),
        REVOCATIONS_OF_SUBJECT("revocations", "subject", false),
        REVOCATIONS_OF_ORG("revocations", "org_id", false);

        final String table;
        final String column;
        /** Whether a user's deletion removes these rows (revocations stay: they keep a deleted user's tokens refused). */
        final boolean deletable;

        Of(String table, String column, boolean deletable) {
            this.table = table;
            this.column = column;
            this.deletable = deletable;
        }

        public String table() {
            return table;
        }
    }

    private final Jdbc jdbc;

    SubjectRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The rows where {@code of}'s column is {@code value}: column name to value, secrets left out. */
    public List<Map<String, Object>> find(Of of, String value) {
        return jdbc.list(of.table + ": export", "SELECT * FROM " + of.table + " WHERE " + of.column + " = ?", ps -> ps.setString(1, value), rs -> {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                if (!NEVER_EXPORTED.contains(name)) row.put(name, rs.getObject(i));
            }
            return row;
        });
    }

    /** Deletes the rows where {@code of}'s column is {@code value}; only for what a user's deletion removes. */
    public int delete(Of of, String value) {
        if (!of.deletable) throw new IllegalArgumentException(of + " is not deleted with a subject");
        return jdbc.update(of.table + ": delete subject", "DELETE FROM " + of.table + " WHERE " + of.column + " = ?", ps -> ps.setString(1, value));
    }
}
