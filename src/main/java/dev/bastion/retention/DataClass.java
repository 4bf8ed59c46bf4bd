package dev.bastion.retention;

import dev.bastion.config.RetentionConfig;
import dev.bastion.config.RetentionPeriod;
import dev.bastion.store.RetentionRepository;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A class of stored data with a retention period of its own (the keys of {@code retention:} in the config). */
public enum DataClass {
    AUDIT(null),
    USAGE(RetentionRepository.Table.USAGE),
    USERS_INACTIVE(RetentionRepository.Table.USERS_INACTIVE),
    /** Files, not rows: this node's own {@code access_log.dir}, so every node deletes its own, outside the lock. */
    ACCESS_LOGS(null);

    /** The table the class's rows are in; null for the audit trail (removed by retention cut) and the access-log files. */
    final RetentionRepository.Table table;

    DataClass(RetentionRepository.Table table) {
        this.table = table;
    }

    /** The name in the config and on the command line: {@code users_inactive}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public RetentionPeriod period(RetentionConfig config) {
        return switch (this) {
            case AUDIT -> config.audit();
            case USAGE -> config.usage();
            case USERS_INACTIVE -> config.usersInactive();
            case ACCESS_LOGS -> config.accessLogs();
        };
    }

    public static DataClass byWire(String name) {
        for (DataClass c : values()) if (c.wire().equals(name)) return c;
        throw new IllegalArgumentException("'" + name + "' is not a data class (expected: "
                + Arrays.stream(values()).map(DataClass::wire).collect(Collectors.joining(", ")) + ")");
    }
}
