package dev.bastion.dataprotect;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import dev.bastion.config.DataProtectionConfig;
import dev.bastion.store.DataKeyRecord;
import dev.bastion.store.DataKeyRepository;
import dev.bastion.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption with per-scope data keys (D1). A scope is {@code org:ID}, {@code user:ID} or
 * {@code system}; each has versions of an AES-256-GCM key, stored wrapped by the KEK ({@link Keks}). The newest
 * active version seals; every version not destroyed opens; a version older than {@code rotate_every} is
 * replaced on the next seal (the old one is retired: it still opens what it sealed).
 *
 * <p>A sealed value is {@code header || AES-GCM(nonce || ciphertext || tag)} with the header
 * {@code 0x01, len(scope), scope, version (4 bytes)}; the header and the caller's {@code purpose} (what row and
 * column it belongs to) are the associated data, so a value moved to another row, another purpose or relabelled
 * with another scope does not open. Destroying a scope ({@link #destroy}) deletes its wrapped keys: what it sealed
 * is unreadable to everyone, the master key's and KMS's holders included (crypto-shredding).
 *
 * <p>Unwrapped keys are cached (bounded, {@code cache_ttl}); all calls may block on the store or KMS.
 */
public final class DataKeys {
    private static final byte FORMAT = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEXT_PREFIX = "enc1:";

    /** An unwrapped version: its AEAD and the key its blind indexes are made with. */
    private record Open(Aead aead, byte[] indexKey) {}

    private record Primary(int version, Instant createdAt) {}

    private record Version(String scope, int version) {}

    private final DataKeyRepository repo;
    private final Keks keks;
    private final DataProtectionConfig config;
    private final Clock clock;
    private final Cache<Version, Open> opened;
    private final Cache<String, Primary> primaries;

    public DataKeys(DataKeyRepository repo, Keks keks, DataProtectionConfig config, Clock clock) {
        this.repo = repo;
        this.keks = keks;
        this.config = config;
        this.clock = clock;
        this.opened = Caffeine.newBuilder().maximumSize(config.cacheSize()).expireAfterWrite(config.cacheTtl()).build();
        this.primaries = Caffeine.newBuilder().maximumSize(config.cacheSize()).expireAfterWrite(config.cacheTtl()).build();
    }

    public static String orgScope(String orgId) {
        return "org:" + orgId;
    }

    public static String userScope(String userId) {
        return "user:" + userId;
    }

    public DataProtectionConfig config() {
        return config;
    }

    /** Seals {@code plaintext} with the scope's current key (made on first use, rotated when due) for {@code purpose}. */
    public byte[] seal(String scope, String purpose, byte[] plaintext) {
        Primary p = primary(scope);
        byte[] header = header(scope, p.version());
        try {
            byte[] ct = open(scope, p.version()).aead().encrypt(plaintext, ad(header, purpose));
            return ByteBuffer.allocate(header.length + ct.length).put(header).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new DataKeyException(scope + ": cannot seal (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Opens what {@link #seal} made for {@code purpose}. Throws {@link DataKeyException.Shredded} when the scope's
     * keys were destroyed, {@link DataKeyException} when the value does not open (moved, edited, another purpose).
     */
    public byte[] open(String purpose, byte[] sealed) {
        ByteBuffer in = ByteBuffer.wrap(sealed);
        String scope;
        int version;
        int headerLength;
        try {
            if (in.get() != FORMAT) throw new DataKeyException.Mismatch("not a sealed value (unknown format)");
            int n = in.get() & 0xff;
            byte[] s = new byte[n];
            in.get(s);
            scope = new String(s, StandardCharsets.UTF_8);
            version = in.getInt();
            headerLength = in.position();
        } catch (java.nio.BufferUnderflowException e) {
            throw new DataKeyException.Mismatch("not a sealed value (truncated)");
        }
        try {
            return open(scope, version).aead().decrypt(Arrays.copyOfRange(sealed, headerLength, sealed.length),
                    ad(Arrays.copyOf(sealed, headerLength), purpose));
        } catch (GeneralSecurityException e) {
            throw new DataKeyException.Mismatch(scope + " v" + version + ": the sealed value does not open for " + purpose + " (edited, moved or sealed for another purpose)");
        }
    }

    /** Whether {@link #seal} for the scope would not block: its current key is in memory and not due for rotation. */
    public boolean canSealNow(String scope) {
        Primary p = primaries.getIfPresent(scope);
        return p != null && !p.createdAt().plus(config.rotateEvery()).isBefore(clock.instant()) && opened.getIfPresent(new Version(scope, p.version())) != null;
    }

    /** Whether {@link #open} of this value would not block: its key is in memory (or the value is malformed: it fails at once). */
    public boolean canOpenNow(byte[] sealed) {
        if (sealed.length < 6 || sealed[0] != FORMAT) return true;
        int n = sealed[1] & 0xff;
        if (sealed.length < 2 + n + 4) return true;
        String scope = new String(sealed, 2, n, StandardCharsets.UTF_8);
        int version = ByteBuffer.wrap(sealed, 2 + n, 4).getInt();
        return opened.getIfPresent(new Version(scope, version)) != null;
    }

    /** {@link #seal} as text: {@code enc1:} and URL-safe base64. */
    public String sealText(String scope, String purpose, String plaintext) {
        return TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(seal(scope, purpose, plaintext.getBytes(StandardCharsets.UTF_8)));
    }

    public String openText(String purpose, String sealed) {
        if (!isSealedText(sealed)) throw new DataKeyException.Mismatch("not a sealed value");
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(sealed.substring(TEXT_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new DataKeyException.Mismatch("not a sealed value (not base64)");
        }
        return new String(open(purpose, raw), StandardCharsets.UTF_8);
    }

    public static boolean isSealedText(String s) {
        return s != null && s.startsWith(TEXT_PREFIX);
    }

    /**
     * A keyed blind index of {@code value} in {@code scope}: equal values give equal indexes, and nobody without
     * the scope's first key can compute or invert one. Made with the scope's version 1, which lives as long as
     * the scope, so indexes survive rotation and die with the shred. Empty when the scope has no keys (nothing
     * was sealed for it) — a lookup never creates keys.
     */
    public Optional<String> blindIndex(String scope, String value, boolean create) {
        if (create) primary(scope);
        else if (repo.versions(scope).isEmpty()) return Optional.empty();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(open(scope, 1).indexKey(), "HmacSHA256"));
            byte[] h = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 12)));
        } catch (GeneralSecurityException e) {
            throw new DataKeyException(scope + ": cannot index (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The scope's keys, newest first (metadata: the records carry the wrapped key, which callers must not show). */
    public List<DataKeyRecord> versions(String scope) {
        return repo.versions(scope);
    }

    /**
     * Destroys every version of the scope (crypto-shredding) and forgets them here. Another node may keep reading
     * with a key it had unwrapped for at most {@code cache_ttl}. Returns how many versions were destroyed now.
     */
    public int destroy(String scope) {
        int n = repo.destroy(scope, clock.instant());
        opened.asMap().keySet().removeIf(v -> v.scope().equals(scope));
        primaries.invalidate(scope);
        return n;
    }

    /**
     * Re-wraps every data key not wrapped by the current KEK, {@code batch} at a time, while the gateway runs:
     * the keys themselves do not change, so nothing sealed is touched and every node keeps opening. Idempotent
     * and resumable (a row is re-wrapped only if it is still wrapped by the KEK it was read with). Returns how
     * many keys were re-wrapped; on a failure, those re-wrapped so far stay done and the exception says how many.
     */
    public int rotateKek(int batch) {
        Kek to = keks.current();
        int done = 0;
        while (true) {
            List<DataKeyRecord> todo = repo.wrappedByOther(to.id(), batch);
            if (todo.isEmpty()) return done;
            int before = done;
            for (DataKeyRecord k : todo) {
                try {
                    byte[] key = keks.byId(k.kekId()).unwrap(Base64.getDecoder().decode(k.wrappedKey()), context(k.scope(), k.version()));
                    String wrapped = Base64.getEncoder().encodeToString(to.wrap(key, context(k.scope(), k.version())));
                    Arrays.fill(key, (byte) 0);
                    if (repo.rewrap(k.scope(), k.version(), k.kekId(), to.id(), wrapped)) done++;
                } catch (DataKeyException | StoreException e) {
                    throw new DataKeyException("rotate-kek stopped after " + done + " keys at " + k.scope() + " v" + k.version() + ": " + e.getMessage()
                            + " (run it again to resume)", e);
                }
            }
            if (done == before) return done; // another rotation took these rows; what is left is theirs to finish
        }
    }

    private Primary primary(String scope) {
        Primary p = primaries.get(scope, this::loadPrimary);
        if (p.createdAt().plus(config.rotateEvery()).isBefore(clock.instant())) {
            p = create(scope, p.version() + 1);
            repo.retireBefore(scope, p.version(), clock.instant());
            primaries.put(scope, p);
        }
        return p;
    }

    private Primary loadPrimary(String scope) {
        List<DataKeyRecord> versions = repo.versions(scope);
        if (versions.isEmpty()) return create(scope, 1);
        DataKeyRecord newest = versions.getFirst();
        if (newest.state().equals(DataKeyRecord.DESTROYED)) throw new DataKeyException.Shredded(scope); // a deleted subject gets no new key
        return new Primary(newest.version(), newest.createdAt());
    }

    /** Makes version {@code version}; if another node made it first, theirs is used. */
    private Primary create(String scope, int version) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        Instant now = clock.instant();
        Kek kek = keks.current();
        try {
            String wrapped = Base64.getEncoder().encodeToString(kek.wrap(key, context(scope, version)));
            if (repo.insert(new DataKeyRecord(scope, version, DataKeyRecord.ACTIVE, kek.id(), wrapped, now, null, null))) {
                opened.put(new Version(scope, version), unwrapped(scope, version, key)); // no KEK call to use the key just made
                return new Primary(version, now);
            }
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        DataKeyRecord theirs = repo.versions(scope).stream().filter(k -> k.version() == version).findFirst()
                .orElseThrow(() -> new DataKeyException(scope + " v" + version + ": made by another node but not found"));
        if (theirs.state().equals(DataKeyRecord.DESTROYED)) throw new DataKeyException.Shredded(scope);
        return new Primary(version, theirs.createdAt());
    }

    private Open open(String scope, int version) {
        return opened.get(new Version(scope, version), v -> {
            DataKeyRecord k = repo.versions(scope).stream().filter(r -> r.version() == version).findFirst()
                    .orElseThrow(() -> new DataKeyException.Mismatch(scope + " v" + version + ": no such data key"));
            if (k.state().equals(DataKeyRecord.DESTROYED) || k.wrappedKey() == null) throw new DataKeyException.Shredded(scope);
            byte[] key = keks.byId(k.kekId()).unwrap(Base64.getDecoder().decode(k.wrappedKey()), context(scope, version));
            try {
                return unwrapped(scope, version, key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        });
    }

    private static Open unwrapped(String scope, int version, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] indexKey = mac.doFinal("bastion blind index".getBytes(StandardCharsets.UTF_8));
            return new Open(new AesGcmJce(key), indexKey);
        } catch (GeneralSecurityException e) {
            throw new DataKeyException(scope + " v" + version + ": unusable data key (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String context(String scope, int version) {
        return scope + "#" + version;
    }

    private static byte[] header(String scope, int version) {
        byte[] s = scope.getBytes(StandardCharsets.UTF_8);
        if (s.length > 255) throw new DataKeyException("scope too long");
        return ByteBuffer.allocate(2 + s.length + 4).put(FORMAT).put((byte) s.length).put(s).putInt(version).array();
    }

    private static byte[] ad(byte[] header, String purpose) {
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(header.length + 1 + p.length).put(header).put((byte) 0).put(p).array();
    }
}
