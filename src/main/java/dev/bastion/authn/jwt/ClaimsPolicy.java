package dev.bastion.authn.jwt;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bastion.config.IssuerConfig;
import dev.bastion.config.RouteConfig;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks after a valid signature (A1, A2): {@code iss} exactly, {@code exp} required, {@code nbf} and
 * {@code iat} not in the future, all within the issuer's clock skew; {@code aud} and {@code azp} against
 * the configured lists; required scopes; then the claim mapping. Pure.
 */
final class ClaimsPolicy {
    /** A check failed; {@code reason} is the stable error code. */
    static final class Violation extends Exception {
        final String reason;

        Violation(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private ClaimsPolicy() {}

    static VerifiedClaims check(IssuerConfig cfg, Map<String, Object> claims, Instant now) throws Violation {
        // The skew widens now, never the token's dates: those may be as far as Instant goes (NumericDates).
        Instant earliest = now.minus(cfg.clockSkew()), latest = now.plus(cfg.clockSkew());
        if (!cfg.issuer().equals(claims.get("iss"))) throw new Violation("jwt_issuer_mismatch");
        Instant exp = time(claims, "exp");
        if (exp == null) throw new Violation("jwt_exp_missing");
        if (!earliest.isBefore(exp)) throw new Violation("jwt_expired");
        Instant nbf = time(claims, "nbf");
        if (nbf != null && latest.isBefore(nbf)) throw new Violation("jwt_not_yet_valid");
        Instant iat = time(claims, "iat");
        if (iat != null && latest.isBefore(iat)) throw new Violation("jwt_issued_in_future");
        if (!cfg.audiences().isEmpty()) {
            List<String> aud = strings(claims.get("aud"));
            if (aud.stream().noneMatch(cfg.audiences()::contains)) throw new Violation("jwt_audience_mismatch");
        }
        if (!cfg.authorizedParties().isEmpty()) {
            Object azp = claim(claims, cfg.claims().authorizedParty());
            if (!(azp instanceof String s) || !cfg.authorizedParties().contains(s)) throw new Violation("jwt_authorized_party_mismatch");
        }
        Object sub = claim(claims, cfg.claims().subject());
        if (!(sub instanceof String subject) || subject.isEmpty() || subject.length() > 256) throw new Violation("jwt_subject_missing");
        Set<String> scopes = scopes(claims, cfg.claims().scope());
        if (!scopes.containsAll(cfg.requiredScopes())) throw new Violation("jwt_scope_missing");
        Object org = claim(claims, cfg.claims().org());
        String orgId = org instanceof String s && !s.isEmpty() ? s : cfg.defaultOrg();
        Set<String> roles = new LinkedHashSet<>();
        for (String r : strings(claim(claims, cfg.claims().role()))) if (RouteConfig.Require.ROLES.contains(r)) roles.add(r);
        Object jti = claims.get("jti");
        return new VerifiedClaims(cfg.name(), cfg.issuer(), subject, orgId, roles, scopes, jti instanceof String j ? j : null, exp,
                cfg.autoCreateOrgs(), dev.bastion.chain.Identity.bindableClaims(claims), machine(cfg.machine(), claims));
    }

    /** Whether the issuer's machine rule marks the token: its claim holds (or, as a list, contains) one of the values. */
    static boolean machine(IssuerConfig.Machine rule, Map<String, Object> claims) {
        if (rule == null) return false;
        return strings(claim(claims, rule.claim())).stream().anyMatch(rule.values()::contains);
    }

    /** A claim by literal name, or by JSON pointer when the name starts with "/". */
    static Object claim(Map<String, Object> claims, String name) {
        if (!name.startsWith("/")) return claims.get(name);
        Object cur = claims;
        for (String part : name.substring(1).split("/")) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(part.replace("~1", "/").replace("~0", "~"));
        }
        return cur;
    }

    private static Set<String> scopes(Map<String, Object> claims, String name) {
        Object v = claim(claims, name);
        if (v == null && "scope".equals(name)) v = claims.get("scp"); // Okta/Azure spell it scp
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof String s) {
            for (String part : s.split(" ")) if (!part.isEmpty()) out.add(part);
        } else {
            out.addAll(strings(v));
        }
        return out;
    }

    private static List<String> strings(Object v) {
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> l) return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        return List.of();
    }

    private static Instant time(Map<String, Object> claims, String name) throws Violation {
        Object v = claims.get(name);
        if (v == null) return null;
        if (v instanceof Number n) return NumericDates.toInstant(n);
        if (v instanceof Date d) return d.toInstant();
        throw new Violation("jwt_claims_invalid");
    }

    static Map<String, Object> parse(String payload) throws Violation {
        try {
            return JSONObjectUtils.parse(payload);
        } catch (ParseException e) {
            throw new Violation("jwt_claims_invalid");
        }
    }
}
