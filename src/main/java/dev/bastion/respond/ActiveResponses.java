package dev.bastion.respond;

import dev.bastion.net.IpAddresses;
import dev.bastion.store.ResponseAction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows to be blocked or suspended (O4): the addresses and API keys of the actions in force.
 * Filled from the store at start, then by the store poll and, with Redis, by broadcast. Every lookup compares
 * the action's expiry with the clock, so an action lifts itself on every node at its time, whether or not a
 * message about it arrives. Thread-safe; a lookup is one hash probe (none when nothing is in force).
 */
public final class ActiveResponses {
    private final Map<String, ResponseAction> ips = new ConcurrentHashMap<>();
    private final Map<String, ResponseAction> keys = new ConcurrentHashMap<>();
    private final Clock clock;

    public ActiveResponses(Clock clock) {
        this.clock = clock;
    }

    /**
     * Applies an action as made or lifted (a lifted or expired one is removed, if it is the one in force).
     *
     * @return true when a lifted action was in force here until now (the store poll delivers a lift more than once)
     */
    public boolean apply(ResponseAction a) {
        if (a.incident()) return false; // an operator's switch: the incident controls enforce it (docs/operations.md)
        Map<String, ResponseAction> map = switch (a.action()) {
            case ResponseAction.BLOCK_IP -> ips;
            case ResponseAction.SUSPEND_KEY -> keys;
            default -> null;
        };
        if (map == null) return false;
        String subject = a.action().equals(ResponseAction.BLOCK_IP) ? blockSubject(a.subject()) : a.subject();
        if (subject == null) return false;
        if (a.activeAt(clock.instant())) {
            // Of two actions on one subject, the one that lasts longer stands.
            map.merge(subject, a, (old, now) -> old.liftedAt() == null && old.expiresAt().isAfter(now.expiresAt()) && !old.id().equals(now.id()) ? old : now);
            return false;
        }
        ResponseAction old = map.get(subject);
        return old != null && old.id().equals(a.id()) && map.remove(subject, old);
    }

    /** The block in force on this address, or null. */
    public ResponseAction blocked(String ip) {
        if (ips.isEmpty() || ip == null) return null;
        return current(ips, blockSubject(ip));
    }

    /** The suspension in force on this API key (its public id), or null. */
    public ResponseAction suspended(String keyId) {
        if (keys.isEmpty() || keyId == null) return null;
        return current(keys, keyId);
    }

    private ResponseAction current(Map<String, ResponseAction> map, String subject) {
        if (subject == null) return null;
        ResponseAction a = map.get(subject);
        if (a == null) return null;
        if (a.activeAt(clock.instant())) return a;
        map.remove(subject, a); // expired: lifts itself
        return null;
    }

    /** Everything in force now (for tests and the admin view). */
    public List<ResponseAction> inForce() {
        Instant now = clock.instant();
        List<ResponseAction> out = new ArrayList<>();
        for (ResponseAction a : ips.values()) if (a.activeAt(now)) out.add(a);
        for (ResponseAction a : keys.values()) if (a.activeAt(now)) out.add(a);
        return out;
    }

    /**
     * What a block holds, in one spelling: an IPv4 address ({@code ::ffff:192.0.2.1} is {@code 192.0.2.1}), an
     * IPv6 address's /64 ({@linkplain IpAddresses#subscriber whom it stands for}); null when it is neither.
     */
    static String blockSubject(String ip) {
        return IpAddresses.subscriber(ip);
    }
}
