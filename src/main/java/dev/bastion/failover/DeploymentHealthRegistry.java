package dev.bastion.failover;

import dev.bastion.config.BreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every deployment's {@link DeploymentHealth}, one per {@code upstream/model} whichever models share it,
 * with its gauges in {@code /metrics}: {@code bastion_deployment_state} (0 closed, 1 half-open, 2 open),
 * {@code bastion_deployment_in_flight}, {@code bastion_deployment_attempts_total{outcome}} and
 * {@code bastion_deployment_opens_total{by}} ({@code local}: its own attempts failed; {@code peer}: another
 * instance announced it open).
 */
public final class DeploymentHealthRegistry {
    private static final Logger log = LoggerFactory.getLogger(DeploymentHealthRegistry.class);

    private final CircuitBreakerConfig config;
    private final long openForMillis;
    private final MeterRegistry meters;
    private final Map<String, DeploymentHealth> byId = new ConcurrentHashMap<>();
    private volatile Peers peers = Peers.NONE;

    /** The other instances, reached through Redis ({@link RedisBreakerChannel}); none without it. */
    public interface Peers {
        Peers NONE = new Peers() {
            @Override
            public void opened(String id, long openForMillis) {}

            @Override
            public void closed(String id) {}

            @Override
            public void joined(String id) {}
        };

        /** This instance's breaker opened, for {@code openForMillis}. */
        void opened(String id, long openForMillis);

        /** This instance's breaker closed: its probes succeeded. */
        void closed(String id);

        /** A breaker was created here: find out whether another instance has it open now. */
        void joined(String id);
    }

    public DeploymentHealthRegistry(BreakerConfig c, MeterRegistry meters) {
        this.meters = meters;
        this.openForMillis = c.openFor().toMillis();
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(c.window())
                .minimumNumberOfCalls(c.minimumCalls())
                .failureRateThreshold(c.failureRate())
                .waitDurationInOpenState(c.openFor())
                .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
                // Without it an open breaker that nobody asks stays open: the catalogue skips open ones.
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
    }

    /** The deployment's health, created on first use. */
    public DeploymentHealth of(String id) {
        DeploymentHealth h = byId.get(id);
        if (h != null) return h;
        boolean[] created = {false};
        h = byId.computeIfAbsent(id, k -> {
            created[0] = true;
            return create(k);
        });
        if (created[0]) peers.joined(id); // once it is in the map, where the answer will look for it
        return h;
    }

    public Collection<DeploymentHealth> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** Shares this instance's breakers with the others: set before the first breaker is created. */
    public void share(Peers peers) {
        this.peers = peers;
    }

    /** Whether a deployment of this name exists here (a peer's message about any other is ignored). */
    public boolean knows(String id) {
        return byId.containsKey(id);
    }

    /** The longest a breaker here stays open by itself: what a peer's announced wait is capped to. */
    public long openForMillis() {
        return openForMillis;
    }

    /**
     * Another instance opened this deployment's breaker; there it stays open {@code remainingMillis} more
     * (capped to {@code open_for}). Here it opens for that long, plus half an {@code open_for} so that the
     * instance that opened it probes first.
     */
    public void openedElsewhere(String id, long remainingMillis) {
        DeploymentHealth h = byId.get(id);
        if (h != null) h.openFromPeer(Math.min(remainingMillis, openForMillis), probeGraceMillis());
    }

    /** Another instance's probes of this deployment succeeded. */
    public void closedElsewhere(String id) {
        DeploymentHealth h = byId.get(id);
        if (h != null) h.closeFromPeer();
    }

    /** How much longer than the opener an instance that learned of an open breaker waits before probing it. */
    long probeGraceMillis() {
        return openForMillis / 2;
    }

    private DeploymentHealth create(String id) {
        CircuitBreaker breaker = CircuitBreaker.of("deployment:" + id, config);
        DeploymentHealth h = new DeploymentHealth(id, breaker);
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.StateTransition t = e.getStateTransition();
            if (h.applyingPeerChange()) {
                log.warn("deployment {}: circuit {} (announced by another instance)", id, t);
                return; // a peer's change is never announced again: no message causes another
            }
            log.warn("deployment {}: circuit {}", id, t);
            if (t == CircuitBreaker.StateTransition.CLOSED_TO_OPEN || t == CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN) {
                h.openedHere(openForMillis);
                peers.opened(id, openForMillis);
            } else if (t == CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED) {
                peers.closed(id);
            }
        });
        if (meters != null) {
            Gauge.builder("bastion.deployment.state", h, d -> switch (d.state()) { case "open" -> 2; case "half_open" -> 1; default -> 0; })
                    .tag("deployment", id).description("Circuit breaker: 0 closed, 1 half-open, 2 open").register(meters);
            Gauge.builder("bastion.deployment.in_flight", h, DeploymentHealth::inFlight).tag("deployment", id).register(meters);
            FunctionCounter.builder("bastion.deployment.attempts", h, DeploymentHealth::successes).tag("deployment", id).tag("outcome", "success").register(meters);
            FunctionCounter.builder("bastion.deployment.attempts", h, DeploymentHealth::failures).tag("deployment", id).tag("outcome", "failure").register(meters);
            FunctionCounter.builder("bastion.deployment.opens", h, DeploymentHealth::localOpens).tag("deployment", id).tag("by", "local")
                    .description("Times the breaker opened: by its own failed attempts, or announced by another instance").register(meters);
            FunctionCounter.builder("bastion.deployment.opens", h, DeploymentHealth::peerOpens).tag("deployment", id).tag("by", "peer").register(meters);
        }
        return h;
    }
}
