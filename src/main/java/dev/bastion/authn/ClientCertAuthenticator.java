package dev.bastion.authn;

import dev.bastion.chain.ClientCertificate;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.ClientIdentityConfig;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The {@code mtls} auth method (E7): the client certificate the listener's CAs verified, mapped to a caller by the
 * first of {@code listeners.public.tls.client_identities} it matches — its SPIFFE ID (the URI SAN), subject DN or a DNS
 * SAN. Only the TLS session is read: a certificate in a header ({@code X-Forwarded-Client-Cert}, {@code X-SSL-Client-Cert})
 * is never a credential here. No certificate, or one the CAs do not verify, is no credential; a verified one no rule
 * maps is refused (401), never passed to a weaker method.
 *
 * <p>The identity's client id is the mapped subject (revoke it as a client to lock every certificate mapped to it out)
 * and its token id the certificate's {@code x5t#S256} thumbprint (revoke it as a token to lock out that one certificate).
 */
public final class ClientCertAuthenticator implements Authenticator {
    private final List<ClientIdentityConfig> rules;

    public ClientCertAuthenticator(List<ClientIdentityConfig> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public String kind() {
        return "mtls";
    }

    @Override
    public Future<AuthResult> authenticate(Exchange exchange) {
        ClientCertificate peer = exchange.attribute(ClientCertificate.class);
        X509Certificate[] chain = peer == null ? null : peer.verified();
        if (chain == null) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        X509Certificate leaf = chain[0];
        List<String> uris = sans(leaf, 6), dns = sans(leaf, 2);
        // The SPIFFE ID is the one URI SAN of an X.509-SVID; a certificate with several is not one.
        String spiffe = uris.size() == 1 && wellFormedSpiffeId(uris.getFirst()) ? uris.getFirst() : null;
        String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (ClientIdentityConfig rule : rules) {
            String matched = match(rule, spiffe, dn, dns);
            if (matched == null) continue;
            String subject = rule.subject() != null ? rule.subject() : matched;
            return Future.succeededFuture(new AuthResult.Authenticated(new Identity(subject, rule.org(), Set.copyOf(rule.scopes()),
                    Set.copyOf(rule.roles()), "mtls", null, null, null, subject, thumbprint(leaf), null, true)));
        }
        return Future.succeededFuture(new AuthResult.Rejected("certificate_not_mapped", "The client certificate is not mapped to a caller."));
    }

    private static String match(ClientIdentityConfig rule, String spiffe, String dn, List<String> dns) {
        if (rule.spiffeId() != null) {
            if (spiffe == null) return null;
            String id = rule.spiffeId();
            if (id.endsWith("/*")) return spiffe.startsWith(id.substring(0, id.length() - 1)) && spiffe.length() > id.length() - 1 ? spiffe : null;
            return spiffe.equals(id) ? spiffe : null;
        }
        if (rule.subjectDn() != null) {
            // Both sides as RFC 2253 writes them, so spacing and attribute-name case in the config do not matter.
            return new X500Principal(rule.subjectDn()).getName(X500Principal.RFC2253).equals(dn) ? dn : null;
        }
        for (String name : dns) if (name.equalsIgnoreCase(rule.dnsSan())) return rule.dnsSan();
        return null;
    }

    private static final java.util.regex.Pattern SPIFFE_ID = java.util.regex.Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    /**
     * A SPIFFE ID as the SPIFFE ID standard writes it: lower-case trust domain, path segments of letters, digits, '.', '_'
     * and '-', and no '.' or '..' segment — so {@code spiffe://td/jobs/../admin} can never pass as one below {@code jobs/}.
     */
    static boolean wellFormedSpiffeId(String id) {
        if (!SPIFFE_ID.matcher(id).matches()) return false;
        for (String segment : id.substring("spiffe://".length()).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) return false;
        }
        return true;
    }

    /** The certificate's subject alternative names of one type (2 DNS, 6 URI). */
    private static List<String> sans(X509Certificate cert, int type) {
        Collection<List<?>> all;
        try {
            all = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (all == null) return List.of();
        return all.stream().filter(e -> e.size() == 2 && Integer.valueOf(type).equals(e.get(0)) && e.get(1) instanceof String).map(e -> (String) e.get(1)).toList();
    }

    /** RFC 8705's certificate thumbprint: base64url SHA-256 of the DER certificate. */
    public static String thumbprint(X509Certificate cert) {
        try {
            return "x5t#S256:" + Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
