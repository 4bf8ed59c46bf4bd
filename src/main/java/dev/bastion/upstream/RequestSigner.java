package dev.bastion.upstream;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Service-to-service request signatures (Z5): HMAC-SHA256 with a secret shared between Bastion and one
 * upstream. Bastion adds
 * <pre>
 *   X-Bastion-Timestamp: 1764000000                       (Unix seconds)
 *   X-Bastion-Signature: v1=HEX(HMAC-SHA256(secret, canonical))
 * </pre>
 * over the canonical string
 * <pre>
 *   "v1" LF timestamp LF METHOD LF path-and-query-as-sent LF HEX(SHA-256(body))
 * </pre>
 * An upstream recomputes it, compares in constant time, and refuses timestamps outside its replay window
 * (default here: 5 minutes either way) — {@link #verify} is that check, usable as-is on the Java side.
 */
public final class RequestSigner {
    public static final String TIMESTAMP_HEADER = "X-Bastion-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Bastion-Signature";
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    private static final byte[] EMPTY_SHA256 = sha256(new byte[0]);

    private RequestSigner() {}

    public static String canonical(long timestamp, String method, String pathAndQuery, byte[] body) {
        byte[] hash = body == null || body.length == 0 ? EMPTY_SHA256 : sha256(body);
        return "v1\n" + timestamp + "\n" + method + "\n" + pathAndQuery + "\n" + HexFormat.of().formatHex(hash);
    }

    public static String signature(byte[] secret, long timestamp, String method, String pathAndQuery, byte[] body) {
        return "v1=" + HexFormat.of().formatHex(hmac(secret, canonical(timestamp, method, pathAndQuery, body)));
    }

    /** The receiver's check: signature matches and the timestamp is within {@code window} of {@code now}. */
    public static boolean verify(byte[] secret, String timestampHeader, String signatureHeader, String method, String pathAndQuery,
                                 byte[] body, Instant now, Duration window) {
        if (timestampHeader == null || signatureHeader == null || !signatureHeader.startsWith("v1=")) return false;
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > window.toSeconds()) return false;
        byte[] expected = signature(secret, ts, method, pathAndQuery, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
