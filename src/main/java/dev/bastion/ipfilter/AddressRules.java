package dev.bastion.ipfilter;

import dev.bastion.config.ConfigException;
import dev.bastion.config.WafConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A gateway's client-address rules: the IP lists, then the countries — a listed address is refused
 * without a database lookup. Loaded once at start (and by {@code bastion check}); each part reloads its
 * own files.
 */
public final class AddressRules implements AddressFilter, AutoCloseable {
    private final IpLists lists;
    private final GeoFilter geo;
    private final AddressFilter all;

    private AddressRules(IpLists lists, GeoFilter geo) {
        this.lists = lists;
        this.geo = geo;
        this.all = AddressFilter.all(java.util.Arrays.asList(lists, geo));
    }

    /**
     * The rules {@code waf} configures, or null when it configures none.
     *
     * @throws ConfigException naming the key, file and line of what cannot be loaded
     */
    public static AddressRules load(WafConfig waf) {
        IpLists lists;
        GeoFilter geo;
        try {
            lists = IpLists.load(waf.ipLists());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("waf.ip_lists: " + e.getMessage()));
        }
        try {
            geo = GeoFilter.open(waf.geo());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("waf.geo.database: " + e.getMessage()));
        }
        return lists == null && geo == null ? null : new AddressRules(lists, geo);
    }

    /** Starts the reloads and the counters. */
    public AddressRules start(Vertx vertx, MeterRegistry registry) {
        return start(vertx, registry, (event, fields) -> { });
    }

    /** @param audit where each reload, or refusal to reload a broken file, is recorded ({@code config.reloaded}) */
    public AddressRules start(Vertx vertx, MeterRegistry registry, dev.bastion.observe.AuditLog audit) {
        if (lists != null) lists.start(vertx, registry, audit);
        if (geo != null) geo.start(vertx, registry, audit);
        return this;
    }

    @Override
    public Refusal check(String clientIp) {
        return all.check(clientIp);
    }

    @Override
    public void close() {
        if (lists != null) lists.close();
        if (geo != null) geo.close();
    }
}
