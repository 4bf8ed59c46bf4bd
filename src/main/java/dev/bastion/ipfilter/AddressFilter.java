package dev.bastion.ipfilter;

import java.util.List;

/** A rule on the client address, checked before any other work on a request (W3, W5). */
public interface AddressFilter {
    /** Why this address is refused, or null when it may go on. */
    Refusal check(String clientIp);

    /**
     * The 403 a refused address gets.
     *
     * @param code    stable snake_case reason
     * @param message safe text for the client: names the rule, never the address's details
     */
    record Refusal(String code, String message) {}

    /**
     * Runs {@code reload} every {@code interval} on a worker thread (it reads files), never on an event loop.
     * @return the timer id, for {@code vertx.cancelTimer}
     */
    static long reloadEvery(io.vertx.core.Vertx vertx, java.time.Duration interval, Runnable reload) {
        return vertx.setPeriodic(interval.toMillis(), t -> vertx.executeBlocking(() -> {
            reload.run();
            return null;
        }, false));
    }

    /** The filters in order, the first refusal wins; null when there are none. */
    static AddressFilter all(List<AddressFilter> filters) {
        List<AddressFilter> present = filters.stream().filter(java.util.Objects::nonNull).toList();
        if (present.isEmpty()) return null;
        if (present.size() == 1) return present.getFirst();
        return ip -> {
            for (AddressFilter f : present) {
                Refusal r = f.check(ip);
                if (r != null) return r;
            }
            return null;
        };
    }
}
