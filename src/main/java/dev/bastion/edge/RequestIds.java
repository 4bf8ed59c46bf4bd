package dev.bastion.edge;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request IDs. An inbound {@code X-Request-Id} is kept when well formed (8–128 characters of
 * {@code [A-Za-z0-9._:-]}), so a caller can correlate its own logs; anything else — too long, spaces,
 * control characters that could forge log lines — is replaced by a fresh id.
 */
public final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    public static String acceptOrGenerate(String inbound) {
        return inbound != null && wellFormed(inbound) ? inbound : generate();
    }

    public static boolean wellFormed(String id) {
        int n = id.length();
        if (n < 8 || n > 128) return false;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) return false;
        }
        return true;
    }

    /** 128 random bits as 32 hex characters. Not a secret, so a fast PRNG is fine. */
    public static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong(), b = r.nextLong();
        char[] out = new char[32];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (a & 0xf)];
            a >>>= 4;
            out[16 + i] = HEX[(int) (b & 0xf)];
            b >>>= 4;
        }
        return new String(out);
    }
}
