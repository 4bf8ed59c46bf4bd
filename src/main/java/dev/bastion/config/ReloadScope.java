package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload may change. {@code routes}, {@code upstreams} and {@code models} are assembled into the request
 * path's snapshot and are rebuilt on every reload; every other section feeds something built once at start (the
 * listeners' sockets, the store, Redis, the audit writer, the signing keys, the limiters' backend, …), so a reload
 * that changes one is refused, naming the YAML path, rather than silently ignored.
 */
public final class ReloadScope {
    /** The top-level sections a reload applies (YAML names). */
    public static final Set<String> LIVE = Set.of("routes", "upstreams", "models");

    private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private ReloadScope() {}

    /** The YAML paths of settings that differ between the running and the new config and can only change with a restart; empty when the reload may go ahead. */
    public static List<String> restartOnly(BastionConfig running, BastionConfig next) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : BastionConfig.class.getRecordComponents()) {
            String name = yamlName(c);
            if (!LIVE.contains(name)) diff(name, value(c, running), value(c, next), out);
        }
        return out;
    }

    /** Descends into nested records so the message names the key that changed ({@code listeners.public.port}), not only its section. */
    private static void diff(String path, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) return;
        if (a != null && b != null && a.getClass() == b.getClass() && a.getClass().isRecord()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) diff(path + "." + yamlName(c), value(c, a), value(c, b), out);
            return;
        }
        out.add(path);
    }

    private static String yamlName(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        if (p == null) {
            // The annotation may sit on the component itself (it is copied to the field and the constructor parameter).
            try {
                p = c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                p = null;
            }
        }
        return p != null && !p.value().isEmpty() ? p.value() : SNAKE.translate(c.getName());
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }
}
