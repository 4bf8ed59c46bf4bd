package dev.bastion.authn.jose;

/**
 * Strict base64url (RFC 7515 §2): only {@code [A-Za-z0-9_-]}, no padding, no whitespace, and canonical —
 * the unused low bits of the last character must be zero. A lenient decoder lets one token have many
 * spellings (and some libraries strip "invalid" characters, so the signed bytes are not the bytes that
 * were sent); Bastion accepts exactly one spelling.
 */
public final class Base64Url {
    private Base64Url() {}

    public static boolean isCanonical(CharSequence s) {
        int n = s.length();
        if (n % 4 == 1) return false;
        int last = 0;
        for (int i = 0; i < n; i++) {
            int v = value(s.charAt(i));
            if (v < 0) return false;
            last = v;
        }
        // 2 chars carry 8 bits (4 unused), 3 chars carry 16 bits (2 unused).
        if (n % 4 == 2) return (last & 0x0f) == 0;
        if (n % 4 == 3) return (last & 0x03) == 0;
        return true;
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    }
}
