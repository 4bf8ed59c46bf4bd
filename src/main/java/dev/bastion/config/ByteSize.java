package dev.bastion.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes, written in the config as a plain number or with a binary unit: {@code 16KiB}, {@code 1MiB}. */
public record ByteSize(long bytes) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

    public ByteSize {
        if (bytes <= 0) throw new IllegalArgumentException("size: " + bytes + " (expected: > 0)");
    }

    public static ByteSize parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected: bytes, or a number with KiB, MiB or GiB, e.g. 1MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return new ByteSize(switch (unit) {
            case "KiB" -> n * 1024;
            case "MiB" -> n * 1024 * 1024;
            case "GiB" -> n * 1024 * 1024 * 1024;
            default -> n;
        });
    }

    public static ByteSize ofKiB(long kib) {
        return new ByteSize(kib * 1024);
    }

    public int asInt() {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
