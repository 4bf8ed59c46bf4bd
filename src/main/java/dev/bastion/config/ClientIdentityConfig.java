package dev.bastion.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One rule of the {@code mtls} auth method: a verified client certificate that matches it is this caller. Exactly one
 * of the three matchers is set.
 *
 * @param spiffeId  the certificate's URI SAN, {@code spiffe://trust-domain/path}; a trailing {@code /*} matches every
 *                  path below (not the prefix itself)
 * @param subjectDn the certificate's subject DN exactly as RFC 2253 writes it, e.g. {@code CN=billing,O=Acme}
 * @param dnsSan    one of the certificate's DNS SANs, exactly (no wildcards)
 * @param org       the org the caller acts for; required
 * @param subject   the caller's subject; default the matched SPIFFE ID, DN or DNS name
 * @param scopes    what the caller may do
 * @param roles     the caller's roles
 */
public record ClientIdentityConfig(String spiffeId, String subjectDn, String dnsSan, String org, String subject, List<String> scopes,
                                   List<String> roles) {
    /** RFC 3986 path characters a SPIFFE ID may hold (the SPIFFE ID spec: no query, fragment, port, user info or percent-encoding). */
    private static final Pattern SPIFFE = Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*(/\\*)?");

    public ClientIdentityConfig {
        int matchers = (spiffeId != null ? 1 : 0) + (subjectDn != null ? 1 : 0) + (dnsSan != null ? 1 : 0);
        if (matchers != 1) throw new IllegalArgumentException("spiffe_id, subject_dn, dns_san: exactly one per rule (found " + matchers + ")");
        if (spiffeId != null && (!SPIFFE.matcher(spiffeId).matches() || spiffeId.contains("/./") || spiffeId.contains("/../")
                || spiffeId.endsWith("/.") || spiffeId.endsWith("/.."))) {
            throw new IllegalArgumentException("spiffe_id: '" + spiffeId + "' (expected: spiffe://trust-domain/path, lower-case trust domain, no . or .. segment, optionally ending /*)");
        }
        if (subjectDn != null && subjectDn.isBlank()) throw new IllegalArgumentException("subject_dn: empty");
        if (dnsSan != null && (dnsSan.isBlank() || dnsSan.contains("*"))) throw new IllegalArgumentException("dns_san: '" + dnsSan + "' (expected: one exact name)");
        if (org == null || org.isBlank()) throw new IllegalArgumentException("org: missing (every caller acts for an org)");
        if (subject != null && subject.isBlank()) throw new IllegalArgumentException("subject: empty");
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
