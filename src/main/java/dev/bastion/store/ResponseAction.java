package dev.bastion.store;

import java.time.Instant;

/**
 * An automatic response in force or past (O4): an IP blocked or an API key suspended, by a rule or an operator.
 *
 * @param id        {@code rsp_…}
 * @param rule      the rule that made it, or {@code cli} for an operator
 * @param action    {@code block_ip} or {@code suspend_key}
 * @param subject   the canonical IP address, or the API key's public id
 * @param orgId     the key's org, when known
 * @param node      the node that made it
 * @param liftedAt  when it was lifted (by an operator, or recorded as expired); null while it stands
 * @param liftedBy  who lifted it: the operator, or {@code expired}
 */
public record ResponseAction(String id, String rule, String action, String subject, String orgId, String node, Instant createdAt,
                             Instant expiresAt, Instant liftedAt, String liftedBy) {
    public static final String BLOCK_IP = "block_ip";
    public static final String SUSPEND_KEY = "suspend_key";

    /** In force at {@code now}: not lifted and not expired. */
    public boolean activeAt(Instant now) {
        return liftedAt == null && expiresAt.isAfter(now);
    }
}
