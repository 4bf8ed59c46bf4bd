package dev.bastion.mcp;

import dev.bastion.observe.AuditLog;
import dev.bastion.store.McpPin;
import dev.bastion.store.McpPinRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every MCP route's tool pins as this node knows them: the store's table (every node polls it, so an approval made on
 * one holds on all) plus what this node decided since its last poll. Decisions are read on the request path without
 * waiting; what they change is written on this class's own thread, each write conditional, and the audit event of a
 * held definition is written by the one node whose write recorded it. A store failure is logged and retried: known
 * pins stay in force, and a tool whose hold could not be written stays quarantined here all the same.
 */
public final class McpPins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(McpPins.class);
    /** Rows a route may have: a server inventing tool names by the thousand must not grow the table without end. */
    static final int MAX_PER_ROUTE = 1024;

    private final McpPinRepository store;
    private final AuditLog audit;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    /** route, NUL, tool → pin. */
    private volatile Map<String, McpPin> known = Map.of();
    /** What this node decided and may not have read back yet; cleared by each poll that read after the write. */
    private final Map<String, McpPin> local = new ConcurrentHashMap<>();
    /** Description fingerprints of declared pins' definitions seen matching (declared pins have no row): route, server, fp → tool. */
    private final Map<String, String> declaredDescriptions = new ConcurrentHashMap<>();
    private final java.util.Set<String> full = ConcurrentHashMap.newKeySet();

    public McpPins(McpPinRepository store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bastion-mcp-pins");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads every pin (blocking), then polls in the background. */
    public McpPins start(Duration pollInterval) {
        poll();
        long ms = pollInterval.toMillis();
        writer.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reads the table again (blocking). */
    public void poll() {
        Map<String, McpPin> all = new LinkedHashMap<>();
        for (McpPin p : store.all()) all.put(key(p.routeId(), p.tool()), p);
        known = Map.copyOf(all);
        local.clear(); // the writes are on this thread, before this read: the table has them
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("mcp pin poll failed (known pins stay in force): {}", e.getMessage());
        }
    }

    /** The pin of one tool, or null when it has none. */
    McpPin get(String routeId, String tool) {
        String k = key(routeId, tool);
        McpPin p = local.get(k);
        return p != null ? p : known.get(k);
    }

    /**
     * Whether a route may take one more tool row; past {@link #MAX_PER_ROUTE} a new tool stays quarantined without a
     * row (warned once per route), and an operator must look at that server.
     */
    boolean roomFor(String routeId) {
        String prefix = routeId + '\u0000';
        long rows = java.util.stream.Stream.concat(known.keySet().stream(), local.keySet().stream()).filter(k -> k.startsWith(prefix)).distinct().count();
        if (rows < MAX_PER_ROUTE) return true;
        if (full.add(routeId)) log.warn("mcp route {}: {} tool pins; new tools stay quarantined without being recorded", routeId, MAX_PER_ROUTE);
        return false;
    }

    /**
     * Another tool of the same server on the route whose approved definition carries this description, or null. The
     * same server only: two servers may well describe a tool alike (a server copying another's is not caught here).
     */
    String describedAs(String routeId, String server, String descFp, String except) {
        if (descFp == null) return null;
        String prefix = server + dev.bastion.config.McpConfig.SEPARATOR;
        String declared = declaredDescriptions.get(key(routeId, server + '\u0000' + descFp));
        if (declared != null && !declared.equals(except)) return declared;
        for (Map<String, McpPin> m : List.of(local, known)) {
            for (McpPin p : m.values()) {
                if (p.routeId().equals(routeId) && descFp.equals(p.pinnedDescFp()) && !p.tool().equals(except) && p.tool().startsWith(prefix)) return p.tool();
            }
        }
        return null;
    }

    /** A declared pin's definition was seen matching: its description now marks renames of it. */
    void declaredSeen(String routeId, String tool, String descFp) {
        if (descFp != null) declaredDescriptions.putIfAbsent(key(routeId, tool.substring(0, tool.indexOf(dev.bastion.config.McpConfig.SEPARATOR)) + '\u0000' + descFp), tool);
    }

    /** Pins a first-seen tool as it is ({@code trust_first}). */
    void pinFirst(String routeId, String tool, String fp, String descFp) {
        McpPin p = new McpPin(routeId, tool, fp, descFp, null, null, null, null, null, null, null, "trust_first", clock.instant());
        if (local.putIfAbsent(key(routeId, tool), p) != null) return;
        writer.execute(() -> {
            try {
                if (!store.pinFirst(routeId, tool, fp, descFp, clock.instant())) refreshRow(routeId, tool); // another node was first
            } catch (RuntimeException e) {
                log.warn("mcp pin not written (route {}, tool {}): {}", routeId, tool, e.getMessage());
            }
        });
    }

    /**
     * Holds a definition that is not the pin (or a first-seen one under {@code approve}) for review: quarantined here at
     * once, recorded in the store, and audited by the node that recorded it.
     *
     * @param reason {@code new}, {@code changed} or {@code renamed}
     * @param from   a renamed tool's pinned original
     * @param oldFp  the pinned fingerprint it differs from (null for a new tool)
     */
    void hold(String routeId, String server, String tool, String fp, String descFp, String reason, String from, String definition, String oldFp) {
        String k = key(routeId, tool);
        McpPin current = get(routeId, tool);
        if (current != null && (fp.equals(current.pendingFp()) || fp.equals(current.rejectedFp()))) return; // already held, or turned down
        McpPin held = current == null
                ? new McpPin(routeId, tool, null, null, fp, descFp, reason, from, definition, clock.instant(), null, null, clock.instant())
                : new McpPin(routeId, tool, current.pinnedFp(), current.pinnedDescFp(), fp, descFp, reason, from, definition, clock.instant(),
                current.rejectedFp(), current.decidedBy(), clock.instant());
        local.put(k, held);
        writer.execute(() -> {
            try {
                if (!store.hold(routeId, tool, fp, descFp, reason, from, definition, clock.instant())) return; // another node recorded it
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("route", routeId);
                f.put("server", server);
                f.put("tool", tool);
                f.put("reason", reason);
                if (oldFp != null) f.put("old_fingerprint", oldFp);
                f.put("new_fingerprint", fp);
                if (from != null) f.put("renamed_from", from);
                audit.event("new".equals(reason) ? "mcp.tool_new" : "mcp.tool_drift", f);
                log.warn("mcp route {}: tool {} quarantined ({}): {} is not its pin{}", routeId, tool, reason, fp, from == null ? "" : " (carries " + from + "'s description)");
            } catch (RuntimeException e) {
                log.warn("mcp pin hold not written (route {}, tool {}): {}", routeId, tool, e.getMessage());
            }
        });
    }

    /** Re-reads one row after an operator's decision made through this node (blocking), so it holds here at once. */
    public void refreshRow(String routeId, String tool) {
        String k = key(routeId, tool);
        store.find(routeId, tool).ifPresent(p -> {
            Map<String, McpPin> next = new LinkedHashMap<>(known);
            next.put(k, p);
            known = Map.copyOf(next);
        });
        local.remove(k);
    }

    private static String key(String routeId, String tool) {
        return routeId + '\u0000' + tool;
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
