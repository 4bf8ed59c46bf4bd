package dev.bastion.admin;

import dev.bastion.chain.Identity;
import java.util.Optional;

/**
 * The one role model of the admin API and the console (R1, R2, Z2). Two roles, read from the verified credential's
 * scopes and nothing else:
 * <ul>
 *   <li>{@link #OPERATOR} — the {@code operator} scope: the platform operator. Everything, for every org: reload,
 *       incident switches, MCP pins, orgs and tiers, every org's keys, usage and events, the posture check.</li>
 *   <li>{@link #ORG_ADMIN} — the {@code admin} scope without {@code operator}: their own org's keys, clients, users,
 *       usage, budgets and events. Another org's object is "not found" (404), and the attempt is a
 *       {@code tenant.cross_attempt} audit event — the same rule as every tenant-bound route.</li>
 * </ul>
 * Only the CLI (which holds the store) or an operator can create a credential carrying {@code operator}; an org admin
 * can never grant it, so no tenant can make itself an operator.
 */
public enum AdminRole {
    OPERATOR,
    ORG_ADMIN;

    public static final String OPERATOR_SCOPE = "operator";
    public static final String ADMIN_SCOPE = "admin";

    /** The caller's role, or empty when its credential holds neither scope (the admin routes answer 403). */
    public static Optional<AdminRole> of(Identity id) {
        if (id == null) return Optional.empty();
        if (id.scopes().contains(OPERATOR_SCOPE)) return Optional.of(OPERATOR);
        if (id.scopes().contains(ADMIN_SCOPE)) return Optional.of(ORG_ADMIN);
        return Optional.empty();
    }

    /**
     * Which org a request acts on.
     *
     * @param requested the org the request names (a {@code ?org=} parameter, an {@code {org}} path segment, a body
     *                  field); null when it names none
     * @return for an operator: the org named, or {@link OrgScope#ALL} when none is; for an org admin: their own org when
     *         they name none or their own, {@link OrgScope#FOREIGN} when they name another (answer 404 and record it)
     */
    public static OrgScope scope(Identity id, String requested) {
        AdminRole role = of(id).orElse(null);
        if (role == null) return OrgScope.FOREIGN;
        if (role == OPERATOR) return requested == null || requested.isEmpty() ? OrgScope.ALL : OrgScope.of(requested);
        return requested == null || requested.isEmpty() || requested.equals(id.orgId()) ? OrgScope.of(id.orgId()) : OrgScope.FOREIGN;
    }

    /**
     * The result of {@link #scope}: one org, every org (operators only), or another org than an org admin's own.
     *
     * @param org the one org; null for {@link #ALL} and {@link #FOREIGN}
     */
    public record OrgScope(String org, boolean all, boolean foreign) {
        public static final OrgScope ALL = new OrgScope(null, true, false);
        public static final OrgScope FOREIGN = new OrgScope(null, false, true);

        public static OrgScope of(String org) {
            return new OrgScope(org, false, false);
        }

        /** Whether an object of {@code objectOrg} is inside this scope. */
        public boolean covers(String objectOrg) {
            return all || (org != null && org.equals(objectOrg));
        }
    }
}
