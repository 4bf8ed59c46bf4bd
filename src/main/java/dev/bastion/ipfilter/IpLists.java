package dev.bastion.ipfilter;

import dev.bastion.config.IpListsConfig;
import dev.bastion.net.Cidr;
import dev.bastion.net.IpAddresses;
import dev.bastion.net.IpTrie;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-address allow and deny lists (W3) of one gateway: the ranges from config and from files,
 * as one immutable snapshot that every event loop reads without locking and a reload replaces whole.
 * Files are checked for changes every {@code reload_interval} off the event loops; a file that cannot be
 * read or holds a bad line keeps the previous snapshot, so a broken edit changes nothing.
 */
public final class IpLists implements AddressFilter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpLists.class);

    private static final Refusal DENIED = new Refusal("ip_denied", "Requests from this address are refused.");
    private static final Refusal NOT_ALLOWED = new Refusal("ip_not_allowed", "This address is not on the list of addresses allowed to call.");

    private record Snapshot(IpTrie allow, IpTrie deny, boolean allowListed) {}

    private final IpListsConfig config;
    private final Map<String, FileTime> seen = new HashMap<>();
    private volatile Snapshot current;
    private Counter denied, notAllowed;
    private Vertx vertx;
    private dev.bastion.observe.AuditLog audit = (event, fields) -> { };
    private long timer = -1;

    private IpLists(IpListsConfig config) {
        this.config = config;
    }

    /**
     * Loads the lists; a file that cannot be read stops the start (at start there is no previous list to
     * keep). Null when nothing is configured.
     *
     * @throws IllegalArgumentException naming the file and line
     */
    public static IpLists load(IpListsConfig config) {
        if (config.isEmpty()) return null;
        IpLists lists = new IpLists(config);
        lists.current = lists.read();
        return lists;
    }

    /** Re-reads the files when they change, every {@code reload_interval}; counts refusals in {@code registry}. */
    public IpLists start(Vertx vertx, MeterRegistry registry) {
        return start(vertx, registry, (event, fields) -> { });
    }

    /** As above; each reload (or a broken file kept out) is a {@code config.reloaded} audit event. */
    public IpLists start(Vertx vertx, MeterRegistry registry, dev.bastion.observe.AuditLog audit) {
        this.vertx = vertx;
        this.audit = audit;
        denied = Counter.builder("bastion.ip_list.refusals").description("Requests refused by the IP lists").tag("list", "deny").register(registry);
        notAllowed = Counter.builder("bastion.ip_list.refusals").description("Requests refused by the IP lists").tag("list", "allow").register(registry);
        Gauge.builder("bastion.ip_list.ranges", this, l -> l.current.allow.size() + l.current.deny.size())
                .description("Ranges in the IP allow and deny lists").register(registry);
        if (!config.allowFiles().isEmpty() || !config.denyFiles().isEmpty()) {
            timer = AddressFilter.reloadEvery(vertx, config.reloadInterval(), this::reloadIfChanged);
        }
        return this;
    }

    /** The lists' decision for a client address (its canonical text, as the edge resolved it). */
    @Override
    public Refusal check(String clientIp) {
        Snapshot s = current;
        byte[] address = IpAddresses.parse(clientIp);
        if (s.deny.contains(address)) {
            if (denied != null) denied.increment();
            return DENIED;
        }
        if (s.allowListed && !s.allow.contains(address)) {
            if (notAllowed != null) notAllowed.increment();
            return NOT_ALLOWED;
        }
        return null;
    }

    /** Re-reads the files if any changed; keeps the current lists when one is broken. True when replaced. */
    synchronized boolean reloadIfChanged() {
        if (!changed()) return false;
        try {
            Snapshot next = read();
            current = next;
            log.info("IP lists reloaded: {} allow and {} deny ranges", next.allow.size(), next.deny.size());
            audit.event("config.reloaded", java.util.Map.of("ref", "waf.ip_lists", "allow", next.allow.size(), "deny", next.deny.size()));
            return true;
        } catch (IllegalArgumentException e) {
            log.error("IP lists not reloaded, the previous lists stay in force: {}", e.getMessage());
            audit.event("config.reloaded", java.util.Map.of("ref", "waf.ip_lists", "decision", "failure", "reason", "invalid_file"));
            return false;
        }
    }

    private boolean changed() {
        boolean changed = false;
        for (String f : files()) {
            FileTime t;
            try {
                t = Files.getLastModifiedTime(Path.of(f));
            } catch (IOException e) {
                t = FileTime.fromMillis(-1); // gone: a change too (and the read will fail, keeping the lists)
            }
            if (!t.equals(seen.get(f))) changed = true;
        }
        return changed;
    }

    private List<String> files() {
        List<String> all = new ArrayList<>(config.allowFiles());
        all.addAll(config.denyFiles());
        return all;
    }

    private Snapshot read() {
        IpTrie allow = new IpTrie(), deny = new IpTrie();
        for (String r : config.allow()) allow.add(Cidr.parse(r));
        for (String r : config.deny()) deny.add(Cidr.parse(r));
        for (String f : config.allowFiles()) readFile(f, allow);
        for (String f : config.denyFiles()) readFile(f, deny);
        return new Snapshot(allow, deny, !config.allow().isEmpty() || !config.allowFiles().isEmpty());
    }

    private void readFile(String file, IpTrie into) {
        Path path = Path.of(file);
        List<String> lines;
        try {
            seen.put(file, Files.getLastModifiedTime(path));
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            try {
                into.add(Cidr.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (timer != -1 && vertx != null) vertx.cancelTimer(timer);
    }
}
