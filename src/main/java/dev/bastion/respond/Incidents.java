package dev.bastion.respond;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditType;
import dev.bastion.config.Durations;
import dev.bastion.config.IncidentsConfig;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Throwing, listing and lifting incident switches (R2), the same for the CLI and the admin API: a switch is a
 * {@code response_actions} row with rule {@code incident} (so every node learns it as it learns automatic
 * responses: the store poll, and Redis at once), with a reason and an expiry no longer than
 * {@code incidents.max_for}; each throw and lift is one audit event with the operator as actor. The reason is kept
 * with the switch; the trail, which stores ids and never free text, keeps it only when it is one (a ticket reference). Blocking (store).
 */
public final class Incidents {
    /** Who acted, and through what ({@code cli} or {@code admin_api}); request id and address when there was a request. */
    public record Operator(String id, String org, String via, String requestId, String ip) {}

    private static final int MAX_REASON = 500;

    private final Store store;
    private final IncidentsConfig config;
    private final Consumer<AuditEvent> audit;
    private final Consumer<ResponseAction> announce;
    private final String node;
    private final Clock clock;

    /**
     * @param audit    where the events go (the trail, or the CLI's own chain)
     * @param announce applies a thrown or lifted switch on this node and publishes it to the others (Redis), if it can
     */
    public Incidents(Store store, IncidentsConfig config, Consumer<AuditEvent> audit, Consumer<ResponseAction> announce, String node, Clock clock) {
        this.store = store;
        this.config = config;
        this.audit = audit;
        this.announce = announce;
        this.node = node;
        this.clock = clock;
    }

    /**
     * Throws a switch. {@code target} is what the kind names (for a lockdown, {@link Switch#allowList}'s list).
     *
     * @throws IllegalArgumentException with a message fit for the operator, when the target, reason or duration is not acceptable
     */
    public ResponseAction open(Switch kind, String target, String reason, Duration duration, Operator by) {
        String subject = kind.target(target);
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason: required (say why, for whoever lifts it)");
        if (reason.length() > MAX_REASON) throw new IllegalArgumentException("reason: at most " + MAX_REASON + " characters");
        if (duration == null || duration.isZero() || duration.isNegative()) throw new IllegalArgumentException("for: a duration > 0 is required (a switch always expires)");
        if (duration.compareTo(config.maxFor()) > 0) {
            throw new IllegalArgumentException("for: " + Durations.format(duration) + " exceeds incidents.max_for (" + Durations.format(config.maxFor()) + ")");
        }
        Instant now = clock.instant();
        String org = kind == Switch.SUSPEND_ORG ? subject : null;
        ResponseAction a = new ResponseAction(newId(now), ResponseAction.INCIDENT, kind.wire(), subject, org, node, now, now.plus(duration), null, null,
                reason.strip());
        store.responses().insert(a); // stored first: a switch nobody else can see or lift is worse than an error
        announce.accept(a);
        Map<String, Object> f = fields(a, by);
        f.put("for_s", duration.toSeconds());
        f.put("expires_at", a.expiresAt().toEpochMilli());
        audit.accept(event(AuditType.INCIDENT_SWITCH, a, by, kind.wire(), "operator", f, now));
        return a;
    }

    /**
     * How long a switch lasts, from exactly one of {@code for} (a config duration, {@code 2h}) and {@code expires}
     * (an ISO-8601 instant, {@code 2026-12-08T06:00:00Z}).
     */
    public Duration duration(String forText, String expiresText) {
        if ((forText == null) == (expiresText == null)) throw new IllegalArgumentException("for / expires: give exactly one (a switch always expires)");
        if (forText != null) {
            try {
                return Durations.parse(forText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("for: expected a duration such as 30m, 2h or 7d");
            }
        }
        try {
            return Duration.between(clock.instant(), Instant.parse(expiresText.strip()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("expires: expected an ISO-8601 instant such as 2026-12-08T06:00:00Z");
        }
    }

    /** The switches in force, oldest first. */
    public List<ResponseAction> list() {
        return store.responses().active(clock.instant()).stream().filter(ResponseAction::incident).toList();
    }

    /** Lifts a switch now; empty when no switch of that id is in force (never one, expired, or lifted meanwhile). */
    public Optional<ResponseAction> lift(String id, Operator by) {
        Instant now = clock.instant();
        Optional<ResponseAction> found = store.responses().find(id).filter(a -> a.incident() && a.activeAt(now));
        if (found.isEmpty() || !store.responses().lift(id, "operator:" + by.id(), now)) return Optional.empty();
        ResponseAction done = store.responses().find(id).orElseThrow();
        announce.accept(done);
        audit.accept(event(AuditType.INCIDENT_LIFTED, done, by, "lift", "operator", fields(done, by), now));
        return Optional.of(done);
    }

    /** Records the switches past their expiry, each once across all nodes (a conditional update), with its event. */
    public int markExpired() {
        Instant now = clock.instant();
        int n = 0;
        for (ResponseAction a : store.responses().expiredUnmarked(now)) {
            if (!a.incident() || !store.responses().lift(a.id(), "expired", now)) continue;
            n++;
            Map<String, Object> f = fields(a, null);
            audit.accept(new AuditEvent(now.toEpochMilli(), AuditType.INCIDENT_LIFTED, null, AuditEvent.Actor.SYSTEM, "lift", a.subject(), null,
                    "expired", null, null, null, f));
        }
        return n;
    }

    private static Map<String, Object> fields(ResponseAction a, Operator by) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("switch_id", a.id());
        f.put("switch", a.action());
        // The trail keeps ids, never free text: a ticket reference (INC-42) is kept as given, prose is marked [text]
        // there and kept with the switch, which the event names.
        f.put("reason", a.reason());
        if (by != null) f.put("via", by.via());
        return f;
    }

    private static AuditEvent event(AuditType type, ResponseAction a, Operator by, String action, String reason, Map<String, Object> f, Instant now) {
        return new AuditEvent(now.toEpochMilli(), type, null, new AuditEvent.Actor("operator", by.id(), by.org()), action, a.subject(), null, reason,
                by.requestId(), null, by.ip(), f);
    }

    static String newId(Instant now) {
        return "inc_" + Long.toHexString(now.toEpochMilli()) + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    }
}
