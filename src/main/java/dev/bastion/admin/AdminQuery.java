package dev.bastion.admin;

import dev.bastion.admin.AdminAnswers.BadParameter;
import dev.bastion.chain.Exchange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The query parameters of one admin request, and the one way every list pages: {@code ?limit=} (1..500, default 50)
 * and {@code ?cursor=} (opaque, from the previous page's {@code next_cursor}); the answer is
 * {@code {"items": [...], "next_cursor": "…" | null}}. A malformed parameter is a {@link BadParameter} naming it.
 */
public final class AdminQuery {
    public static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 500;
    private static final int MAX_VALUE = 512;

    private final Map<String, String> values;

    private AdminQuery(Map<String, String> values) {
        this.values = values;
    }

    public static AdminQuery of(Exchange ex) {
        return of(ex, null);
    }

    /**
     * As {@link #of(Exchange)}, strictly: a parameter the endpoint does not take is a {@link BadParameter} listing the
     * ones it does (the numbers' endpoints, whose windows and filters a typo would silently widen).
     *
     * @param allowed the names the endpoint takes; null takes any
     */
    public static AdminQuery of(Exchange ex, Set<String> allowed) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.rawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), "parameter name");
                if (allowed != null && !allowed.contains(name)) {
                    throw new BadParameter("query", "an unknown parameter; this endpoint takes " + String.join(", ", allowed.stream().sorted().toList()));
                }
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
                if (out.putIfAbsent(name, value) != null) throw new BadParameter(name, "given more than once");
            }
        }
        return new AdminQuery(out);
    }

    private static String decode(String s, String name) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(name, "not valid percent-encoding");
        }
    }

    /** The parameter's value, or null when absent or empty. */
    public String string(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) return null;
        if (v.length() > MAX_VALUE) throw new BadParameter(name, "longer than " + MAX_VALUE + " characters");
        return v;
    }

    /** One of {@code allowed}, or null when absent. */
    public String oneOf(String name, Set<String> allowed) {
        String v = string(name);
        if (v != null && !allowed.contains(v)) throw new BadParameter(name, "expected one of " + String.join(", ", allowed.stream().sorted().toList()));
        return v;
    }

    /** An RFC 3339 time, or null when absent. */
    public Instant instant(String name) {
        String v = string(name);
        if (v == null) return null;
        try {
            if (!v.endsWith("Z")) throw new DateTimeParseException("not UTC", v, 0); // one spelling: the same instant has one cursor, one cache key
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, "expected an RFC 3339 UTC time such as 2026-01-31T12:00:00Z");
        }
    }

    public int limit() {
        String v = string("limit");
        if (v == null) return DEFAULT_LIMIT;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new BadParameter("limit", "expected a whole number from 1 to " + MAX_LIMIT);
    }

    /** Where the page starts: the position the cursor carries, 0 without one. */
    public int offset() {
        String c = string("cursor");
        if (c == null) return 0;
        try {
            String s = new String(Base64.getUrlDecoder().decode(c), StandardCharsets.US_ASCII);
            if (s.startsWith("o:")) {
                int n = Integer.parseInt(s.substring(2));
                if (n > 0) return n;
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException too: said below
        }
        throw new BadParameter("cursor", "not a cursor from a previous page");
    }

    /** One page of {@code all} (already filtered and in order) as {@code {items, next_cursor}}. */
    public <T> JsonObject page(List<T> all, Function<T, JsonObject> json) {
        int from = offset(), limit = limit();
        JsonArray items = new JsonArray();
        for (int i = from; i < Math.min(all.size(), from + limit); i++) items.add(json.apply(all.get(i)));
        int next = from + limit;
        return new JsonObject().put("items", items).put("next_cursor", next < all.size() ? cursor(next) : null);
    }

    /** The path's {@code i}-th segment ({@code /admin/v1/keys/ID} has ID at 3), or "" when it has fewer. */
    public static String segment(Exchange ex, int i) {
        String[] parts = ex.path().substring(1).split("/");
        return i < parts.length ? parts[i] : "";
    }

    static String cursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.US_ASCII));
    }
}
