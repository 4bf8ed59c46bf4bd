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

    /** The published keys' ids with their state, for the CLI. */
    public List<SigningKeyRecord> listPublished() {
        return store.signingKeys().published(clock.instant());
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

    /**
     * Re-reads the published keys (other nodes or the CLI may have rotated or withdrawn one), picks the
     * signing key, and retires keys a newer key has superseded. Blocking.
     * <p>
     * A new key is published at once but signs only after {@link #activation()} — by then every node has
     * re-read the keys and can verify what it signs. The first key of a fresh deployment signs at once.
     */
    public void refresh() {
        Instant now = clock.instant();
        List<SigningKeyRecord> rows = store.signingKeys().published(now); // newest first
        SigningKeyRecord signer = null;
        SigningKeyRecord oldestUsable = null;
        for (SigningKeyRecord row : rows) {
            if (row.retiredAt() != null && !row.retiredAt().isAfter(now)) continue;
            oldestUsable = row; // rows are newest first
            if (signer == null && !row.createdAt().plus(activation()).isAfter(now)) signer = row;
        }
        // None published long enough (a fresh deployment, or every older key withdrawn): the one published longest.
        if (signer == null) signer = oldestUsable;
        if (signer != null && store.signingKeys().retireOlderThan(signer.createdAt(), now, now.plus(MAX_TOKEN_LIFETIME)) > 0) {
            rows = store.signingKeys().published(now);
        }
        List<JWK> publicKeys = new ArrayList<>();
        Current current = null;
        for (SigningKeyRecord row : rows) {
            try {
                publicKeys.add(JWK.parse(row.publicJwk()));
                if (current == null && signer != null && row.kid().equals(signer.kid())) current = decrypt(row);
            } catch (ParseException | GeneralSecurityException | JOSEException e) {
                // A key we cannot read is not used; the others keep working. Never log key material.
                log.error("signing key {} is unusable: {}", row.kid(), e.getClass().getSimpleName());
            }
        }
        snapshot = new Snapshot(current, TrustedKeys.from(publicKeys, ALGORITHMS, false), new JWKSet(publicKeys));
    }

    /** How long a new key is published before it signs: two key refreshes, so every node knows it first. */
    public Duration activation() {
        return config.keyRefresh().multipliedBy(2);
    }

    /** Rotates when the newest key is older than {@code rotate_every}; refreshes either way. Blocking. */
    public boolean rotateIfDue() {
        Instant now = clock.instant();
        SigningKeyRecord newest = store.signingKeys().published(now).stream()
                .filter(r -> r.retiredAt() == null || r.retiredAt().isAfter(now)).findFirst().orElse(null);
        if (newest != null && newest.createdAt().plus(config.rotateEvery()).isAfter(now)) {
            refresh();
            return false;
        }
        rotate();
        return true;
    }

    /**
     * Makes a new signing key. It is published at once and signs after {@link #activation()}; the key it
     * supersedes then stops signing and stays published until every token it signed has expired. Blocking.
     */
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
            log.info("new signing key {} ({}), published now, signing from {}", kid, key.getAlgorithm(), now.plus(activation()));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a signing key: " + e.getClass().getSimpleName(), e);
        }
        refresh();
        return kid;
    }

    /**
     * Withdraws a (leaked) key at once: it stops signing and every node stops trusting it at its next
     * refresh, so tokens it signed stop working. When it was the only usable key, a new one is made. Blocking.
     */
    public boolean withdraw(String kid) {
        boolean done = store.signingKeys().withdraw(kid, clock.instant());
        if (!done) return false;
        refresh();
        Snapshot s = snapshot;
        if (s == null || s.current() == null) rotate();
        log.warn("signing key {} withdrawn; tokens it signed are no longer accepted", kid);
        return true;
    }

    private Current decrypt(SigningKeyRecord row) throws GeneralSecurityException, ParseException, JOSEException {
        byte[] plain = masterKey.decrypt(Base64.getDecoder().decode(row.privateJwkEncrypted()), row.kid().getBytes(StandardCharsets.UTF_8));
        JWK key = JWK.parse(new String(plain, StandardCharsets.UTF_8));
        JWSSigner signer = key instanceof OctetKeyPair okp ? new Ed25519Signer(okp) : new ECDSASigner((ECKey) key);
        return new Current(row.kid(), JWSAlgorithm.parse(row.algorithm()), signer);
    }
}
