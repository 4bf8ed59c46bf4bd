package dev.bastion.audit;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.secrets.SecretDetectors;
import dev.bastion.store.AuditRow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns events into what is stored, and is the one place that keeps secrets, tokens and prompts out of the
 * trail: every string — schema members and extra fields — must look like an id (printable ASCII, no spaces,
 * quotes or brackets, at most 200 characters) and must not be something a secret detector recognises;
 * anything else is replaced by a marker ({@code [text]}, {@code [long]}, {@code [secret:TYPE]}). Extra fields
 * are bounded (at most {@value #MAX_FIELDS}, keys {@code [a-z0-9_.]}); nested maps are flattened
 * ({@code entities.EMAIL}), lists joined with commas (at most {@value #MAX_LIST}), decimals kept as strings.
 */
public final class AuditRecords {
    static final int MAX_FIELDS = 32;
    static final int MAX_LIST = 16;
    static final int MAX_STRING = 200;
    private static final List<Detector> DETECTORS = SecretDetectors.all();
    private static final long PREFIX = ThreadLocalRandom.current().nextLong() >>> 16;
    private static final AtomicLong COUNTER = new AtomicLong();

    private AuditRecords() {}

    /** A unique event id: a random per-process prefix and a counter (no entropy spent per event). */
    static String newId() {
        return Long.toString(PREFIX, 36) + "-" + Long.toString(COUNTER.incrementAndGet(), 36);
    }

    /** The event as it is stored, checked. */
    public static AuditRow.Unchained toRow(String id, AuditEvent e) {
        AuditEvent.Actor a = e.actor();
        return new AuditRow.Unchained(id, e.ts(), e.type().wire(), e.severity().wire(), word(a.kind()), safe(a.id()), safe(a.org()),
                safe(e.action()), safe(e.target()), word(e.result()), safe(e.reason()), safe(e.requestId()), safe(e.traceId()), safe(e.ip()),
                fieldsJson(e.fields()));
    }

    /**
     * An event from the name and flat fields of {@link dev.bastion.observe.AuditLog#event}: known fields move to
     * the schema's members ({@code request_id}, {@code org}/{@code org_id}, {@code principal}/{@code caller}, {@code ip},
     * {@code host}/{@code port}, {@code ref}, {@code reason}, {@code decision}), the rest stay extra fields.
     */
    public static AuditEvent fromLegacy(String name, Map<String, ?> in) {
        AuditType type = AuditType.ofLegacy(name);
        Map<String, Object> f = new LinkedHashMap<>();
        if (in != null) in.forEach((k, v) -> { if (v != null) f.put(k, v); });
        String requestId = str(f.remove("request_id"));
        String traceId = str(f.remove("trace_id"));
        String org = str(f.remove("org"));
        if (org == null) org = str(f.remove("org_id"));
        String principal = str(f.remove("principal"));
        // egress_denied's "caller" is which of Bastion's own clients called out (upstream, idp, classifier), not a principal
        if (principal == null && type != AuditType.EGRESS_DENIED) principal = str(f.remove("caller"));
        String ip = str(f.remove("ip"));
        if (ip == null) ip = str(f.remove("client_ip"));
        String target;
        Object host = f.get("host");
        if (host != null) {
            f.remove("host");
            Object port = f.remove("port");
            target = port == null ? str(host) : host + ":" + port;
        } else if (f.get("ref") != null) {
            target = str(f.remove("ref"));
        } else {
            target = str(f.get("rule") != null ? f.get("rule") : f.get("route"));
        }
        String reason = str(f.remove("reason"));
        String result = null;
        Object decision = f.get("decision");
        if (decision instanceof String d) {
            f.remove("decision");
            result = switch (d) {
                case "allow", "allowed" -> "allowed";
                case "deny", "denied", "block", "blocked" -> "denied";
                case "report" -> "reported";
                default -> d;
            };
        }
        String action = type == AuditType.OTHER ? name : f.get("action") instanceof String s ? s : type.wire().substring(type.wire().indexOf('.') + 1);
        AuditEvent.Actor actor = principal == null && org == null ? AuditEvent.Actor.SYSTEM : new AuditEvent.Actor("principal", principal, org);
        return new AuditEvent(System.currentTimeMillis(), type, null, actor, action, target, result, reason, requestId, traceId, ip, f);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** A schema word (kind, result): lower-case letters and underscores only. */
    private static String word(String s) {
        if (s == null) return null;
        return s.matches("[a-z_]{1,16}") ? s : "[text]";
    }

    /** The string if it is safe to store as an id, else a marker. */
    public static String safe(String s) {
        if (s == null) return null;
        if (s.length() > MAX_STRING) return "[long]";
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '\'' || c == '<' || c == '>' || c == '{' || c == '}' || c == '`') {
                return "[text]";
            }
        }
        if (s.length() >= 12) {
            List<Finding> found = new ArrayList<>(1);
            for (Detector d : DETECTORS) {
                d.scan(s, found);
                if (!found.isEmpty()) return "[secret:" + found.getFirst().type() + "]";
            }
            String lower = s.toLowerCase(java.util.Locale.ROOT);
            for (String prefix : SECRET_PREFIXES) if (lower.startsWith(prefix)) return "[secret:TOKEN]";
            for (String segment : s.split("[-_.:/@,+=]")) {
                if (looksRandom(segment)) return "[secret:HIGH_ENTROPY]";
            }
        }
        return s;
    }

    /**
     * Prefixes of credentials an id never has (the detectors above are precise, for prompts; the trail is stricter:
     * anything shaped like a token is out).
     */
    private static final List<String> SECRET_PREFIXES = List.of("bst_", "bstc_", "eyj", "sk-", "sk_", "rk_", "akia", "asia", "ghp_", "gho_",
            "ghs_", "ghu_", "github_pat_", "xoxa-", "xoxb-", "xoxp-", "xoxr-", "glpat-", "aiza", "hf_", "whsec_", "-----begin");

    /** A run of 24 or more letters and digits mixing upper case, lower case and digits: a key, not a name. */
    static boolean looksRandom(String segment) {
        if (segment.length() < 24) return false;
        boolean upper = false, lower = false, digit = false;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c >= 'A' && c <= 'Z') upper = true;
            else if (c >= 'a' && c <= 'z') lower = true;
            else if (c >= '0' && c <= '9') digit = true;
        }
        return upper && lower && digit;
    }

    /** The extra fields as canonical JSON: checked, flattened, bounded, keys sorted. */
    public static String fieldsJson(Map<String, ?> fields) {
        TreeMap<String, Object> flat = new TreeMap<>();
        flatten("", fields, flat, 0);
        StringBuilder b = new StringBuilder(64).append('{');
        int n = 0;
        for (var e : flat.entrySet()) {
            if (n++ == MAX_FIELDS) {
                if (b.length() > 1) b.append(',');
                b.append("\"fields_dropped\":").append(flat.size() - MAX_FIELDS);
                break;
            }
            if (b.length() > 1) b.append(',');
            AuditRow.quote(b, e.getKey()).append(':');
            Object v = e.getValue();
            if (v instanceof Long || v instanceof Boolean) b.append(v);
            else AuditRow.quote(b, (String) v);
        }
        return b.append('}').toString();
    }

    private static void flatten(String prefix, Map<?, ?> in, Map<String, Object> out, int depth) {
        if (in == null) return;
        for (var e : in.entrySet()) {
            if (e.getValue() == null || e.getKey() == null) continue;
            String key = prefix + e.getKey();
            if (!key.matches("[A-Za-z0-9_.-]{1,64}")) continue;
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                if (depth < 2) flatten(key + ".", m, out, depth + 1);
            } else {
                out.put(key, value(v));
            }
        }
    }

    static Object value(Object v) {
        if (v instanceof Boolean) return v;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) return "[nan]";
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return (long) d;
            return BigDecimal.valueOf(d).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Collection<?> c) {
            StringBuilder b = new StringBuilder();
            int i = 0;
            for (Object o : c) {
                if (i++ == MAX_LIST) { b.append(",…"); break; }
                if (b.length() > 0) b.append(',');
                Object x = o instanceof Map ? "[map]" : value(o);
                b.append(x);
            }
            return safe(b.toString().replace("…", "+"));
        }
        if (v instanceof Enum<?> en) return safe(en.name().toLowerCase(java.util.Locale.ROOT));
        return safe(v.toString());
    }
}
