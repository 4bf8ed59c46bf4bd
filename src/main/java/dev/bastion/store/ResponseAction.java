package dev.bastion.store;

import java.time.Instant;

/**
 * An automatic response in force or past (O4): an IP blocked or an API key suspended, by a rule or an operator.
 *
 * @param id        {@code rsp_…}
 * @param rule      the rule that made it, or {@link #INCIDENT} for an operator's switch
 * @param action    {@code block_ip} or {@code suspend_key}; a switch's kind for an incident ({@code block_ip}, {@code block_key}, …)
 * @param subject   the canonical IP address (a CIDR for a switch), the API key's public id, or what the switch names
 * @param orgId     the key's org, when known
 * @param node      the node that made it
 * @param liftedAt  when it was lifted (by an operator, or recorded as expired); null while it stands
 * @param liftedBy  who lifted it: the operator, or {@code expired}
 * @param reason    an incident switch's reason, in the operator's words; null for a rule's action
 */
public record ResponseAction(String id, String rule, String action, String subject, String orgId, String node, Instant createdAt,
                             Instant expiresAt, Instant liftedAt, String liftedBy, String reason) {
    public static final String BLOCK_IP = "block_ip";
    public static final String SUSPEND_KEY = "suspend_key";
    /** The {@link #rule} of an incident switch (R2): an operator's, enforced by the incident controls, not the rules'. */
    public static final String INCIDENT = "incident";

    /** Made by an operator's incident switch rather than by a rule. */
    public boolean incident() {
        return INCIDENT.equals(rule);
    }

    /** In force at {@code now}: not lifted and not expired. */
    public boolean activeAt(Instant now) {
        return liftedAt == null && expiresAt.isAfter(now);
    }
}
