package dev.bastion.chain;

/** Minimal JSON string escaping for log lines built by hand on the hot path. */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {}

    /** Appends {@code "value"} (or {@code null}) with every control character, quote and backslash escaped. */
    public static StringBuilder string(StringBuilder sb, String value) {
        if (value == null) return sb.append("null");
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** Appends a string, number, boolean, null, or a map or collection of those, as JSON. */
    public static StringBuilder value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Number n when !(n instanceof Double d && (d.isNaN() || d.isInfinite())) -> sb.append(n);
            case Boolean b -> sb.append(b);
            case java.util.Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, String.valueOf(e.getKey())).append(':');
                    value(sb, e.getValue());
                }
                sb.append('}');
            }
            case java.util.Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) sb.append(',');
                    first = false;
                    value(sb, o);
                }
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
        return sb;
    }
}
