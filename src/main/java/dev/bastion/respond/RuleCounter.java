package dev.bastion.respond;

import dev.bastion.config.ResponsesConfig.Rule;
import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the hits of each rule per subject and says when one fires. The window slides, estimated from two
 * fixed buckets of {@code within} (this one, and the previous weighted by how much of it still overlaps), so a
 * subject costs two numbers whatever the rule's count. A rule fires once when the estimate reaches its count;
 * the subject is then not counted for the action's duration (or until the action is lifted: {@link #forget}).
 *
 * <p>In this process by default. With Redis, every node counts into the same keys (one script call per hit,
 * atomic), so N failures spread over replicas trigger as N on one would — per-pod counters multiply the
 * threshold by the number of pods. While Redis fails, hits are counted here instead (logged once per outage).
 */
public final class RuleCounter {
    private static final Logger log = LoggerFactory.getLogger(RuleCounter.class);
    private static final RedisScript SCRIPT = RedisScript.load("/lua/response_count.lua");
    static final int MAX_SUBJECTS = 200_000;

    /** What a hit did. */
    public enum Outcome { COUNTED, FIRE, ALREADY_FIRED }

    private final RedisScript.Sender redis; // null: this process only
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicBoolean redisDown = new AtomicBoolean();

    /** @param redis the shared store, or null to count in this process */
    public RuleCounter(RedisScript.Sender redis) {
        this.redis = redis;
    }

    public Future<Outcome> hit(Rule rule, String subject, long now) {
        if (redis == null) return Future.succeededFuture(hitLocally(rule, subject, now));
        long w = rule.within().toMillis();
        long bucket = now / w;
        String tag = "bastion:resp:{" + rule.id() + "|" + subject + "}";
        return SCRIPT.run(redis, List.of(tag + ":" + bucket, tag + ":" + (bucket - 1), tag + ":fired"),
                List.<Object>of(w, now - bucket * w, rule.count(), rule.duration().toMillis())).map(r -> {
                    if (redisDown.compareAndSet(true, false)) log.info("responses: Redis answers again; rules count across nodes");
                    long n = r.toLong();
                    return n == 1 ? Outcome.FIRE : n < 0 ? Outcome.ALREADY_FIRED : Outcome.COUNTED;
                }).recover(t -> {
                    if (redisDown.compareAndSet(false, true)) {
                        log.warn("responses: Redis unreachable ({}); rules count on this node only until it is back", t.getClass().getSimpleName());
                    }
                    return Future.succeededFuture(hitLocally(rule, subject, now));
                });
    }

    /** The subject's action was lifted: count it afresh. */
    public void forget(String ruleId, String subject) {
        windows.remove(ruleId + "|" + subject);
        if (redis != null) {
            redis.send(Request.cmd(Command.DEL).arg("bastion:resp:{" + ruleId + "|" + subject + "}:fired"))
                    .onFailure(t -> log.debug("responses: marker not cleared ({})", t.getClass().getSimpleName()));
        }
    }

    Outcome hitLocally(Rule rule, String subject, long now) {
        String key = rule.id() + "|" + subject;
        Window win = windows.get(key);
        if (win == null) {
            // An address spray must not grow this without bound: drop windows with nothing recent, then refuse new ones.
            if (windows.size() >= MAX_SUBJECTS) sweep(now);
            if (windows.size() >= MAX_SUBJECTS) return Outcome.COUNTED;
            win = windows.computeIfAbsent(key, k -> new Window());
        }
        return win.hit(rule, now);
    }

    private void sweep(long now) {
        windows.values().removeIf(w -> w.idle(now));
    }

    int tracked() {
        return windows.size();
    }

    private static final class Window {
        private long bucket = Long.MIN_VALUE, current, previous, firedUntil, within;

        synchronized Outcome hit(Rule rule, long now) {
            if (now < firedUntil) return Outcome.ALREADY_FIRED;
            long w = rule.within().toMillis();
            within = w;
            long b = now / w;
            if (b != bucket) {
                previous = b == bucket + 1 ? current : 0;
                current = 0;
                bucket = b;
            }
            current++;
            double estimate = current + previous * (double) (w - (now - b * w)) / w;
            if (estimate >= rule.count()) {
                firedUntil = now + rule.duration().toMillis();
                current = 0;
                previous = 0;
                return Outcome.FIRE;
            }
            return Outcome.COUNTED;
        }

        synchronized boolean idle(long now) {
            return now >= firedUntil && (bucket == Long.MIN_VALUE || now / Math.max(1, within) > bucket + 1);
        }
    }
}
