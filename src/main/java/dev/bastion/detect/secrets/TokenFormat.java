package dev.bastion.detect.secrets;

import java.util.List;

/**
 * One vendor token format: the literal prefixes it starts with, which chars may not precede it (so
 * {@code xAKIA…} inside a longer word is not a key), and a parser for what follows the prefix.
 *
 * @param type     the entity type reported
 * @param prefixes literal, case-sensitive prefixes
 * @param boundary chars that may not come right before the prefix
 * @param body     reads the rest of the token
 */
record TokenFormat(String type, List<String> prefixes, Chars.CharClass boundary, Body body) {
    /** Parses what follows the prefix. It must not read past the run of the format's own chars, so scans stay linear. */
    @FunctionalInterface
    interface Body {
        /** The end (exclusive) of the whole token when {@code text[from…]} completes one, else -1. */
        int end(String text, int from);
    }
}
