package dev.bastion.config;

import java.util.regex.Pattern;

/**
 * Where a secret value comes from: {@code env:NAME} or {@code file:PATH}. The config never holds a
 * secret value itself, so a config file can be committed, shared and printed without leaking one.
 */
public record SecretRef(Kind kind, String target) {
    public enum Kind { ENV, FILE }

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public SecretRef {
        if (kind == Kind.ENV && !ENV_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException("'env:" + target + "' does not name an environment variable");
        }
        if (kind == Kind.FILE && target.isBlank()) {
            throw new IllegalArgumentException("'file:' needs a path");
        }
    }

    public static SecretRef parse(String text) {
        if (text.startsWith("env:")) return new SecretRef(Kind.ENV, text.substring(4));
        if (text.startsWith("file:")) return new SecretRef(Kind.FILE, text.substring(5));
        // Do not echo the value: it may be the secret itself, pasted where a reference belongs.
        throw new IllegalArgumentException("a secret must be a reference, env:NAME or file:PATH (a literal value is refused so that config files never hold secrets)");
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + ":" + target;
    }
}
