package dev.bastion.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.bastion.authn.jose.TrustedKeys;
import dev.bastion.config.TokensConfig;
import dev.bastion.store.SigningKeyRecord;
import dev.bastion.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bastion's signing keys (A7): generated here (ES256 on P-256 or EdDSA on Ed25519), stored with the
 * private half encrypted by the {@link MasterKey}, rotated on demand or when the current key is older
 * than {@code tokens.rotate_every}. A retired key stops signing at once and stays published in the JWKS
 * until every token it signed has expired.
 * <p>
 * Reads and writes the store: call {@link #refresh()} and {@link #rotateIfDue()} from a worker, never an
 * event loop. {@link #current()} and {@link #published()} are lock-free snapshots.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    /** Longest lifetime of anything Bastion signs (tokens.ttl is at most 24h), plus clock skew. */
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(24).plusMinutes(5);
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);

    /** The key that signs now. */
    public record Current(String kid, JWSAlgorithm algorithm, JWSSigner signer) {}

    private record Snapshot(Current current, TrustedKeys published, JWKSet publicJwks) {}

    private final Store store;
    private final MasterKey masterKey;
    private final TokensConfig config;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public SigningKeys(Store store, MasterKey masterKey, TokensConfig config, Clock clock) {
        this.store = store;
        this.masterKey = masterKey;
        this.config = config;
        this.clock = clock;
    }

    /** Loads the keys, creating the first one when there is none. Blocking. */
    public SigningKeys start() {
        refresh();
        if (snapshot.current() == null) rotate();
        return this;
    }

    public Current current() {
        Snapshot s = snapshot;
        if (s == null || s.current() == null) throw new IllegalStateException("no signing key loaded");
        return s.current();
    }

    /** Every published public key, as verification keys. */
    public TrustedKeys published() {
        Snapshot s = snapshot;
        return s == null ? TrustedKeys.empty() : s.published();
    }

    /** The public JWKS document ({@code /.well-known/jwks.json}). */
    public JWKSet publicJwks() {
        Snapshot s = snapshot;
        return s == null ? new JWKSet() : s.publicJwks();
    }

    /** Re-reads the published keys (other nodes or the CLI may have rotated). Blocking. */
    public void refresh() {
        Instant now = clock.instant();
        List<SigningKeyRecord> rows = store.signingKeys().published(now);
        List<JWK> publicKeys = new ArrayList<>();
        Current current = null;
        for (SigningKeyRecord row : rows) {
            try {
                publicKeys.add(JWK.parse(row.publicJwk()));
                if (current == null && row.retiredAt() == null) current = decrypt(row);
            } catch (ParseException | GeneralSecurityException | JOSEException e) {
                // A key we cannot read is not used; the others keep working. Never log key material.
                log.error("signing key {} is unusable: {}", row.kid(), e.getClass().getSimpleName());
            }
        }
        snapshot = new Snapshot(current, TrustedKeys.from(publicKeys, ALGORITHMS, false), new JWKSet(publicKeys));
    }

    /** Rotates when the current key is older than {@code rotate_every}. Blocking. */
    public boolean rotateIfDue() {
        Instant now = clock.instant();
        List<SigningKeyRecord> rows = store.signingKeys().published(now);
        SigningKeyRecord newest = rows.stream().filter(r -> r.retiredAt() == null).findFirst().orElse(null);
        if (newest != null && newest.createdAt().plus(config.rotateEvery()).isAfter(now)) {
            if (snapshot == null || snapshot.current() == null || !snapshot.current().kid().equals(newest.kid())) refresh();
            return false;
        }
        rotate();
        return true;
    }

    /** Makes a new signing key and retires the others (they stay published until their tokens expired). Blocking. */
    public String rotate() {
        Instant now = clock.instant();
        String kid = "bst-" + now.getEpochSecond() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try {
            JWK key = config.algorithm() == TokensConfig.Algorithm.EDDSA
                    ? new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).generate()
                    : new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
            byte[] sealed = masterKey.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), kid.getBytes(StandardCharsets.UTF_8));
            store.signingKeys().insert(new SigningKeyRecord(kid, key.getAlgorithm().getName(), key.toPublicJWK().toJSONString(),
                    Base64.getEncoder().encodeToString(sealed), now, null, null));
            int retired = store.signingKeys().retireAllExcept(kid, now, now.plus(MAX_TOKEN_LIFETIME));
            log.info("new signing key {} ({}); {} older key(s) retired and published until their tokens expire", kid, key.getAlgorithm(), retired);
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a signing key: " + e.getClass().getSimpleName(), e);
        }
        refresh();
        return kid;
    }

    private Current decrypt(SigningKeyRecord row) throws GeneralSecurityException, ParseException, JOSEException {
        byte[] plain = masterKey.decrypt(Base64.getDecoder().decode(row.privateJwkEncrypted()), row.kid().getBytes(StandardCharsets.UTF_8));
        JWK key = JWK.parse(new String(plain, StandardCharsets.UTF_8));
        JWSSigner signer = key instanceof OctetKeyPair okp ? new Ed25519Signer(okp) : new ECDSASigner((ECKey) key);
        return new Current(row.kid(), JWSAlgorithm.parse(row.algorithm()), signer);
    }
}
