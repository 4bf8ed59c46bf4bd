package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.authn.jose.TrustedKeys;
import dev.bastion.chain.Exchange;
import dev.bastion.testing.Corpora;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the JWS verification path of Bastion's own access tokens through the real
 * {@link BastionTokenAuthenticator} (the IdP path shares its {@code JwsVerifier}). Property: a token
 * authenticates if and only if it is, byte for byte, one Bastion minted — every mutation of a real token,
 * every forged header or payload over a real signature, every garbage string is refused with a stable
 * reason, never an exception, and the refusal never quotes the token.
 *
 * <p>Input: first byte {@code 0}/{@code 1} — edits (2-byte position, new byte) to the ES256/EdDSA token;
 * {@code 2} — the rest is a header JSON put over the ES256 token's payload and signature; {@code 3} — the rest
 * is a payload JSON under its header and signature; anything else — the whole input is the token.
 */
class BastionTokenFuzzTest {
    static final String ISSUER = "https://bastion.test";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Set<String> REASONS = Set.of("token_malformed", "token_no_matching_key", "token_signature_invalid",
            "token_crit_unsupported", "token_type_invalid", "token_issuer_mismatch", "token_expired", "token_not_yet_valid",
            "token_issued_in_future", "token_lifetime_too_long", "token_audience_mismatch");

    static final List<String> MINTED = new ArrayList<>();
    static final TrustedKeys KEYS;

    static {
        try {
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("es-1").algorithm(JWSAlgorithm.ES256).generate();
            OctetKeyPair ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").algorithm(JWSAlgorithm.EdDSA).generate();
            KEYS = TrustedKeys.from(List.of(ec.toPublicJWK(), ed.toPublicJWK()), Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), false);
            SignedJWT a = token(JWSAlgorithm.ES256, "es-1");
            a.sign(new ECDSASigner(ec));
            SignedJWT b = token(JWSAlgorithm.EdDSA, "ed-1");
            b.sign(new Ed25519Signer(ed));
            MINTED.add(a.serialize());
            MINTED.add(b.serialize());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static SignedJWT token(JWSAlgorithm alg, String kid) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("usr_fuzz").audience("api")
                .claim("org", "acme").claim("scope", "chat").jwtID("jti-1")
                .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(600))).build();
        return new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt")).build(), claims);
    }

    @FuzzTest(maxDuration = "10s")
    void onlyMintedTokensVerify(byte[] input) {
        check(tokenOf(input));
    }

    /** Wycheproof's JWS vectors (read from $BASTION_CORPORA, not copied) as tokens: none is Bastion's, none may verify. */
    @Test
    void wycheproofTokensNeverVerify() throws Exception {
        Path file = Corpora.require("wycheproof/testvectors_v1/json_web_signature_test.json");
        int n = 0;
        for (Object g : new JsonObject(Files.readString(file)).getJsonArray("testGroups")) {
            for (Object t : ((JsonObject) g).getJsonArray("tests")) {
                if (((JsonObject) t).getValue("jws") instanceof String jws) {
                    check(jws);
                    n++;
                }
            }
        }
        assertThat(n).isPositive();
    }

    static String tokenOf(byte[] in) {
        if (in.length == 0 || in[0] > 3) return new String(in, StandardCharsets.UTF_8);
        String minted = MINTED.get(in[0] == 1 ? 1 : 0);
        String[] parts = minted.split("\\.");
        if (in[0] == 2 || in[0] == 3) {
            String part = Base64URL.encode(java.util.Arrays.copyOfRange(in, 1, in.length)).toString();
            return in[0] == 2 ? part + "." + parts[1] + "." + parts[2] : parts[0] + "." + part + "." + parts[2];
        }
        byte[] t = minted.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 1; i + 2 < in.length; i += 3) {
            int at = ((in[i] & 0xff) << 8 | (in[i + 1] & 0xff)) % t.length;
            t[at] = in[i + 2];
        }
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    static void check(String token) {
        BastionTokenAuthenticator auth = new BastionTokenAuthenticator(ISSUER, () -> KEYS,
                new TokenCache(16, Clock.fixed(NOW, ZoneOffset.UTC)), List.of("api"), Clock.fixed(NOW, ZoneOffset.UTC));
        Exchange ex = Exchange.builder().header("Authorization", "Bearer " + token).build();
        io.vertx.core.Future<AuthResult> f = auth.authenticate(ex);
        assertThat(f.succeeded()).as("a bad token is a refusal, never a fault").isTrue();
        AuthResult r = f.result();
        // The header's value is trimmed (as HTTP does); anything else than the minted bytes must not verify.
        boolean minted = MINTED.contains(token.trim());
        if (minted) {
            assertThat(r).isInstanceOf(AuthResult.Authenticated.class);
            return;
        }
        assertThat(r).as("a token Bastion did not mint").isNotInstanceOf(AuthResult.Authenticated.class);
        if (r instanceof AuthResult.Rejected rej) {
            assertThat(REASONS).contains(rej.reason());
            if (token.length() >= 8) assertThat(rej.message()).doesNotContain(token.trim());
        }
    }
}
