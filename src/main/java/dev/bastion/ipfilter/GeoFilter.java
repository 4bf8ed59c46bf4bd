package dev.bastion.ipfilter;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import dev.bastion.config.GeoConfig;
import dev.bastion.net.IpAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Country rules on the client address (W5), looked up in a MaxMind DB file with MaxMind's reader
 * (the file read into memory, with the reader's cache of decoded records). The file is re-opened when it changes, off the
 * event loops; a replacement that cannot be opened leaves the current database in force. Replaced
 * readers are not closed: lookups still running on them finish, and the memory goes with the reader.
 */
public final class GeoFilter implements AddressFilter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GeoFilter.class);
    private static final Refusal DENIED = new Refusal("country_denied", "Requests from this country are refused.");
    private static final Refusal NOT_ALLOWED = new Refusal("country_not_allowed", "Requests from this country are not accepted.");
    private static final Refusal UNKNOWN = new Refusal("country_unknown", "The country of this address is not known, and this service accepts only known countries.");

    private final GeoConfig config;
    private final Set<String> deny, allow;
    private volatile Reader reader;
    private FileTime opened;
    private Counter refused;
    private Vertx vertx;
    private dev.bastion.observe.AuditLog audit = (event, fields) -> { };
    private long timer = -1;

    private GeoFilter(GeoConfig config) {
        this.config = config;
        this.deny = Set.copyOf(config.deny());
        this.allow = Set.copyOf(config.allow());
    }

    /** @throws IllegalArgumentException when the database cannot be opened */
    public static GeoFilter open(GeoConfig config) {
        if (config == null) return null;
        GeoFilter f = new GeoFilter(config);
        try {
            f.reopen();
        } catch (IOException e) {
            throw new IllegalArgumentException(config.database() + ": cannot open as a MaxMind DB (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return f;
    }

    public GeoFilter start(Vertx vertx, MeterRegistry registry) {
        return start(vertx, registry, (event, fields) -> { });
    }

    /** As above; each reopened database (or a broken one kept out) is a {@code config.reloaded} audit event. */
    public GeoFilter start(Vertx vertx, MeterRegistry registry, dev.bastion.observe.AuditLog audit) {
        this.vertx = vertx;
        this.audit = audit;
        refused = Counter.builder("bastion.geo.refusals").description("Requests refused by country rules").register(registry);
        timer = AddressFilter.reloadEvery(vertx, config.reloadInterval(), this::reloadIfChanged);
        return this;
    }

    @Override
    public Refusal check(String clientIp) {
        String country = country(clientIp);
        Refusal r;
        if (country == null) r = config.onUnknown() == GeoConfig.OnUnknown.DENY ? UNKNOWN : null;
        else if (deny.contains(country)) r = DENIED;
        else if (!allow.isEmpty() && !allow.contains(country)) r = NOT_ALLOWED;
        else r = null;
        if (r != null && refused != null) refused.increment();
        return r;
    }

    /** The ISO code of the address's country (or, failing that, of the network's registration), or null. */
    String country(String clientIp) {
        byte[] bytes = IpAddresses.parse(clientIp);
        if (bytes == null) return null;
        try {
            Map<?, ?> record = reader.get(InetAddress.getByAddress(bytes), Map.class);
            if (record == null) return null;
            String code = isoCode(record.get("country"));
            return code != null ? code : isoCode(record.get("registered_country"));
        } catch (IOException | RuntimeException e) {
            // A damaged database: the address counts as unknown, and on_unknown decides.
            log.warn("GeoIP lookup failed: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    private static String isoCode(Object country) {
        return country instanceof Map<?, ?> m && m.get("iso_code") instanceof String s ? s : null;
    }

    synchronized boolean reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(Path.of(config.database())).equals(opened)) return false;
            reopen();
            log.info("GeoIP database reopened: {}", config.database());
            audit.event("config.reloaded", java.util.Map.of("ref", "waf.geo.database"));
            return true;
        } catch (IOException | RuntimeException e) {
            log.error("GeoIP database not reopened, the current one stays in force: {}: {}", config.database(), e.getClass().getSimpleName());
            audit.event("config.reloaded", java.util.Map.of("ref", "waf.geo.database", "decision", "failure", "reason", "unreadable_database"));
            return false;
        }
    }

    private void reopen() throws IOException {
        FileTime time = Files.getLastModifiedTime(Path.of(config.database()));
        // Read into memory, not mapped: a file rewritten in place (not every updater renames) would change
        // under a mapped reader mid-lookup. A country database is a few megabytes.
        Reader next = new Reader(new File(config.database()), Reader.FileMode.MEMORY, new CHMCache());
        if (next.getMetadata().getIpVersion() != 6 && next.getMetadata().getIpVersion() != 4) throw new IOException("unexpected ip_version");
        reader = next;
        opened = time;
    }

    @Override
    public void close() {
        if (timer != -1 && vertx != null) vertx.cancelTimer(timer);
    }
}
