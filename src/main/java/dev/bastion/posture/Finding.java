package dev.bastion.posture;

/**
 * One violation of a row.
 *
 * @param row   the row violated
 * @param where the YAML path (and a short detail) of the violation; never a secret value
 */
public record Finding(Row row, String where) {
    public String id() {
        return row.id();
    }

    public Severity severity() {
        return row.severity();
    }
}
