package dev.bastion.respond;

import dev.bastion.net.Cidr;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The kinds of incident switch (R2) and what each names. A target is validated and brought to one spelling here,
 * by the CLI and the admin API alike, so a switch stored by one is found and lifted by the other.
 */
public enum Switch {
    /** An address or CIDR range, refused at the public listener's edge. */
    BLOCK_IP("block_ip"),
    /** An API key id ({@code key_…}) or a machine client id, refused after authentication. */
    BLOCK_KEY("block_key"),
    /** An org: every caller of it refused after authentication. */
    SUSPEND_ORG("suspend_org"),
    /** A route id: 503 to everyone, before authentication. */
    DISABLE_ROUTE("disable_route"),
    /** A model name on LLM routes: 503 in the route's provider-style error body. */
    DISABLE_MODEL("disable_model"),
    /** Only the allow-listed orgs and keys on the public listener; its target is that list. */
    LOCKDOWN("lockdown");

    /** Ids of keys, clients, orgs, routes and model names: the characters config and the store use for them. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,127}");
    /** The store's column holds 200 characters; a lockdown's allow-list is its target. */
    static final int MAX_TARGET = 200;
    static final String ORG = "org:", KEY = "key:";

    private final String wire;

    Switch(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The kind a stored action or an API body names; null when it names none. */
    public static Switch fromWire(String s) {
        for (Switch k : values()) if (k.wire.equals(s)) return k;
        return null;
    }

    /** The command's name, {@code block-ip}. */
    public String command() {
        return wire.replace('_', '-');
    }

    /**
     * The target in its one spelling, or an {@link IllegalArgumentException} that says what was expected without
     * repeating what was given (an operator may paste a secret where an id belongs).
     */
    public String target(String given) {
        if (given == null || given.isBlank()) throw new IllegalArgumentException(wire + ": a target is required");
        String t = given.strip();
        return switch (this) {
            case BLOCK_IP -> {
                Cidr c = Cidr.parse(t); // host bits beyond the prefix are refused there: 10.1.2.3/8 is a typo, not a range
                yield c.prefixLength() == c.network().length * 8 ? dev.bastion.net.IpAddresses.format(c.network()) : c.toString();
            }
            case BLOCK_KEY -> {
                // An API key's secret begins bst_; its public id is what a switch names, and the secret never reaches a store or a log.
                if (t.startsWith("bst_")) throw new IllegalArgumentException("block_key: give the key's id (key_…) as `bastion keys list` shows it, never the key itself");
                yield id(t);
            }
            case SUSPEND_ORG, DISABLE_ROUTE, DISABLE_MODEL -> id(t);
            case LOCKDOWN -> {
                // As allowList wrote it (org:a,key:b): read back and written again, so no entry escapes the checks above.
                Allowed a = allowed(t);
                yield allowList(a.orgs(), a.keys());
            }
        };
    }

    private String id(String t) {
        if (!ID.matcher(t).matches()) throw new IllegalArgumentException(wire + ": expected an id of letters, digits and _.:/@- (at most 128)");
        return t;
    }

    /** Who a lockdown admits: orgs, and keys or clients by id. */
    public record Allowed(Set<String> orgs, Set<String> keys) {}

    /** A stored allow-list read back. */
    static Allowed allowed(String list) {
        Set<String> orgs = new java.util.HashSet<>(), keys = new java.util.HashSet<>();
        for (String entry : list.split(",")) {
            if (entry.startsWith(ORG)) orgs.add(entry.substring(ORG.length()));
            else if (entry.startsWith(KEY)) keys.add(entry.substring(KEY.length()));
            else throw new IllegalArgumentException("lockdown: expected an allow-list of org:ID and key:ID entries");
        }
        return new Allowed(Set.copyOf(orgs), Set.copyOf(keys));
    }

    /** A lockdown's allow-list as stored: {@code org:a,key:b}, sorted, within the column. */
    public static String allowList(Set<String> orgs, Set<String> keys) {
        TreeSet<String> out = new TreeSet<>();
        for (String o : orgs) out.add(ORG + SUSPEND_ORG.target(o));
        for (String k : keys) out.add(KEY + BLOCK_KEY.target(k));
        if (out.isEmpty()) throw new IllegalArgumentException("lockdown: name at least one org or key to admit (a lockdown that admits nobody is disable-route on every route)");
        String joined = String.join(",", out);
        if (joined.length() > MAX_TARGET) throw new IllegalArgumentException("lockdown: the allow-list exceeds " + MAX_TARGET + " characters; name fewer orgs or keys");
        return joined;
    }

    /** The lower-case, dash-free spelling for messages. */
    @Override
    public String toString() {
        return wire.toLowerCase(Locale.ROOT);
    }
}
