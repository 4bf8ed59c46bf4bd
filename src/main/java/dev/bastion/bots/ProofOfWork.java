package dev.bastion.bots;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Mac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * The proof-of-work challenge: {@code p1.<nonce>.<bits>.<expiry>.<MAC>}, the MAC (the challenge key, under its own
 * label) over a random nonce, the client address, a hash of the user agent, the difficulty and the expiry. The
 * answer is {@code <challenge>.<counter>}, solved when SHA-256 of that whole string has {@code bits} leading zero
 * bits. So an answer cannot be made up (the MAC), made easier (the difficulty is signed), used after
 * {@link #LIFE} (the expiry), carried to another address or user agent (both are bound), or used twice (its nonce
 * is remembered until it expires).
 *
 * <p>The set of used nonces is this node's, at most {@value #MAX_USED} (the oldest go first): a replay on
 * another node, or after that many newer answers, gets one more pass cookie for the same address and user agent —
 * what the first answer already gave them.
 */
final class ProofOfWork {
    /** How long a challenge can be answered: a browser solves it in seconds; a page left open longer reloads. */
    static final Duration LIFE = Duration.ofMinutes(5);
    static final int MAX_USED = 100_000;

    /** What became of an answer; the name (lower case) goes on the access line. */
    enum Outcome { SOLVED, MALFORMED, EXPIRED, FORGED, UNSOLVED, REPLAYED }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Mac mac;
    private final Clock clock;
    private final int bits;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Boolean> used;

    ProofOfWork(Mac mac, Clock clock, int bits) {
        this.mac = mac;
        this.clock = clock;
        this.bits = bits;
        this.used = Caffeine.newBuilder().maximumSize(MAX_USED).expireAfterWrite(LIFE).build();
    }

    int bits() {
        return bits;
    }

    /** A new challenge for {@code ip} and {@code userAgent}. */
    String issue(String ip, String userAgent) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String n = B64.encodeToString(nonce);
        long expiry = clock.millis() / 1000 + LIFE.toSeconds();
        try {
            return "p1." + n + "." + bits + "." + expiry + "." + B64.encodeToString(mac.computeMac(input(n, ip, userAgent, bits, expiry)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a challenge", e);
        }
    }

    /** Checks an answer from {@code ip} and {@code userAgent}; a solved one is used up. */
    Outcome redeem(String answer, String ip, String userAgent) {
        if (answer == null || answer.length() > 300) return Outcome.MALFORMED;
        String[] p = answer.split("\\.", -1);
        if (p.length != 6 || !p[0].equals("p1") || p[1].length() != 22 || !digits(p[2], 2) || !digits(p[3], 12) || !digits(p[5], 12)) return Outcome.MALFORMED;
        int signedBits = Integer.parseInt(p[2]);
        long expiry = Long.parseLong(p[3]);
        try {
            mac.verifyMac(B64D.decode(p[4]), input(p[1], ip, userAgent, signedBits, expiry));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Outcome.FORGED; // made up, altered, or issued to another address or user agent
        }
        if (expiry <= clock.millis() / 1000) return Outcome.EXPIRED;
        if (leadingZeroBits(ChallengeTokens.sha256(answer.getBytes(StandardCharsets.US_ASCII))) < signedBits) return Outcome.UNSOLVED;
        // last, so only a solved answer uses its nonce up
        return used.asMap().putIfAbsent(p[1], Boolean.TRUE) == null ? Outcome.SOLVED : Outcome.REPLAYED;
    }

    static int leadingZeroBits(byte[] hash) {
        int zeros = 0;
        for (byte b : hash) {
            if (b == 0) {
                zeros += 8;
                continue;
            }
            return zeros + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return zeros;
    }

    private static boolean digits(String s, int max) {
        return !s.isEmpty() && s.length() <= max && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static byte[] input(String nonce, String ip, String userAgent, int bits, long expiry) {
        return ("bastion.bot_pow.v1\n" + nonce + "\n" + ip + "\n" + ChallengeTokens.uaHash(userAgent) + "\n" + bits + "\n" + expiry)
                .getBytes(StandardCharsets.UTF_8);
    }
}
