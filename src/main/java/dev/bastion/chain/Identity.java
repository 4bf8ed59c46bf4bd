package dev.bastion.chain;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, as established by an authenticator. Scopes and roles here come only from the
 * credential Bastion verified, never from request headers. Every identity has an org.
 *
 * @param subject        stable id of the caller: API key id, IdP subject, client id, or user id
 * @param orgId          the tenant the caller acts for; never null
 * @param scopes         what the caller may do
 * @param roles          reader / writer / admin, from the verified credential
 * @param credentialType {@code api_key}, {@code jwt} or {@code bastion_token}
 * @param credentialId   public id of the credential when it has one (API key id), safe to log; else null
 * @param issuer         for tokens: the issuer's name ({@code bastion} for Bastion's own); else null
 * @param userId         Bastion's user id ({@code usr_…}) when a person is calling; else null
 * @param clientId       the machine client ({@code cli_…}) when one is calling; else null
 * @param tokenId        the token's {@code jti} when it has one; else null
 * @param claims         a verified token's top-level claims whose values are strings or lists of strings, as sets
 *                       ({@link #bindableClaims}): what a route's {@code bind: [{…, to: claim:NAME}]} compares with.
 *                       Empty for API keys
 * @param machine        the credential is a machine's, not a person's: an API key, a client's token ({@code clientId}
 *                       set; both always count), or an identity-provider token its issuer's {@code machine} rule marks
 */
public record Identity(String subject, String orgId, Set<String> scopes, Set<String> roles, String credentialType,
                       String credentialId, String issuer, String userId, String clientId, String tokenId, Map<String, Set<String>> claims,
                       boolean machine) {
    private static final java.util.List<String> AUDIENCE_CLAIMS = java.util.List.of("aud", "azp");
    private static final int MAX_CLAIMS = 32, MAX_NAME_LENGTH = 64, MAX_VALUES = 64, MAX_VALUE_LENGTH = 256;

    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(credentialType, "credentialType");
        scopes = Set.copyOf(scopes);
        roles = Set.copyOf(roles);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
        machine = machine || "api_key".equals(credentialType) || clientId != null;
    }

    /** An identity whose credential says nothing more about being a machine than its type and client do. */
    public Identity(String subject, String orgId, Set<String> scopes, Set<String> roles, String credentialType,
                    String credentialId, String issuer, String userId, String clientId, String tokenId, Map<String, Set<String>> claims) {
        this(subject, orgId, scopes, roles, credentialType, credentialId, issuer, userId, clientId, tokenId, claims, false);
    }

    /** Claim names only: their values may be personal (an e-mail, a group), and an identity may end up in a log line. */
    @Override
    public String toString() {
        return "Identity[subject=" + subject + ", orgId=" + orgId + ", scopes=" + scopes + ", roles=" + roles + ", credentialType=" + credentialType
                + ", credentialId=" + credentialId + ", issuer=" + issuer + ", userId=" + userId + ", clientId=" + clientId + ", tokenId=" + tokenId
                + ", claims=" + claims.keySet() + ", machine=" + machine + "]";
    }

    /** An identity without token claims (API keys, and callers that bind nothing to claims). */
    public Identity(String subject, String orgId, Set<String> scopes, Set<String> roles, String credentialType,
                    String credentialId, String issuer, String userId, String clientId, String tokenId) {
        this(subject, orgId, scopes, roles, credentialType, credentialId, issuer, userId, clientId, tokenId, Map.of());
    }

    /**
     * The claims of a verified token a binding can compare with: top-level, a name of at most 64 characters, whose
     * value is a string or a list of strings — bounded (32 claims, 64 values each, 256 characters a value; what is
     * beyond is left out, so it can never match) because an identity lives in the token cache.
     */
    public static Map<String, Set<String>> bindableClaims(Map<String, ?> claims) {
        Map<String, Set<String>> out = new java.util.HashMap<>();
        // The audience claims first: an MCP route's audience binding reads them, and they must not be the ones left out.
        java.util.List<Map.Entry<String, ?>> entries = new java.util.ArrayList<>(claims.size());
        for (String first : AUDIENCE_CLAIMS) if (claims.containsKey(first)) entries.add(new java.util.AbstractMap.SimpleEntry<>(first, claims.get(first)));
        for (Map.Entry<String, ?> e : claims.entrySet()) if (!AUDIENCE_CLAIMS.contains(e.getKey())) entries.add(e);
        for (Map.Entry<String, ?> e : entries) {
            if (out.size() >= MAX_CLAIMS) break;
            if (e.getKey().length() > MAX_NAME_LENGTH) continue; // which names a binding may use is the config's rule
            Set<String> values = new java.util.HashSet<>();
            if (e.getValue() instanceof String v) {
                if (v.length() <= MAX_VALUE_LENGTH) values.add(v);
            } else if (e.getValue() instanceof java.util.List<?> list) {
                for (Object o : list) {
                    if (values.size() >= MAX_VALUES) break;
                    if (o instanceof String v && v.length() <= MAX_VALUE_LENGTH) values.add(v);
                }
            }
            if (!values.isEmpty()) out.put(e.getKey(), Set.copyOf(values));
        }
        return out;
    }

    /**
     * The calling credential as a counter key, for limits and budgets: the API key, else the machine client,
     * else the user, else the token subject. Never a secret.
     */
    public String caller() {
        if ("api_key".equals(credentialType)) return "key:" + credentialId;
        if (clientId != null) return "client:" + clientId;
        if (userId != null) return "user:" + userId;
        return credentialType + ":" + subject;
    }

    /**
     * The counter key of this caller for a limit or budget kept {@code per} org, user, client or api_key.
     * A caller without the named kind of credential (an API-key caller on a per-user budget) is counted by
     * its own credential, so nothing is ever silently uncounted.
     */
    public String key(String per) {
        return switch (per) {
            case "org" -> "org:" + orgId;
            case "user" -> userId != null ? "user:" + userId : caller();
            case "client" -> clientId != null ? "client:" + clientId : caller();
            case "api_key" -> caller();
            default -> throw new IllegalArgumentException("not a caller key: " + per);
        };
    }

    public static Identity apiKey(String keyId, String orgId, Set<String> scopes) {
        return new Identity(keyId, orgId, scopes, Set.of(), "api_key", keyId, null, null, null, null);
    }
}
