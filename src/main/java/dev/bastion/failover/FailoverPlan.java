package dev.bastion.failover;

import dev.bastion.config.FailoverConfig;
import dev.bastion.config.FailoverConfig.On;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request's way through its deployments (U3): which one is tried now, and after a failure whether to
 * try it again (full-jitter backoff, {@code Retry-After} honoured up to a cap, the next key of the pool on
 * a 429), move on to the next deployment or fallback model, or give up — within the route's attempt
 * budget and the deployment's total timeout. Only the failure classes the route names are tried again;
 * the others are answered as they are. Confined to the exchange's event loop.
 */
public final class FailoverPlan {
    /** What to do after a failed attempt. */
    public sealed interface Next {
        /** The same deployment again, after {@code delayMillis}. */
        record Retry(long delayMillis) implements Next {}
        /** The next deployment: the policy runs again for it from the model step. */
        record Move(Deployment to) implements Next {}
        /** Nothing else to try: the client gets the last failure. */
        record GiveUp() implements Next {}
    }

    private static final Next GIVE_UP = new Next.GiveUp();

    private final List<Deployment> candidates;
    private final FailoverConfig config;
    private final long deadlineNanos;
    private final List<Map<String, Object>> trail = new ArrayList<>(2);
    private int at;
    private int onThisOne = 1;
    private int attempts;
    private int key;
    private Outcome.Failed lastFailure;
    private Deployment lastFailed;

    /** @param candidates where to go, in order ({@code ModelCatalogue#candidates}); not empty */
    public FailoverPlan(List<Deployment> candidates, FailoverConfig config) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no deployment to try");
        this.candidates = candidates;
        this.config = config;
        this.deadlineNanos = System.nanoTime() + candidates.getFirst().totalTimeoutMillis() * 1_000_000;
        this.key = firstKey(candidates.getFirst());
    }

    /** The deployment the request goes to now. */
    public Deployment current() {
        return candidates.get(at);
    }

    /** Attempts made so far. */
    public int attempts() {
        return attempts;
    }

    /** Every failed attempt and skipped fallback, for the access line: deployment and why, never content. */
    public List<Map<String, Object>> trail() {
        return trail;
    }

    /** The last failure an upstream answered with: what the client gets when the plan gives up. */
    public Outcome.Failed lastFailure() {
        return lastFailure;
    }

    /** The deployment that answered {@link #lastFailure()}. */
    public Deployment lastFailedDeployment() {
        return lastFailed;
    }

    /** Sends the request to the current deployment (with the current key) and reads enough of the answer to judge it. */
    public Future<Outcome> attempt(Vertx vertx, UpstreamRequest request) {
        Deployment d = current();
        Upstream upstream = d.keys().get(key % d.keys().size());
        if (!d.health().start()) { // opened since it was chosen, or its half-open probes are all out: not sent
            return Future.succeededFuture(new Outcome.Failed(On.UNAVAILABLE, 0,
                    new dev.bastion.upstream.UpstreamFailure(dev.bastion.upstream.UpstreamFailure.Kind.UNREACHABLE, upstream.name(), "circuit open")));
        }
        attempts++;
        return Attempt.run(vertx, d.health(), upstream, request, d.firstTokenTimeoutMillis()).map(outcome -> {
            if (outcome instanceof Outcome.Answer) {
                request.exchange().onFinish(d.health()::leave);
            } else {
                d.health().leave();
            }
            return outcome;
        });
    }

    /** After a failed attempt: what to do next. */
    public Next next(Outcome.Failed failed) {
        lastFailure = failed;
        lastFailed = current();
        Map<String, Object> step = new LinkedHashMap<>(4);
        step.put("deployment", current().id());
        step.put("failure", failed.cause().configName());
        if (failed.last() instanceof dev.bastion.upstream.UpstreamResponse r) step.put("status", r.status());
        trail.add(step);
        if (attempts >= config.attempts() || System.nanoTime() >= deadlineNanos) return GIVE_UP;
        Deployment d = current();
        if (config.retrySet().contains(failed.cause()) && onThisOne < config.perDeployment() && d.health().available()) {
            if (failed.cause() == On.RATE_LIMITED && d.keys().size() > 1) { // another key has its own quota: no wait
                key++;
                onThisOne++;
                return new Next.Retry(0);
            }
            long wait = backoff(onThisOne);
            long asked = failed.retryAfterMillis();
            if (asked > config.maxRetryAfter().toMillis()) wait = -1; // longer than the route waits: move on
            else wait = Math.max(wait, asked);
            if (wait >= 0 && System.nanoTime() + wait * 1_000_000 < deadlineNanos) {
                onThisOne++;
                return new Next.Retry(wait);
            }
        }
        return config.fallbackSet().contains(failed.cause()) ? moveOn() : GIVE_UP;
    }

    /** The policy refused the deployment tried next (its model is not allowed, its budget is spent): the one after. */
    public Next refused(String step, String reason) {
        Map<String, Object> skipped = new LinkedHashMap<>(3);
        skipped.put("deployment", current().id());
        skipped.put("refused_by", step);
        skipped.put("reason", reason);
        trail.add(skipped);
        if (attempts >= config.attempts()) return GIVE_UP;
        return moveOn();
    }

    private Next moveOn() {
        for (int i = at + 1; i < candidates.size(); i++) {
            Deployment d = candidates.get(i);
            if (!d.health().available()) continue;
            at = i;
            onThisOne = 1;
            key = firstKey(d);
            return new Next.Move(d);
        }
        return GIVE_UP;
    }

    /** Full jitter: anywhere between 0 and the exponential step, so retrying clients do not arrive together. */
    private long backoff(int attemptOnThisOne) {
        long cap = config.maxBackoff().toMillis();
        long step = Math.min(cap, config.backoff().toMillis() << Math.min(20, attemptOnThisOne - 1));
        return ThreadLocalRandom.current().nextLong(step + 1);
    }

    /** A pool's requests start on a random key, so that the keys share the load. */
    private static int firstKey(Deployment d) {
        return d.keys().size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(d.keys().size());
    }
}
