package dev.bastion.bots;

import dev.bastion.config.BotsConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bot control's shared parts, one per node: the challenge key, the proof-of-work challenges, the rate tracker, the verified-bot cache, the
 * decision counters ({@code bastion_bot_decisions_total{route,action}}) and a sampled audit of blocks and
 * challenges (at most {@value #AUDIT_PER_SECOND} events a second: a bot farm earns 403s, not a flood of audit
 * lines; the rest are counted in {@code bastion_bot_audit_unrecorded_total}).
 */
public final class BotsRuntime {
    static final int AUDIT_PER_SECOND = 50;

    final BotsConfig config;
    final ChallengeTokens tokens;
    /** The proof-of-work challenges; null when {@code bots.challenge} is {@code cookie}. */
    final ProofOfWork pow;
    final RateTracker rates;
    final NavigationTracker navigation;
    final VerifiedBots verified;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final Counter unrecorded;
    private final AtomicLong auditSecond = new AtomicLong();
    private final AtomicLong auditCount = new AtomicLong();
    private final Clock clock;

    /** @param redis the shared state's Redis ({@code rate_high} across nodes), or null: this node counts alone */
    public BotsRuntime(BotsConfig config, ChallengeTokens tokens, BotDns dns, dev.bastion.state.RedisScript.Sender redis, AuditLog audit,
                       MeterRegistry registry, Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.pow = config.challenge() == BotsConfig.Challenge.POW ? new ProofOfWork(tokens.mac(), clock, config.powDifficulty()) : null;
        this.clock = clock;
        this.rates = new RateTracker(config.ratePerMinute(), 100_000, clock, redis);
        this.navigation = new NavigationTracker(config.navigationWindow(), 100_000, clock);
        this.verified = new VerifiedBots(dns, clock, config.verifyTtl());
        this.audit = audit;
        this.registry = registry;
        this.unrecorded = Counter.builder("bastion_bot_audit_unrecorded_total").description("Bot blocks and challenges beyond the sampled audit events")
                .register(registry);
    }

    /** The route's bot step; null when its mode (or the default) is {@code off}. */
    public BotControl forRoute(RouteConfig route) {
        BotsConfig.Mode mode = route.bots() != null && route.bots().mode() != null ? route.bots().mode() : config.mode();
        if (mode == BotsConfig.Mode.OFF) return null;
        int threshold = route.bots() != null && route.bots().threshold() != null ? route.bots().threshold() : config.threshold();
        return new BotControl(this, route.id(), mode, threshold);
    }

    Counter counter(String route, String action) {
        return Counter.builder("bastion_bot_decisions_total").description("Bot control decisions by route and action")
                .tag("route", route).tag("action", action).register(registry);
    }

    void audit(String event, Map<String, Object> fields) {
        long second = clock.millis() / 1000;
        if (auditSecond.getAndSet(second) != second) auditCount.set(0);
        if (auditCount.incrementAndGet() > AUDIT_PER_SECOND) {
            unrecorded.increment();
            return;
        }
        audit.event(event, fields);
    }
}
