package dev.bastion.respond;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.ResponsesConfig;
import dev.bastion.config.ResponsesConfig.On;
import dev.bastion.config.ResponsesConfig.Rule;
import dev.bastion.net.Cidr;
import dev.bastion.net.IpAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The rules' eyes (O4): told of every refusal by the chain runner — each one, not the sampled audit records
 * ({@code audit.auth_failure_sample}, {@code waf.rules.blocked_log_per_second} thin those; a rule must see the
 * ten thousandth failure as it saw the first) — it counts them per rule and subject and, when a rule fires,
 * hands the action to the {@link Responder}. Runs on the event loop: a local count is a synchronized add;
 * with Redis, one script call whose answer arrives on the loop. Never refuses anything itself.
 *
 * <p>The address counted is the one the listener resolved with its trusted-proxy rules ({@link Exchange#clientIp}):
 * an {@code X-Forwarded-For} from a peer that is not a trusted proxy is never read, so a client cannot get
 * someone else's address blocked by naming it. Addresses in {@code responses.exempt} are never counted.
 */
public final class ResponseEngine implements ExchangeListener {
    private final Map<On, List<Rule>> rules = new EnumMap<>(On.class);
    private final List<Cidr> exempt;
    private final RuleCounter counter;
    private final Responder responder;
    private final ActiveResponses active;
    private final Clock clock;
    private final Counter fired;

    ResponseEngine(ResponsesConfig config, RuleCounter counter, Responder responder, ActiveResponses active, Clock clock, MeterRegistry registry) {
        for (Rule r : config.rules()) rules.computeIfAbsent(r.on(), k -> new ArrayList<>()).add(r);
        this.exempt = config.exemptRanges();
        this.counter = counter;
        this.responder = responder;
        this.active = active;
        this.clock = clock;
        this.fired = Counter.builder("bastion.responses.fired").description("Automatic-response rules that fired").register(registry);
    }

    @Override
    public void refused(Exchange ex, String step, Verdict.Deny refusal) {
        On on = classify(step, refusal);
        if (on == null) return;
        List<Rule> matching = rules.get(on);
        if (matching == null) return;
        for (Rule rule : matching) count(rule, ex);
    }

    /** Which kind of refusal this is, by the step that refused and its stable reason. */
    static On classify(String step, Verdict.Deny refusal) {
        if (refusal.status() == 401 && "authenticate".equals(step)) return On.AUTH_FAILURE;
        if ("waf".equals(step)) return On.WAF_BLOCK;
        if ("budget_exhausted".equals(refusal.reason())) return On.BUDGET_EXHAUSTED;
        if ("guard".equals(step)) return On.GUARD_BLOCK;
        if ("rate_limited".equals(refusal.reason())) return On.RATE_LIMITED;
        if ("bots".equals(step) && "bot_blocked".equals(refusal.reason())) return On.BOT_BLOCK;
        return null;
    }

    private void count(Rule rule, Exchange ex) {
        Identity id = ex.identity();
        String subject = switch (rule.by()) {
            case IP -> exempt(ex.clientIp()) ? null : IpAddresses.subscriber(ex.clientIp()); // IPv6: the /64, see IpAddresses
            case KEY -> id != null && "api_key".equals(id.credentialType()) ? id.credentialId() : null;
            case ORG -> id == null ? null : id.orgId();
        };
        if (subject == null) return;
        // Already blocked or suspended: the refusal is the action working, not a reason to act again.
        if (rule.action() == ResponsesConfig.Action.BLOCK_IP && active.blocked(subject) != null) return;
        if (rule.action() == ResponsesConfig.Action.SUSPEND_KEY && active.suspended(subject) != null) return;
        Responder.Trigger trigger = new Responder.Trigger(ex.requestId(), ex.traceId(), IpAddresses.canonical(ex.clientIp()), id == null ? null : id.orgId());
        counter.hit(rule, subject, clock.millis()).onSuccess(outcome -> {
            if (outcome != RuleCounter.Outcome.FIRE) return;
            fired.increment();
            responder.act(rule, subject, trigger);
        });
    }

    private boolean exempt(String ip) {
        byte[] b = IpAddresses.parse(ip);
        if (b == null) return true; // no address to block
        for (Cidr c : exempt) if (c.contains(b)) return true;
        return false;
    }
}
