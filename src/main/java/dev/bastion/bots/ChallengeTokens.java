package dev.bastion.bots;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import com.google.crypto.tink.subtle.PrfHmacJce;
import com.google.crypto.tink.subtle.PrfMac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie a solved challenge leaves: {@code v1.<expiry epoch seconds>.<MAC>}, the MAC (Tink, HMAC-SHA256) over the
 * client address, a hash of the user agent and the expiry. So a cookie is good only until it expires, only from the
 * address and user agent it was given to (a cookie copied to a bot farm fails on every other address), and cannot be
 * made without the key. It carries nothing about the person.
 */
public final class ChallengeTokens {
    static {
        try {
            MacConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Mac mac;
    private final Clock clock;
    private final Duration ttl;

    private ChallengeTokens(Mac mac, Clock clock, Duration ttl) {
        this.mac = mac;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** Tokens signed with the Tink MAC keyset {@code keysetJson}. */
    public static ChallengeTokens fromKeyset(String keysetJson, Clock clock, Duration ttl) throws GeneralSecurityException {
        KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
        return new ChallengeTokens(handle.getPrimitive(RegistryConfiguration.get(), Mac.class), clock, ttl);
    }

    /**
     * Tokens signed with HMAC-SHA256 under {@code key} (32 bytes), e.g. derived from a secret every node shares, so
     * a cookie set by one node is good on all of them.
     */
    public static ChallengeTokens fromSecret(byte[] key, Clock clock, Duration ttl) {
        if (key.length < 32) throw new IllegalArgumentException("a challenge key has at least 32 bytes");
        try {
            return new ChallengeTokens(new PrfMac(new PrfHmacJce("HMACSHA256", new SecretKeySpec(key, "HMAC")), 32), clock, ttl);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a challenge key", e);
        }
    }

    /** Tokens signed with a key made now, held in memory only. */
    public static ChallengeTokens generated(Clock clock, Duration ttl) {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG);
            return new ChallengeTokens(handle.getPrimitive(RegistryConfiguration.get(), Mac.class), clock, ttl);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a challenge key", e);
        }
    }

    /** A new keyset, as Tink JSON, for {@code bots.challenge_key}. */
    public static String newKeysetJson() throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG), InsecureSecretKeyAccess.get());
    }

    /** The key, for the proof-of-work challenges it also signs (under another label). */
    Mac mac() {
        return mac;
    }

    Clock clock() {
        return clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A token for {@code ip} and {@code userAgent}, valid for the configured time from now. */
    public String issue(String ip, String userAgent) {
        long expiry = clock.millis() / 1000 + ttl.toSeconds();
        try {
            return "v1." + expiry + "." + B64.encodeToString(mac.computeMac(input(ip, userAgent, expiry)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a challenge token", e);
        }
    }

    /** Whether {@code token} was issued by this key to {@code ip} and {@code userAgent} and has not expired. */
    public boolean valid(String token, String ip, String userAgent) {
        if (token == null || token.length() > 200) return false;
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals("v1") || parts[1].isEmpty() || parts[1].length() > 12 || !parts[1].chars().allMatch(Character::isDigit)) return false;
        long expiry = Long.parseLong(parts[1]);
        if (expiry <= clock.millis() / 1000) return false;
        try {
            mac.verifyMac(B64D.decode(parts[2]), input(ip, userAgent, expiry));
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] input(String ip, String userAgent, long expiry) {
        return ("bastion.bot_challenge.v1\n" + ip + "\n" + uaHash(userAgent) + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
    }

    /** The user agent as a MAC binds it: its SHA-256, so a long header costs one hash and is never kept. */
    static String uaHash(String userAgent) {
        return B64.encodeToString(sha256((userAgent == null ? "" : userAgent).getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
