package dev.bastion.stats;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.Identity;
import dev.bastion.llm.MeteredCall;
import dev.bastion.store.StatsRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's traffic and LLM usage per minute for the admin API's history (issue 21): per (org, route,
 * deployment) the requests, the 5xx errors by code, the refusals by the step that refused (the access line's
 * {@code refused_by}), the security decisions (WAF rule ids, guard detector types, bot actions — from the controls'
 * access-line fields, never content) and a latency histogram; per (org, credential, model) the tokens, cost and calls
 * the budget settled. Aggregated in memory on the event loop (one map lookup and a short lock per request), at most
 * {@link #MAX_KEYS} keys per minute (the rest go to {@code other}); each finished minute is written by
 * {@link #flush} on a worker, which also deletes rows past their keep. A minute that could not be written is dropped and logged: the history is a view, not
 * an account (budgets keep their own ledger).
 */
public final class StatsRecorder implements ExchangeListener {
    private static final Logger log = LoggerFactory.getLogger(StatsRecorder.class);
    /** Distinct (org, route, deployment) and (org, credential, model) keys kept per minute; beyond: {@code other}. */
    public static final int MAX_KEYS = 1000;
    /** How long traffic rows are kept: counts by org and route, five weeks of them. Usage rows follow {@code retention.usage}. */
    public static final Duration KEEP_TRAFFIC = Duration.ofDays(35);
    static final String OTHER = "other";
    /** The org of a request nobody authenticated (refused before, or a public route). */
    static final String NO_ORG = "-";
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    private final StatsRepository repository;
    private final String node;
    private final Clock clock;
    /** {@code retention.usage}: how long usage rows are kept; null keeps them for ever. */
    private final Duration keepUsage;
    private final ConcurrentHashMap<Long, Minute> minutes = new ConcurrentHashMap<>();
    private volatile Minute current;
    private long lastPrune;

    /** @param keepUsage how long usage rows are kept ({@code retention.usage}, like the budgets' records); null: for ever */
    public StatsRecorder(StatsRepository repository, String node, Clock clock, Duration keepUsage) {
        this.repository = repository;
        this.node = node;
        this.clock = clock;
        this.keepUsage = keepUsage;
    }

    @Override
    public void finished(Exchange ex, long endNanos) {
        long minute = clock.millis() / MINUTE * MINUTE;
        Identity id = ex.identity();
        String org = id == null ? NO_ORG : id.orgId();
        Object deployment = ex.logFields().get("deployment");
        TrafficKey key = new TrafficKey(org, ex.routeId() == null ? "none" : ex.routeId(), deployment instanceof String d ? d : "");
        long micros = Math.max(0, (endNanos - ex.startNanos()) / 1000);
        MeteredCall call = ex.attribute(MeteredCall.class);
        UsageKey usage = call == null ? null : new UsageKey(org, credential(id), call.model());
        // A minute being flushed is closed; a request that meets a closed one counts in a fresh one for the same minute.
        while (!minute(minute).record(key, ex, micros, usage, call)) current = null;
    }

    private Minute minute(long ts) {
        Minute m = current;
        if (m != null && m.ts == ts && !m.closed) return m;
        m = minutes.computeIfAbsent(ts, Minute::new);
        current = m;
        return m;
    }

    /** The credential a usage row is kept under: as budgets name a caller ({@code key:…}, {@code client:…}, {@code user:…}). */
    private static String credential(Identity id) {
        return id == null ? NO_ORG : id.caller();
    }

    /**
     * Writes finished minutes (every minute when {@code all}: at shutdown, and in tests that cannot wait a minute) and,
     * at most hourly, deletes rows past their keep. Blocks: call it on a worker.
     *
     * @return the traffic rows written
     */
    public synchronized int flush(boolean all) {
        long now = clock.millis();
        long open = now / MINUTE * MINUTE;
        List<StatsRepository.Traffic> traffic = new ArrayList<>();
        List<StatsRepository.Usage> usage = new ArrayList<>();
        for (Map.Entry<Long, Minute> e : minutes.entrySet()) {
            if (!all && e.getKey() >= open) continue;
            Minute m = e.getValue();
            minutes.remove(e.getKey(), m);
            m.drain(traffic, usage);
        }
        try {
            repository.insertTraffic(node, traffic);
            repository.addUsage(node, usage);
            if (now - lastPrune >= HOUR) {
                lastPrune = now;
                repository.prune(now - KEEP_TRAFFIC.toMillis(), keepUsage == null ? Long.MIN_VALUE : now - keepUsage.toMillis());
            }
        } catch (RuntimeException e) {
            log.warn("stats: {} traffic and {} usage rows not written ({})", traffic.size(), usage.size(), e.getMessage());
        }
        return traffic.size();
    }

    private record TrafficKey(String org, String route, String deployment) {
        static final TrafficKey OVERFLOW = new TrafficKey(OTHER, OTHER, "");
    }

    private record UsageKey(String org, String key, String model) {
        static final UsageKey OVERFLOW = new UsageKey(OTHER, OTHER, OTHER);
    }

    /** One minute of one node: its cells, and whether a flush has taken it. */
    private static final class Minute {
        final long ts;
        final ConcurrentHashMap<TrafficKey, Cell> cells = new ConcurrentHashMap<>();
        final ConcurrentHashMap<UsageKey, long[]> usage = new ConcurrentHashMap<>();
        final AtomicInteger trafficKeys = new AtomicInteger();
        final AtomicInteger usageKeys = new AtomicInteger();
        volatile boolean closed;

        Minute(long ts) {
            this.ts = ts;
        }

        /** False when the minute was closed meanwhile: the caller records in a fresh one. */
        boolean record(TrafficKey key, Exchange ex, long micros, UsageKey usageKey, MeteredCall call) {
            Cell cell = cells.get(key);
            if (cell == null) cell = cells.computeIfAbsent(bounded(key, TrafficKey.OVERFLOW, cells, trafficKeys), k -> new Cell());
            synchronized (cell) {
                // closed is set before the flush walks the cells, so a cell it missed is refused here, never lost
                if (closed || cell.taken) return false;
                cell.record(ex, micros);
                if (call != null) {
                    long[] u = usage.get(usageKey);
                    if (u == null) u = usage.computeIfAbsent(bounded(usageKey, UsageKey.OVERFLOW, usage, usageKeys), k -> new long[4]);
                    synchronized (u) { // cells of two routes can share one (org, credential, model)
                        u[0] += call.tokensIn();
                        u[1] += call.tokensOut();
                        u[2] += call.costMicros();
                        u[3]++;
                    }
                }
            }
            return true;
        }

        /** The key, or the overflow key once the minute holds {@link #MAX_KEYS} of them. */
        private static <K> K bounded(K key, K overflow, Map<K, ?> map, AtomicInteger count) {
            if (map.containsKey(key)) return key;
            return count.incrementAndGet() <= MAX_KEYS ? key : overflow;
        }

        void drain(List<StatsRepository.Traffic> traffic, List<StatsRepository.Usage> usageRows) {
            closed = true;
            long hour = ts / HOUR * HOUR;
            for (Map.Entry<TrafficKey, Cell> e : cells.entrySet()) {
                Cell c = e.getValue();
                synchronized (c) {
                    c.taken = true;
                    TrafficKey k = e.getKey();
                    traffic.add(new StatsRepository.Traffic(ts, k.org(), k.route(), k.deployment(), c.requests, c.errors, c.refused.encode(),
                            c.errorCodes.encode(), c.decisions.encode(), c.latency.encode()));
                }
            }
            // usage is added under a traffic cell's lock: every cell is taken now, so these figures are final
            for (Map.Entry<UsageKey, long[]> e : usage.entrySet()) {
                long[] u = e.getValue();
                synchronized (u) {
                    UsageKey k = e.getKey();
                    usageRows.add(new StatsRepository.Usage(hour, k.org(), k.key(), k.model(), u[0], u[1], u[2], u[3]));
                }
            }
        }
    }

    /** One (org, route, deployment)'s counts in one minute; guarded by its own monitor. */
    private static final class Cell {
        long requests;
        long errors;
        final Counts refused = new Counts();
        final Counts errorCodes = new Counts();
        final Counts decisions = new Counts();
        final LatencyHistogram latency = new LatencyHistogram();
        boolean taken;

        void record(Exchange ex, long micros) {
            requests++;
            latency.record(micros);
            if (ex.status() >= 500) {
                errors++;
                errorCodes.add(ex.errorCode() == null ? "upstream_" + ex.status() : ex.errorCode(), 1);
            }
            if (ex.refusedBy() != null) refused.add(ex.refusedBy(), 1);
            if (!ex.logFields().isEmpty()) SecurityDecisions.count(ex.logFields(), decisions);
        }
    }
}
