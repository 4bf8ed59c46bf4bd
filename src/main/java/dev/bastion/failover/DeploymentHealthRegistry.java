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
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every deployment's {@link DeploymentHealth}, one per {@code upstream/model} whichever models share it,
 * with its gauges in {@code /metrics}: {@code bastion_deployment_state} (0 closed, 1 half-open, 2 open),
 * {@code bastion_deployment_in_flight}, and {@code bastion_deployment_attempts_total{outcome}}.
 */
public final class DeploymentHealthRegistry {
    private static final Logger log = LoggerFactory.getLogger(DeploymentHealthRegistry.class);

    private final CircuitBreakerConfig config;
    private final long openForMillis;
    private final MeterRegistry meters;
    private final Map<String, DeploymentHealth> byId = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, Long> onOpen = (id, ms) -> {};

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
        return byId.computeIfAbsent(id, this::create);
    }

    public Collection<DeploymentHealth> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** Where a breaker that opens here is announced (Redis, so that every instance opens it); given its id and wait. */
    public void onOpen(BiConsumer<String, Long> announce) {
        this.onOpen = announce;
    }

    /** Another instance opened this deployment's breaker. */
    public void openedElsewhere(String id) {
        DeploymentHealth h = byId.get(id);
        if (h != null) h.openFromElsewhere();
    }

    private DeploymentHealth create(String id) {
        CircuitBreaker breaker = CircuitBreaker.of("deployment:" + id, config);
        DeploymentHealth h = new DeploymentHealth(id, breaker);
        breaker.getEventPublisher().onStateTransition(e -> {
            log.warn("deployment {}: circuit {}", id, e.getStateTransition());
            if (e.getStateTransition() == CircuitBreaker.StateTransition.CLOSED_TO_OPEN
                    || e.getStateTransition() == CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN) {
                onOpen.accept(id, openForMillis);
            }
        });
        if (meters != null) {
            Gauge.builder("bastion.deployment.state", h, d -> switch (d.state()) { case "open" -> 2; case "half_open" -> 1; default -> 0; })
                    .tag("deployment", id).description("Circuit breaker: 0 closed, 1 half-open, 2 open").register(meters);
            Gauge.builder("bastion.deployment.in_flight", h, DeploymentHealth::inFlight).tag("deployment", id).register(meters);
            FunctionCounter.builder("bastion.deployment.attempts", h, DeploymentHealth::successes).tag("deployment", id).tag("outcome", "success").register(meters);
            FunctionCounter.builder("bastion.deployment.attempts", h, DeploymentHealth::failures).tag("deployment", id).tag("outcome", "failure").register(meters);
        }
        return h;
    }
}
