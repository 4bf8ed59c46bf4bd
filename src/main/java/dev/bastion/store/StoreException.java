package dev.bastion.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** The store could not do what was asked (unreachable, constraint, I/O). Callers treat it as a fault, never as "not found". */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }

    /**
     * Whether the store could not be reached at all — no connection could be made or borrowed in time, the
     * connection broke, the server is shutting down or starting — rather than a query failing on a store that
     * answered. The first is an outage an operator fixes outside Bastion (and a client may retry); the second a fault.
     */
    public boolean unavailable() {
        Throwable t = getCause();
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            // Hikari's wait for a pooled connection ran out; the driver's "connection refused / reset / closed"
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null && connectionState(s.getSQLState())) return true;
        }
        return false;
    }

    /** SQLSTATE class 08 (connection exception) and 57P01–57P03 (PostgreSQL shutting down, crashed, not yet accepting). */
    private static boolean connectionState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }
}
