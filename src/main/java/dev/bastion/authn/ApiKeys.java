package dev.bastion.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The API key format: {@code bst_} + 32 base62 characters of randomness (190 bits) + 6 base62
 * characters of CRC32 checksum. The prefix lets secret scanners and log filters recognise a Bastion
 * key; the checksum lets the gateway refuse typos and random guesses without touching the store.
 * Only {@link #hash(String)} of a key is ever stored: the key carries 190 bits of entropy, so a fast
 * hash is enough (there is nothing to brute-force, unlike a password).
 */
public final class ApiKeys {
    public static final String PREFIX = "bst_";
    static final int RANDOM_CHARS = 32;
    static final int CHECKSUM_CHARS = 6;
    public static final int LENGTH = PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private ApiKeys() {}

    /** A new random key. Shown once to the operator, then only its hash exists. */
    public static String generate() {
        String body = Credentials.randomBase62(RANDOM_CHARS);
        return PREFIX + body + checksum(body);
    }

    /** A public key id, {@code key_} + 16 base62 characters; not secret. */
    public static String newId() {
        return "key_" + Credentials.randomBase62(16);
    }

    /** Whether the text has the shape of a Bastion key (it may still be unknown or revoked). */
    public static boolean wellFormed(String key) {
        if (key.length() != LENGTH || !key.startsWith(PREFIX)) return false;
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        String body = key.substring(PREFIX.length(), PREFIX.length() + RANDOM_CHARS);
        return checksum(body).equals(key.substring(PREFIX.length() + RANDOM_CHARS));
    }

    /** SHA-256 of the key, lower-case hex: the only form in which a key is stored. */
    public static String hash(String key) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.US_ASCII)));
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (v % 62)];
            v /= 62;
        }
        return new String(out);
    }
}
