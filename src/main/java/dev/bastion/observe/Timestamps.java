package dev.bastion.observe;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with microseconds ({@code 2026-12-06T09:55:42.026092Z}) for lines written on the
 * hot path: the date and time up to the second are formatted once per second per thread, the fraction is
 * appended as digits. ({@code Instant.toString} formats every field through a {@code DateTimeFormatter} on
 * each call.)
 */
final class Timestamps {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private static final class Cached {
        long second = Long.MIN_VALUE;
        String text;
    }

    private static final ThreadLocal<Cached> CACHE = ThreadLocal.withInitial(Cached::new);

    private Timestamps() {}

    static StringBuilder append(StringBuilder sb, Instant t) {
        Cached c = CACHE.get();
        long second = t.getEpochSecond();
        if (second != c.second) {
            c.text = SECONDS.format(t);
            c.second = second;
        }
        sb.append(c.text).append('.');
        int micros = t.getNano() / 1000;
        for (int div = 100_000; div > 0; div /= 10) sb.append((char) ('0' + micros / div % 10));
        return sb.append('Z');
    }
}
