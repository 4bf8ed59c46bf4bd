package dev.bastion.authn.jose;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import java.util.List;

/**
 * Verifies a compact JWS against {@link TrustedKeys}, strictly. Nimbus does the cryptography; this class
 * decides what may reach it:
 * <ul>
 *   <li>exactly three non-empty, canonical base64url parts (no JSON serialization, no padding, no
 *       whitespace, no "ignored" characters) — the signature is checked over exactly what was sent;</li>
 *   <li>an {@code alg} that one of the trusted keys declares for itself — {@code none}, unknown
 *       spellings and HMAC against a public key have no key and fail;</li>
 *   <li>keys found only among the trusted keys, by {@code kid}; {@code jwk}, {@code jku}, {@code x5u} and
 *       {@code x5c} headers are never used to find a key;</li>
 *   <li>no {@code crit} header parameter (Bastion understands none), so {@code b64:false} and other
 *       extensions fail closed.</li>
 * </ul>
 * Thread-safe and allocation-light; this runs on event loops.
 */
public final class JwsVerifier {
    /** The outcome: a verified object (header and payload usable), or a stable reason. */
    public sealed interface Result permits Verified, Rejected {}

    public record Verified(JWSObject jws, String kid) implements Result {}

    public record Rejected(String reason) implements Result {}

    static final Rejected MALFORMED = new Rejected("jws_malformed");
    static final Rejected NO_KEY = new Rejected("jws_no_matching_key");
    static final Rejected BAD_SIGNATURE = new Rejected("jws_signature_invalid");
    static final Rejected CRIT = new Rejected("jws_crit_unsupported");

    private JwsVerifier() {}

    public static Result verify(String compact, TrustedKeys keys) {
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) return MALFORMED;
        String h = compact.substring(0, first);
        String p = compact.substring(first + 1, second);
        String s = compact.substring(second + 1);
        if (s.isEmpty() || !Base64Url.isCanonical(h) || !Base64Url.isCanonical(p) || !Base64Url.isCanonical(s)) return MALFORMED;
        JWSHeader header;
        try {
            header = JWSHeader.parse(new Base64URL(h));
        } catch (ParseException | RuntimeException e) {
            return MALFORMED; // includes alg "none": not a JWS header
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) return CRIT;
        JWSAlgorithm alg = header.getAlgorithm();
        List<TrustedKeys.Entry> candidates = keys.candidates(header.getKeyID(), alg);
        if (candidates.isEmpty()) return NO_KEY;
        JWSObject jws;
        try {
            jws = new JWSObject(new Base64URL(h), new Base64URL(p), new Base64URL(s));
        } catch (ParseException e) {
            return MALFORMED;
        }
        for (TrustedKeys.Entry e : candidates) {
            try {
                if (jws.verify(e.verifier())) return new Verified(jws, e.jwk().getKeyID());
            } catch (JOSEException | IllegalStateException ex) {
                // a signature of the wrong length or form: not valid for this key
            }
        }
        return BAD_SIGNATURE;
    }
}
