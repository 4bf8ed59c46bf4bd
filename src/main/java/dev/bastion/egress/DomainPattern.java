package dev.bastion.egress;

/**
 * A host name in an allow or deny list: exact ({@code api.example.com}), a wildcard for every subdomain
 * ({@code *.example.com}, which does not match {@code example.com} itself — list both for both — nor an IP
 * literal), or {@code *} for every host. Patterns
 * and hosts are compared in their canonical form (lower case, IDNA to ASCII, no trailing dot), so
 * {@code EXAMPLE.com.} and {@code exämple.com} cannot slip past a list written another way.
 */
public record DomainPattern(String suffix, boolean wildcard) {
    /** Every host. */
    public static final DomainPattern ANY = new DomainPattern("", true);

    /** @throws IllegalArgumentException when {@code text} is not {@code *}, a host name, or {@code *.} followed by one */
    public static DomainPattern parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("an empty domain");
        if (text.equals("*")) return ANY;
        boolean wildcard = text.startsWith("*.");
        String name = wildcard ? text.substring(2) : text;
        if (name.contains("*")) throw new IllegalArgumentException("'" + text + "': a wildcard is only allowed as a leading *.");
        String canonical;
        try {
            canonical = canonical(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a host name");
        }
        if (canonical.isEmpty() || wildcard && canonical.indexOf('.') < 0 && canonical.indexOf(':') < 0 && canonical.length() < 2) {
            throw new IllegalArgumentException("'" + text + "' is not a host name");
        }
        return new DomainPattern(canonical, wildcard);
    }

    /** Whether {@code host} (already canonical: {@link Destination#host()}) matches. */
    public boolean matches(String host) {
        if (this == ANY) return true;
        if (!wildcard) return host.equals(suffix);
        // a subdomain pattern matches names only: never the apex, never an IP literal (1.2.3.4 is no subdomain of 3.4)
        return host.length() > suffix.length() + 1 && host.endsWith(suffix) && host.charAt(host.length() - suffix.length() - 1) == '.'
                && dev.bastion.net.IpAddresses.parse(host) == null;
    }

    /** A host as {@link Destination} keeps it, without the trailing dot a fully qualified name may carry. */
    public static String canonical(String host) {
        String h = Destination.canonicalHost(host);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** Whether any of {@code patterns} matches {@code host}. */
    public static boolean any(Iterable<DomainPattern> patterns, String host) {
        for (DomainPattern p : patterns) {
            if (p.matches(host)) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return this == ANY ? "*" : wildcard ? "*." + suffix : suffix;
    }
}
