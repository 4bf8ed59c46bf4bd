package dev.bastion.authn.jose;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated set of verification keys, each paired with the algorithms it may verify and a ready
 * verifier. <b>The key decides the algorithm family, never the token</b>: an RSA or EC key only ever
 * yields RSA or EC verifiers, so "HS256 signed with the public key" cannot verify; symmetric keys are
 * only admitted when the caller explicitly allows them ({@link #fromJwks(String, Set, boolean)}), and
 * a set that mixes symmetric and asymmetric keys is unusable as a whole.
 * <p>
 * Keys that are unsafe or ambiguous are left out with a reason (see {@link #rejected()}): wrong
 * {@code use} or {@code key_ops}, an {@code alg} that does not fit the key's type or curve, RSA below 2048 bits or
 * with a public exponent of 1 or an even one, ROCA moduli, unsupported curves, HMAC keys shorter than
 * their hash, and every key whose {@code kid} is shared with another key (which one would be meant?).
 * One bad key in a JWKS does not take the others down.
 */
public final class TrustedKeys {
    /** A usable key: its JWK, the algorithms it verifies (already intersected with the allow-list), its verifier. */
    record Entry(JWK jwk, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {}

    private static final Set<JWSAlgorithm> RSA_ALGS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Map<Curve, JWSAlgorithm> EC_ALGS = Map.of(Curve.P_256, JWSAlgorithm.ES256, Curve.P_384, JWSAlgorithm.ES384,
            Curve.P_521, JWSAlgorithm.ES512);
    private static final Set<JWSAlgorithm> ED_ALGS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    /** "ES521" is the well-known misspelling of ES512 (P-521) in RFC 7520's example keys. */
    private static final Map<String, JWSAlgorithm> ALIASES = Map.of("ES521", JWSAlgorithm.ES512);
    private static final Map<JWSAlgorithm, Integer> HMAC_MIN_BYTES = Map.of(JWSAlgorithm.HS256, 32, JWSAlgorithm.HS384, 48,
            JWSAlgorithm.HS512, 64);

    private final List<Entry> entries;
    private final Map<String, List<Entry>> byKid;
    private final List<String> rejected;

    private TrustedKeys(List<Entry> entries, List<String> rejected) {
        this.entries = List.copyOf(entries);
        this.rejected = List.copyOf(rejected);
        Map<String, List<Entry>> m = new HashMap<>();
        for (Entry e : entries) {
            if (e.jwk().getKeyID() != null) m.computeIfAbsent(e.jwk().getKeyID(), k -> new ArrayList<>()).add(e);
        }
        this.byKid = m;
    }

    public static TrustedKeys empty() {
        return new TrustedKeys(List.of(), List.of());
    }

    /**
     * Parses a JWKS document ({@code {"keys":[…]}}) or a single JWK, key by key.
     *
     * @param allowed          algorithms that may be used at all (the issuer's allow-list)
     * @param allowSymmetric   admit {@code oct} keys (never for keys fetched from an identity provider)
     */
    public static TrustedKeys fromJwks(String json, Set<JWSAlgorithm> allowed, boolean allowSymmetric) throws ParseException {
        Map<String, Object> doc = JSONObjectUtils.parse(json);
        List<Object> keys = doc.containsKey("keys") ? JSONObjectUtils.getJSONArray(doc, "keys") : List.of(doc);
        if (keys == null) throw new ParseException("keys: not an array", 0);
        List<JWK> parsed = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Object k = keys.get(i);
            try {
                if (!(k instanceof Map<?, ?> map)) throw new ParseException("not an object", 0);
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) map;
                parsed.add(JWK.parse(m));
            } catch (ParseException | RuntimeException e) {
                rejected.add("keys[" + i + "]: unparseable (" + e.getMessage() + ")");
            }
        }
        return from(parsed, rejected, allowed, allowSymmetric);
    }

    public static TrustedKeys from(List<JWK> keys, Set<JWSAlgorithm> allowed, boolean allowSymmetric) {
        return from(keys, new ArrayList<>(), allowed, allowSymmetric);
    }

    private static TrustedKeys from(List<JWK> keys, List<String> rejected, Set<JWSAlgorithm> allowed, boolean allowSymmetric) {
        boolean anySymmetric = keys.stream().anyMatch(k -> KeyType.OCT.equals(k.getKeyType()));
        boolean anyAsymmetric = keys.stream().anyMatch(k -> !KeyType.OCT.equals(k.getKeyType()));
        if (anySymmetric && anyAsymmetric) {
            // A verifier must never have to choose between a shared secret and a public key for one token.
            rejected.add("key set mixes symmetric and asymmetric keys: none used");
            return new TrustedKeys(List.of(), rejected);
        }
        Map<String, Integer> kidCounts = new HashMap<>();
        for (JWK k : keys) if (k.getKeyID() != null) kidCounts.merge(k.getKeyID(), 1, Integer::sum);
        List<Entry> entries = new ArrayList<>();
        for (JWK k : keys) {
            String label = "key " + (k.getKeyID() == null ? "(no kid)" : "'" + k.getKeyID() + "'");
            if (k.getKeyID() != null && kidCounts.get(k.getKeyID()) > 1) {
                rejected.add(label + ": kid is not unique");
                continue;
            }
            try {
                entries.add(entry(k, allowed, allowSymmetric));
            } catch (UnusableKey e) {
                rejected.add(label + ": " + e.getMessage());
            }
        }
        return new TrustedKeys(entries, rejected);
    }

    /** Why keys were left out; for logs and tests. */
    public List<String> rejected() {
        return rejected;
    }

    public int size() {
        return entries.size();
    }

    public boolean containsKid(String kid) {
        return byKid.containsKey(kid);
    }

    /** Candidate keys for a token header: those with its kid (when it has one) that may verify its alg. */
    List<Entry> candidates(String kid, JWSAlgorithm alg) {
        List<Entry> pool = kid == null ? entries : byKid.getOrDefault(kid, List.of());
        List<Entry> out = new ArrayList<>(1);
        for (Entry e : pool) if (e.algorithms().contains(alg)) out.add(e);
        return out;
    }

    /** The public JWKS form of the usable keys. */
    public List<JWK> publicKeys() {
        return entries.stream().map(e -> e.jwk().toPublicJWK()).toList();
    }

    private static Entry entry(JWK k, Set<JWSAlgorithm> allowed, boolean allowSymmetric) throws UnusableKey {
        if (k.getKeyUse() != null && !KeyUse.SIGNATURE.equals(k.getKeyUse())) throw new UnusableKey("use is '" + k.getKeyUse().getValue() + "', not sig");
        Set<KeyOperation> ops = k.getKeyOperations();
        if (ops != null && !ops.contains(KeyOperation.VERIFY) && !(k.isPrivate() && ops.contains(KeyOperation.SIGN))) {
            throw new UnusableKey("key_ops " + ops + " do not allow verify");
        }
        Set<JWSAlgorithm> fitting = new LinkedHashSet<>();
        JWSVerifier verifier;
        try {
            if (k instanceof RSAKey rsa) {
                BigInteger n = rsa.getModulus().decodeToBigInteger();
                BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
                if (n.bitLength() < 2048) throw new UnusableKey("RSA modulus of " + n.bitLength() + " bits (expected: >= 2048)");
                if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) throw new UnusableKey("RSA public exponent " + e + " is unsafe");
                if (Roca.fingerprinted(n)) throw new UnusableKey("RSA modulus has the ROCA fingerprint (CVE-2017-15361)");
                fitting.addAll(RSA_ALGS);
                verifier = new RSASSAVerifier(rsa.toRSAPublicKey());
            } else if (k instanceof ECKey ec) {
                JWSAlgorithm alg = EC_ALGS.get(ec.getCurve());
                if (alg == null) throw new UnusableKey("EC curve " + ec.getCurve() + " is not supported");
                fitting.add(alg);
                verifier = new ECDSAVerifier(ec.toECPublicKey());
            } else if (k instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) throw new UnusableKey("OKP curve " + okp.getCurve() + " is not supported");
                fitting.addAll(ED_ALGS);
                verifier = new Ed25519Verifier(okp.toPublicJWK());
            } else if (k instanceof OctetSequenceKey oct) {
                if (!allowSymmetric) throw new UnusableKey("symmetric keys are not accepted here");
                int bytes = oct.toByteArray().length;
                for (Map.Entry<JWSAlgorithm, Integer> h : HMAC_MIN_BYTES.entrySet()) if (bytes >= h.getValue()) fitting.add(h.getKey());
                if (fitting.isEmpty()) throw new UnusableKey("HMAC key of " + bytes + " bytes is too short");
                verifier = new MACVerifier(oct);
            } else {
                throw new UnusableKey("key type " + k.getKeyType() + " is not supported");
            }
        } catch (JOSEException e) {
            throw new UnusableKey("cannot build a verifier (" + e.getMessage() + ")");
        }
        if (k.getAlgorithm() != null) {
            // A key's own alg must fit the key (type and curve): "ES256" on a P-384 key, "ES224" (not a JOSE
            // algorithm) or "RSA1_5" make it unusable. It then fixes the scheme (PKCS#1 v1.5, PSS, ECDSA,
            // EdDSA, HMAC) and the weakest hash: a token may use the same scheme with an equal or stronger
            // hash (RFC 7520 signs PS384 with its "PS256" key), never another scheme or a weaker hash.
            String name = k.getAlgorithm().getName();
            JWSAlgorithm declared = ALIASES.getOrDefault(name, JWSAlgorithm.parse(name));
            if (!fitting.contains(declared)) throw new UnusableKey("alg '" + name + "' does not fit this key");
            fitting.removeIf(a -> !scheme(a).equals(scheme(declared)) || hashBits(a) < hashBits(declared));
        }
        fitting.retainAll(allowed);
        if (fitting.isEmpty()) throw new UnusableKey("none of its algorithms is allowed");
        return new Entry(k, Collections.unmodifiableSet(fitting), verifier);
    }

    private static String scheme(JWSAlgorithm a) {
        String n = a.getName();
        return n.startsWith("Ed") ? "EdDSA" : n.substring(0, 2); // RS, PS, ES, HS
    }

    private static int hashBits(JWSAlgorithm a) {
        String n = a.getName();
        return n.startsWith("Ed") ? 512 : Integer.parseInt(n.substring(2));
    }

    /** Every JWS algorithm Bastion can verify, for tests and the conformance suite. */
    public static Set<JWSAlgorithm> allAlgorithms() {
        Set<JWSAlgorithm> all = new LinkedHashSet<>(RSA_ALGS);
        all.addAll(EC_ALGS.values());
        all.addAll(ED_ALGS);
        all.addAll(HMAC_MIN_BYTES.keySet());
        return all;
    }

    private static final class UnusableKey extends Exception {
        UnusableKey(String message) {
            super(message, null, false, false);
        }
    }
}
