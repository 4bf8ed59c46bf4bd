package dev.bastion.respond;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditTrail;
import dev.bastion.audit.AuditType;
import dev.bastion.config.ResponsesConfig.Action;
import dev.bastion.config.ResponsesConfig.Rule;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what a rule decided, off the event loop: a block or a suspension is stored (so the CLI and
 * every node agree, and it survives a restart), applied on this node at once, broadcast to the others (Redis,
 * when configured; the store poll otherwise), and recorded as an audit event; {@code notify} is an audit event
 * of severity {@code error} and, when {@code responses.webhook} is set, a POST of that event.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);

    /** Posts a notify event; null when no webhook is configured. */
    interface Webhook {
        void post(Map<String, Object> event);
    }

    /** What triggered the rule: the request that made the count, for the event's request and trace ids. */
    record Trigger(String requestId, String traceId, String ip, String orgId) {}

    private final Store store;
    private final ActiveResponses active;
    private final Consumer<ResponseAction> broadcast;
    private final AuditTrail audit;
    private final Webhook webhook;
    private final Executor executor;
    private final Clock clock;
    private final String node;

    Responder(Store store, ActiveResponses active, Consumer<ResponseAction> broadcast, AuditTrail audit, Webhook webhook, Executor executor,
              Clock clock, String node) {
        this.store = store;
        this.active = active;
        this.broadcast = broadcast;
        this.audit = audit;
        this.webhook = webhook;
        this.executor = executor;
        this.clock = clock;
        this.node = node;
    }

    void act(Rule rule, String subject, Trigger trigger) {
        executor.execute(() -> {
            try {
                actNow(rule, subject, trigger);
            } catch (RuntimeException e) {
                log.error("responses: rule {} could not act ({})", rule.id(), e.getClass().getSimpleName());
            }
        });
    }

    void actNow(Rule rule, String subject, Trigger trigger) {
        Instant now = clock.instant();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rule", rule.id());
        f.put("on", rule.on().wire());
        f.put("count", rule.count());
        f.put("within_s", rule.within().toSeconds());
        if (rule.action() == Action.NOTIFY) {
            f.put("by", rule.by().name().toLowerCase(java.util.Locale.ROOT));
            audit.record(new AuditEvent(now.toEpochMilli(), AuditType.RESPONSE_NOTIFY, null, actor(trigger), "notify", subject, null, rule.id(),
                    trigger.requestId(), trigger.traceId(), trigger.ip(), f));
            if (webhook != null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("type", AuditType.RESPONSE_NOTIFY.wire());
                body.put("severity", AuditType.RESPONSE_NOTIFY.severity().wire());
                body.put("ts", now.toEpochMilli());
                body.put("node", node);
                body.put("target", subject);
                body.put("org", trigger.orgId());
                body.put("request_id", trigger.requestId());
                body.putAll(f);
                webhook.post(body);
            }
            return;
        }
        String action = rule.action() == Action.BLOCK_IP ? ResponseAction.BLOCK_IP : ResponseAction.SUSPEND_KEY;
        ResponseAction a = new ResponseAction(newId(now), rule.id(), action, subject, trigger.orgId(), node, now, now.plus(rule.duration()), null, null, null);
        active.apply(a); // this node first: the next request from the subject is refused whatever the store does
        try {
            store.responses().insert(a);
        } catch (RuntimeException e) {
            // In force here and broadcast; not listed by the CLI and not kept over a restart until stored.
            log.error("responses: {} {} by rule {} is in force but could not be stored ({})", action, subject, rule.id(), e.getClass().getSimpleName());
        }
        broadcast.accept(a);
        f.put("action_id", a.id());
        f.put("for_s", rule.duration().toSeconds());
        f.put("expires_at", a.expiresAt().toEpochMilli());
        AuditType type = rule.action() == Action.BLOCK_IP ? AuditType.RESPONSE_BLOCK_IP : AuditType.RESPONSE_SUSPEND_KEY;
        audit.record(new AuditEvent(now.toEpochMilli(), type, null, actor(trigger), action, subject, null, rule.id(), trigger.requestId(),
                trigger.traceId(), trigger.ip(), f));
        log.warn("responses: rule {} → {} {} for {}s", rule.id(), action, subject, rule.duration().toSeconds());
    }

    /** Marks expired actions, once across all nodes, each with its {@code response.lifted} event (blocking). */
    int markExpired() {
        Instant now = clock.instant();
        int n = 0;
        for (ResponseAction a : store.responses().expiredUnmarked(now)) {
            if (a.incident()) continue; // an operator's switch: the incident runtime records its expiry
            if (!store.responses().lift(a.id(), "expired", now)) continue; // another node did
            n++;
            lifted(a, "expired", AuditEvent.Actor.SYSTEM, now);
        }
        return n;
    }

    /** The {@code response.lifted} event of an action lifted by {@code by} ({@code expired} or an operator). */
    void lifted(ResponseAction a, String by, AuditEvent.Actor actor, Instant now) {
        audit.record(liftedEvent(a, by, actor, now));
    }

    static AuditEvent liftedEvent(ResponseAction a, String by, AuditEvent.Actor actor, Instant now) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("action_id", a.id());
        f.put("action", a.action());
        f.put("rule", a.rule());
        f.put("lifted_by", by);
        f.put("created_at", a.createdAt().toEpochMilli());
        return new AuditEvent(now.toEpochMilli(), AuditType.RESPONSE_LIFTED, null, actor, "lift", a.subject(), null,
                "expired".equals(by) ? "expired" : "operator", null, null, null, f);
    }

    private static AuditEvent.Actor actor(Trigger t) {
        return new AuditEvent.Actor("system", null, t.orgId());
    }

    static String newId(Instant now) {
        return "rsp_" + Long.toHexString(now.toEpochMilli()) + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    }
}
