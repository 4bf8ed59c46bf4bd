package dev.bastion.limit;

/**
 * A limiter's answer for a request's limits, in the order asked.
 *
 * @param allowed   every limit had room, and one unit was taken from each
 * @param remaining per limit: requests left
 * @param resetMs   per limit: ms until the window resets (or, for a bucket, until a token is available)
 */
record Decision(boolean allowed, long[] remaining, long[] resetMs) {
    /** The backend could not decide (Redis down with {@code on_backend_failure: deny}). */
    static final Decision UNAVAILABLE = new Decision(false, new long[0], new long[0]);

    boolean unavailable() {
        return this == UNAVAILABLE;
    }
}
