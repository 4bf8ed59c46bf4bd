package dev.bastion.admin;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.AuditLog;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** A parameter the caller got wrong; the message names the parameter only. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static final Map<String, Duration> STEPS = Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1),
            "1d", Duration.ofDays(1));
    /** The most points one answer holds: a day by the minute. */
    static final int MAX_POINTS = 1440;

    final Exchange ex;
    final Identity caller;
    final Instant now;
    private final Map<String, String> params;

    private StatsRequest(Exchange ex, Identity caller, Instant now, Map<String, String> params) {
        this.ex = ex;
        this.caller = caller;
        this.now = now;
        this.params = params;
    }

    /** Reads the query; {@code allowed} are the parameter names the endpoint takes. */
    static StatsRequest of(Exchange ex, Instant now, Set<String> allowed) {
        Map<String, String> params = new HashMap<>();
        if (ex.rawQuery() != null && !ex.rawQuery().isEmpty()) {
            Map<String, List<String>> decoded;
            try {
                decoded = new QueryStringDecoder("?" + ex.rawQuery(), StandardCharsets.UTF_8).parameters();
            } catch (IllegalArgumentException e) {
                throw new Invalid("The query string is not well-formed.");
            }
            for (Map.Entry<String, List<String>> p : decoded.entrySet()) {
                if (!allowed.contains(p.getKey())) throw new Invalid("Unknown query parameter; this endpoint takes " + String.join(", ", allowed.stream().sorted().toList()) + ".");
                if (p.getValue().size() != 1) throw new Invalid(p.getKey() + ": give it once.");
                params.put(p.getKey(), p.getValue().get(0));
            }
        }
        return new StatsRequest(ex, ex.identity(), now, params);
    }

    String text(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) return null;
        if (v.length() > 256 || !v.matches("[A-Za-z0-9._:/@+-]+")) throw new Invalid(name + ": expected an id (letters, digits, . _ : / @ + -).");
        return v;
    }

    String oneOf(String name, Set<String> values, String fallback) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) return fallback;
        if (!values.contains(v)) throw new Invalid(name + ": expected one of " + String.join(", ", values.stream().sorted().toList()) + ".");
        return v;
    }

    int limit() {
        String v = params.get("limit");
        if (v == null) return 50;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 500) return n;
        } catch (NumberFormatException e) {
            // fall through to the one message
        }
        throw new Invalid("limit: expected an integer from 1 to 500.");
    }

    /** The window: {@code to} (default now) and {@code from} (default {@code to} minus {@code fallback}), from before to. */
    Instant[] window(Duration fallback) {
        Instant to = instant("to", now);
        Instant from = instant("from", to.minus(fallback));
        if (!from.isBefore(to)) throw new Invalid("from: must be before to.");
        return new Instant[] {from, to};
    }

    private Instant instant(String name, Instant fallback) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) return fallback;
        try {
            if (!v.endsWith("Z")) throw new DateTimeParseException("not UTC", v, 0);
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new Invalid(name + ": expected an RFC 3339 UTC time such as 2026-12-07T05:00:00Z.");
        }
    }

    /**
     * The points of a window at a step: {@code from} aligned down to the step (UTC), no more than {@link #MAX_POINTS}
     * (else a 400 asking for a wider {@code step}).
     *
     * @return {start, count}
     */
    static long[] points(Instant from, Instant to, Duration step) {
        return points(from, to, step, "step: the window holds more than " + MAX_POINTS + " points at this step; widen step or narrow from/to.");
    }

    /** As {@link #points(Instant, Instant, Duration)}, for a window of at most {@code MAX_POINTS × step}; {@code tooWide} says so. */
    static long[] points(Instant from, Instant to, Duration step, String tooWide) {
        long s = step.toMillis();
        long start = Math.floorDiv(from.toEpochMilli(), s) * s;
        long count = Math.ceilDiv(to.toEpochMilli() - start, s);
        if (count > MAX_POINTS) throw new Invalid(tooWide);
        return new long[] {start, count};
    }

    /** The minutes of a window of at most a day (the totals' endpoints), or a 400 naming {@code from}. */
    static long[] dayOfMinutes(Instant from, Instant to) {
        return points(from, to, Duration.ofMinutes(1), "from: the window may span at most a day.");
    }

    /**
     * The org the request acts on: for an operator the {@code org} named or every org (null); for an org admin their
     * own. Null too when an org admin named another org: {@link #foreign} has then been recorded.
     */
    AdminRole.OrgScope scope() {
        return AdminRole.scope(caller, text("org"));
    }

    /** An org admin named another org: recorded, and answered as an unknown object (AdminApi does the same). */
    static Verdict foreign(StatsRequest r, AuditLog audit, String action) {
        audit.event("tenant.cross_attempt", Map.of("org", r.caller.orgId(), "principal", r.caller.subject(), "action", action, "kind", "org",
                "request_id", r.ex.requestId(), "via", "admin_api"));
        return new Verdict.Deny(404, "not_found", "No such org.");
    }

    /** Runs {@code work} on a worker with the request read; a bad parameter is a 400 {@code request_invalid}. */
    static Future<Verdict> run(Vertx vertx, Exchange ex, java.time.Clock clock, Set<String> allowed, Function<StatsRequest, Verdict> work) {
        if (ex.identity() == null) return Future.failedFuture(new IllegalStateException("admin endpoint reached without a caller"));
        return vertx.executeBlocking(() -> {
            try {
                return work.apply(of(ex, clock.instant(), allowed));
            } catch (Invalid e) {
                return new Verdict.Deny(400, "request_invalid", e.getMessage());
            }
        });
    }

    static Verdict answer(JsonObject body) {
        return LocalEndpoint.answer(200, LocalEndpoint.JSON_NO_STORE, body.encode());
    }
}
