package dev.bastion.admin;

import dev.bastion.admin.AdminAnswers.BadParameter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Typed reads of an admin request's JSON body; a wrong type is a {@link BadParameter} naming the field, never its value. */
final class AdminBody {
    private AdminBody() {}

    static String text(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (v == null) return null;
        if (!(v instanceof String s) || s.isEmpty() || s.length() > 256) throw new BadParameter(key, "expected a string of 1 to 256 characters");
        return s;
    }

    static String requiredText(JsonObject b, String key) {
        String s = text(b, key);
        if (s == null) throw new BadParameter(key, "required");
        return s;
    }

    static Set<String> strings(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (!(v instanceof JsonArray a) || a.isEmpty() || a.size() > 32) throw new BadParameter(key, "expected an array of 1 to 32 strings");
        Set<String> out = new LinkedHashSet<>();
        for (Object o : a) {
            if (!(o instanceof String s)) throw new BadParameter(key, "expected an array of strings");
            out.add(s);
        }
        return out;
    }

    static Instant time(JsonObject b, String key) {
        String s = text(b, key);
        if (s == null) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadParameter(key, "expected an RFC 3339 UTC time such as 2026-01-31T12:00:00Z");
        }
    }

    /** Runs a service call whose {@link IllegalArgumentException} starts with the field it refused ("scope: …"): said without the value. */
    static <T> T checked(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (BadParameter e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            int colon = m.indexOf(':');
            throw new BadParameter(colon > 0 && colon < 40 ? m.substring(0, colon) : "body", "not valid");
        }
    }
}
