package dev.bastion.detect.secrets;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Values that stand where a secret would but are not one: documentation placeholders ({@code changeme},
 * {@code <your-key>}, {@code REPLACE_ME}, {@code xxxxxxxx}), masks ({@code ****}), empty words ({@code null}),
 * and references to where the real secret lives ({@code ${DB_PASSWORD}}, {@code $DB_PASSWORD},
 * {@code %DB_PASSWORD%}, {@code {{ secrets.x }}}, {@code process.env.X}). Reporting those would teach users to
 * ignore the detector.
 */
final class Placeholders {
    private Placeholders() {}

    private static final Set<String> WORDS = Set.of(
            "changeme", "password", "passw0rd", "secret", "null", "none", "nil", "undefined", "true", "false", "empty",
            "redacted", "example", "placeholder", "default", "todo", "tbd", "fixme", "dummy", "test", "testing", "sample",
            "notset", "unset", "hidden", "masked", "secretkey", "apikey", "apitoken", "accesstoken", "yourpassword");
    private static final List<String> FRAGMENTS = List.of(
            "changeme", "change_me", "change-me", "replace_me", "replaceme", "replace-me", "placeholder", "example",
            "your_", "your-", "yourapi", "yourkey", "yoursecret", "yourtoken", "yourpass", "redacted", "dummy",
            "xxxx", "****", "....", "${", "{{", "}}", "$(", "<", ">", "process.env", "os.environ", "getenv", "env(");
    private static final List<String> REFERENCE_PREFIXES = List.of("env:", "env.", "vault:", "file:", "secrets.");

    static boolean isPlaceholder(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (WORDS.contains(v)) return true;
        for (String f : FRAGMENTS) {
            if (v.contains(f)) return true;
        }
        for (String p : REFERENCE_PREFIXES) {
            if (v.startsWith(p)) return true;
        }
        return isVariable(v) || oneCharRepeated(v);
    }

    /** {@code $DB_PASSWORD} or {@code %DB_PASSWORD%}; a password that merely starts with {@code $} is still a password. */
    private static boolean isVariable(String v) {
        boolean percent = v.length() > 2 && v.startsWith("%") && v.endsWith("%");
        if (!percent && !v.startsWith("$")) return false;
        int end = percent ? v.length() - 1 : v.length();
        if (end < 2 || !(Chars.isLower(v.charAt(1)) || v.charAt(1) == '_')) return false;
        for (int i = 2; i < end; i++) {
            char c = v.charAt(i);
            if (!Chars.isLower(c) && !Chars.isDigit(c) && c != '_') return false;
        }
        return true;
    }

    private static boolean oneCharRepeated(String v) {
        for (int i = 1; i < v.length(); i++) {
            if (v.charAt(i) != v.charAt(0)) return false;
        }
        return true;
    }
}
