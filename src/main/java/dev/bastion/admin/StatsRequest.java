package dev.bastion.admin;

import dev.bastion.admin.AdminAnswers.BadParameter;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One request to the statistics endpoints (traffic, usage, budgets, security, upstreams): its query parameters read
 * strictly (each at most once, none unknown; a bad one is a 400 naming the parameter, never echoing its value), the
 * window ({@code from}/{@code to}, RFC 3339 UTC), and the org it acts on by the role model ({@link AdminRole#scope}):
 * an org admin naming another org gets the unknown-object 404 and a {@code tenant.cross_attempt} event. The store
 * work runs on a worker.
 */
final class StatsRequest {
    static final Map<String, Duration> STEPS = Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1),
            "1d", Duration.ofDays(1));
    /** The most points one answer holds: a day by the minute. */
    static final int MAX_POINTS = 1440;

    final Exchange ex;
    final Identity caller;
    final Instant now;
    private final AdminQuery query;

    private StatsRequest(Exchange ex, Identity caller, Instant now, AdminQuery query) {
        this.ex = ex;
        this.caller = caller;
        this.now = now;
        this.query = query;
    }

    /** Reads the query; {@code allowed} are the parameter names the endpoint takes. */
    static StatsRequest of(Exchange ex, Instant now, Set<String> allowed) {
        return new StatsRequest(ex, ex.identity(), now, AdminQuery.of(ex, allowed));
    }

    String text(String name) {
        String v = query.string(name);
        if (v != null && (v.length() > 256 || !v.matches("[A-Za-z0-9._:/@+-]+"))) {
            throw new BadParameter(name, "expected an id (letters, digits, . _ : / @ + -)");
        }
        return v;
    }

    String oneOf(String name, Set<String> values, String fallback) {
        String v = query.oneOf(name, values);
        return v == null ? fallback : v;
    }

    int limit() {
        return query.limit();
    }

    /** The window: {@code to} (default now) and {@code from} (default {@code to} minus {@code fallback}), from before to. */
    Instant[] window(Duration fallback) {
        Instant to = Objects.requireNonNullElse(query.instant("to"), now);
        Instant from = Objects.requireNonNullElse(query.instant("from"), to.minus(fallback));
        if (!from.isBefore(to)) throw new BadParameter("from", "must be before to");
        return new Instant[] {from, to};
    }

    /**
     * The points of a window at a step: {@code from} aligned down to the step (UTC); a window longer than
     * {@link #MAX_POINTS} steps is a 400 asking for a wider {@code step}.
     *
     * @return {start, count}
     */
    static long[] points(Instant from, Instant to, Duration step) {
        return points(from, to, step, "step", "the window holds more than " + MAX_POINTS + " points at this step; widen step or narrow from/to");
    }

    /** As {@link #points(Instant, Instant, Duration)}, for a window of at most {@code MAX_POINTS × step}; else a 400 naming {@code parameter}. */
    static long[] points(Instant from, Instant to, Duration step, String parameter, String tooWide) {
        long s = step.toMillis();
        long start = Math.floorDiv(from.toEpochMilli(), s) * s;
        // The window itself is held to MAX_POINTS steps; aligning from down may add one point (24 h from 10:15:30 is 1441 minutes).
        if (to.toEpochMilli() - from.toEpochMilli() > MAX_POINTS * s) throw new BadParameter(parameter, tooWide);
        long count = Math.ceilDiv(to.toEpochMilli() - start, s);
        return new long[] {start, count};
    }

    /** The minutes of a window of at most a day (the totals' endpoints), or a 400 naming {@code from}. */
    static long[] dayOfMinutes(Instant from, Instant to) {
        return points(from, to, Duration.ofMinutes(1), "from", "the window may span at most a day");
    }

    /**
     * The org the request acts on: for an operator the {@code org} named or every org ({@link AdminRole.OrgScope#ALL});
     * for an org admin their own, or {@link AdminRole.OrgScope#FOREIGN} when they named another ({@link #foreign}).
     */
    AdminRole.OrgScope scope() {
        return AdminRole.scope(caller, text("org"));
    }

    /** An org admin named another org: recorded, and answered as an unknown object. */
    static Verdict foreign(StatsRequest r, AuditLog audit, String action) {
        return AdminAnswers.crossTenant(audit, r.caller, r.ex.requestId(), action, "org", r.text("org"));
    }

    /** Runs {@code work} on a worker with the request read; a bad parameter is a 400 {@code request_invalid}. */
    static Future<Verdict> run(Vertx vertx, Exchange ex, java.time.Clock clock, Set<String> allowed, Function<StatsRequest, Verdict> work) {
        return AdminAnswers.blocking(vertx, ex, id -> work.apply(of(ex, clock.instant(), allowed)));
    }

    static Verdict answer(JsonObject body) {
        return AdminAnswers.answer(200, body);
    }
}
