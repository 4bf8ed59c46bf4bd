package dev.bastion.detect.secrets;

import java.util.zip.CRC32;

/**
 * GitHub's token checksum: the last 6 chars of a classic token's 36-char body are the CRC32 of the first 30,
 * base62-encoded (alphabet {@code 0-9A-Za-z}) and left-padded with {@code 0}. Checking it turns "40 chars
 * that start with ghp_" into "a token GitHub issued", so random strings and typos are not reported.
 */
final class GitHubChecksum {
    static final int RANDOM_LENGTH = 30;
    static final int CHECKSUM_LENGTH = 6;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private GitHubChecksum() {}

    /** Whether the 36 chars at {@code text[from]} carry a valid checksum (callers have checked they are base62). */
    static boolean valid(String text, int from) {
        CRC32 crc = new CRC32();
        for (int i = from; i < from + RANDOM_LENGTH; i++) crc.update(text.charAt(i));
        long value = crc.getValue();
        // Compare from the last digit backwards: no string is built.
        for (int i = from + RANDOM_LENGTH + CHECKSUM_LENGTH - 1; i >= from + RANDOM_LENGTH; i--) {
            if (text.charAt(i) != BASE62.charAt((int) (value % 62))) return false;
            value /= 62;
        }
        return value == 0;
    }
}
