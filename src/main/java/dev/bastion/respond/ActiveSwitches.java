package dev.bastion.respond;

import dev.bastion.net.Cidr;
import dev.bastion.net.IpAddresses;
import dev.bastion.store.ResponseAction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incident switches this node knows to be thrown: filled from the store at start, then by the store poll and,
 * with Redis, by broadcast. Lookups read an immutable view rebuilt on each change (switches are few and change
 * rarely; requests are many), and compare each switch's expiry with the clock, so a switch ends on every node at
 * its time whether or not a message about it arrives. With nothing thrown a lookup is one volatile read.
 */
public final class ActiveSwitches {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ActiveSwitches.class);
    private final Map<String, ResponseAction> byId = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile View view = View.EMPTY;

    private record Net(Cidr cidr, ResponseAction action) {}

    private record Allow(Set<String> orgs, Set<String> keys, ResponseAction action) {}

    private record View(List<Net> nets, Map<String, ResponseAction> keys, Map<String, ResponseAction> orgs, Map<String, ResponseAction> routes,
                        Map<String, ResponseAction> models, List<Allow> lockdowns) {
        static final View EMPTY = new View(List.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of());

        boolean empty() {
            return nets.isEmpty() && keys.isEmpty() && orgs.isEmpty() && routes.isEmpty() && models.isEmpty() && lockdowns.isEmpty();
        }
    }

    public ActiveSwitches(Clock clock) {
        this.clock = clock;
    }

    /** Applies a switch as thrown or lifted (from the store, a broadcast, or this node); other actions are ignored. */
    public synchronized void apply(ResponseAction a) {
        if (!a.incident() || Switch.fromWire(a.action()) == null) return;
        boolean changed = a.activeAt(clock.instant()) ? byId.put(a.id(), a) == null : byId.remove(a.id()) != null;
        if (changed) rebuild();
    }

    private void rebuild() {
        Instant now = clock.instant();
        List<Net> nets = new ArrayList<>();
        Map<String, ResponseAction> keys = new HashMap<>(), orgs = new HashMap<>(), routes = new HashMap<>(), models = new HashMap<>();
        List<Allow> lockdowns = new ArrayList<>();
        byId.values().removeIf(a -> !a.activeAt(now));
        for (ResponseAction a : byId.values()) {
            try {
                switch (Switch.fromWire(a.action())) {
                    case BLOCK_IP -> nets.add(new Net(Cidr.parse(a.subject()), a));
                    case BLOCK_KEY -> keys.merge(a.subject(), a, ActiveSwitches::longer);
                    case SUSPEND_ORG -> orgs.merge(a.subject(), a, ActiveSwitches::longer);
                    case DISABLE_ROUTE -> routes.merge(a.subject(), a, ActiveSwitches::longer);
                    case DISABLE_MODEL -> models.merge(a.subject(), a, ActiveSwitches::longer);
                    case LOCKDOWN -> lockdowns.add(allow(a));
                }
            } catch (IllegalArgumentException e) {
                // A row no CLI or API wrote (edited in the store): skipped, so it cannot stop every later switch from applying.
                log.error("incidents: switch {} has an unreadable target and is not enforced", a.id());
            }
        }
        view = new View(List.copyOf(nets), Map.copyOf(keys), Map.copyOf(orgs), Map.copyOf(routes), Map.copyOf(models), List.copyOf(lockdowns));
    }

    private static ResponseAction longer(ResponseAction a, ResponseAction b) {
        return a.expiresAt().isAfter(b.expiresAt()) ? a : b;
    }

    private static Allow allow(ResponseAction a) {
        Switch.Allowed allowed = Switch.allowed(a.subject());
        return new Allow(allowed.orgs(), allowed.keys(), a);
    }

    /** The block in force on this address (a range containing it), or null. */
    public ResponseAction blockedAddress(String ip) {
        List<Net> nets = view.nets();
        if (nets.isEmpty() || ip == null) return null;
        byte[] address = IpAddresses.parse(ip);
        Instant now = clock.instant();
        for (Net n : nets) if (n.cidr().contains(address) && n.action().activeAt(now)) return n.action();
        return null;
    }

    /** The switch in force on this key or client id, or null. */
    public ResponseAction blockedCredential(String id) {
        return live(view.keys(), id);
    }

    public ResponseAction suspendedOrg(String org) {
        return live(view.orgs(), org);
    }

    public ResponseAction disabledRoute(String routeId) {
        return live(view.routes(), routeId);
    }

    public ResponseAction disabledModel(String model) {
        return live(view.models(), model);
    }

    /**
     * The lockdown that does not admit this caller, or null when none is in force or every one in force admits it
     * (each lockdown restricts: with two, a caller must be on both lists). A caller without an identity is admitted by none.
     */
    public ResponseAction lockedOut(String org, String... credentialIds) {
        List<Allow> lockdowns = view.lockdowns();
        if (lockdowns.isEmpty()) return null;
        Instant now = clock.instant();
        for (Allow l : lockdowns) {
            if (!l.action().activeAt(now)) continue;
            boolean admitted = org != null && l.orgs().contains(org);
            for (String id : credentialIds) admitted |= id != null && l.keys().contains(id);
            if (!admitted) return l.action();
        }
        return null;
    }

    /** Whether any switch is thrown here (lookups are free otherwise). */
    public boolean any() {
        return !view.empty();
    }

    /** What is in force now, for tests and the admin view. */
    public List<ResponseAction> inForce() {
        Instant now = clock.instant();
        return byId.values().stream().filter(a -> a.activeAt(now)).toList();
    }

    private ResponseAction live(Map<String, ResponseAction> map, String subject) {
        if (map.isEmpty() || subject == null) return null;
        ResponseAction a = map.get(subject);
        return a != null && a.activeAt(clock.instant()) ? a : null;
    }
}
