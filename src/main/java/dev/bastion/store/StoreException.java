package dev.bastion.store;

/** The store could not do what was asked (unreachable, constraint, I/O). Callers treat it as a fault, never as "not found". */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
