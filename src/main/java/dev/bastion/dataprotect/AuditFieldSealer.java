package dev.bastion.dataprotect;

import dev.bastion.audit.AuditSealer;
import dev.bastion.config.DataProtectionConfig.AuditField;
import dev.bastion.store.AuditRow;
import java.util.Optional;

/**
 * Seals the audit members {@code data_protection.audit_encrypt} names, before they are hashed:
 * <ul>
 *   <li>{@code actor}: a user's id ({@code usr_…}, actor kind {@code principal}) becomes
 *       {@code enc1:INDEX.SEALED} — sealed with the user's data key for this event's id, and prefixed by a keyed
 *       blind index (HMAC with the user's first key) so {@code audit search --actor usr_…} still finds it. Key,
 *       client and operator ids are not personal and stay plain.</li>
 *   <li>{@code ip}: sealed with the user's key when a user acted, else the org's, else the {@code system} scope.</li>
 * </ul>
 * Each sealed value is bound to its event id and member: copied into another event, it does not open. Once a
 * user is deleted ({@code bastion data delete}), their members read {@value AuditSealer#SHREDDED} and the blind
 * index can no longer be computed; the chain still verifies, since it covers the sealed form.
 */
public final class AuditFieldSealer implements AuditSealer {
    private static final String PREFIX = "enc1:";

    private final DataKeys keys;
    private final boolean ip;
    private final boolean actor;

    public AuditFieldSealer(DataKeys keys) {
        this.keys = keys;
        this.ip = keys.config().seals(AuditField.IP);
        this.actor = keys.config().seals(AuditField.ACTOR);
    }

    /** The sealer of a config: {@link AuditSealer#NONE} when nothing is to be sealed. Revealing needs {@link #AuditFieldSealer} itself. */
    public static AuditSealer of(DataKeys keys) {
        return keys.config().auditEncrypt().isEmpty() ? AuditSealer.NONE : new AuditFieldSealer(keys);
    }

    static String userOf(String actorKind, String actorId) {
        return "principal".equals(actorKind) && actorId != null && actorId.startsWith("usr_") ? actorId : null;
    }

    @Override
    public AuditRow.Unchained seal(AuditRow.Unchained r) {
        String user = userOf(r.actorKind(), r.actorId());
        String actorId = r.actorId();
        String address = r.ip();
        if (actor && user != null) {
            String scope = DataKeys.userScope(user);
            try {
                String index = keys.blindIndex(scope, user, true).orElseThrow();
                actorId = PREFIX + index + "." + keys.sealText(scope, purpose(r.id(), "actor_id"), user).substring(PREFIX.length());
            } catch (DataKeyException.Shredded gone) {
                actorId = SHREDDED; // a deleted user acting again (a token still in flight): never stored in clear
            }
        }
        if (ip && address != null && !DataKeys.isSealedText(address) && !address.startsWith("[")) {
            String scope = user != null ? DataKeys.userScope(user) : r.actorOrg() != null ? DataKeys.orgScope(r.actorOrg()) : "system";
            try {
                address = keys.sealText(scope, purpose(r.id(), "ip"), address);
            } catch (DataKeyException.Shredded gone) {
                address = SHREDDED;
            }
        }
        if (actorId == null ? r.actorId() == null : actorId.equals(r.actorId())) {
            if (address == null ? r.ip() == null : address.equals(r.ip())) return r;
        }
        return new AuditRow.Unchained(r.id(), r.ts(), r.type(), r.severity(), r.actorKind(), actorId, r.actorOrg(), r.action(), r.target(), r.result(),
                r.reason(), r.requestId(), r.traceId(), address, r.fields());
    }

    @Override
    public AuditRow reveal(AuditRow r) {
        String actorId = r.actorId();
        if (DataKeys.isSealedText(actorId)) {
            int dot = actorId.indexOf('.');
            actorId = open(r.id(), "actor_id", dot < 0 ? actorId : PREFIX + actorId.substring(dot + 1));
        }
        String address = DataKeys.isSealedText(r.ip()) ? open(r.id(), "ip", r.ip()) : r.ip();
        return new AuditRow(r.node(), r.seq(), r.id(), r.ts(), r.type(), r.severity(), r.actorKind(), actorId, r.actorOrg(), r.action(), r.target(),
                r.result(), r.reason(), r.requestId(), r.traceId(), address, r.fields(), r.prevHash(), r.hash());
    }

    /** Where a sealed actor id begins, for finding a user's events: empty when the user has no keys (nothing sealed for them). */
    public Optional<String> actorPrefix(String userId) {
        if (!userId.startsWith("usr_")) return Optional.empty();
        try {
            return keys.blindIndex(DataKeys.userScope(userId), userId, false).map(i -> PREFIX + i + ".");
        } catch (DataKeyException.Shredded gone) {
            return Optional.empty();
        }
    }

    private String open(String eventId, String member, String sealed) {
        try {
            return keys.openText(purpose(eventId, member), sealed);
        } catch (DataKeyException.Shredded gone) {
            return SHREDDED;
        } catch (DataKeyException.Mismatch e) {
            return "[unreadable]"; // edited or moved: verify says which row; a reader is not stopped by it
        }
    }

    private static String purpose(String eventId, String member) {
        return "audit:" + member + ":" + eventId;
    }
}
