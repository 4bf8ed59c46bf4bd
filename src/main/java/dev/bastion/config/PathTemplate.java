package dev.bastion.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A route path with named segments ({@code /orgs/{org}/boards/*}): each {@code {name}} matches exactly one
 * non-empty path segment, literal segments match themselves, a final {@code /*} matches the rest. Matching
 * and reading a segment walk the (edge-decoded) path in place, without allocating. Encoded slashes and dot
 * segments never reach this: the edge refuses them, so a segment here is one segment upstream too. A segment's
 * {@code ;parameters} are not part of its value.
 */
public final class PathTemplate {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private final String[] literals; // null where the segment is a parameter
    private final String[] names;    // null where the segment is a literal
    private final boolean rest;

    private PathTemplate(String[] literals, String[] names, boolean rest) {
        this.literals = literals;
        this.names = names;
        this.rest = rest;
    }

    /** Whether {@code path} (a route's {@code match.path}) names any segment. */
    public static boolean isTemplate(String path) {
        return path.indexOf('{') >= 0 || path.indexOf('}') >= 0;
    }

    /** @throws IllegalArgumentException when a brace is not a whole {@code {name}} segment, or a name repeats */
    public static PathTemplate parse(String path) {
        boolean rest = path.endsWith("/*");
        String body = rest ? path.substring(0, path.length() - 2) : path;
        String[] parts = body.isEmpty() ? new String[0] : body.substring(1).split("/", -1);
        String[] literals = new String[parts.length];
        String[] names = new String[parts.length];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String name = p.substring(1, p.length() - 1);
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("path: '" + path + "' (a segment name is [a-z][a-z0-9_]*, as in /orgs/{org})");
                }
                if (seen.contains(name)) throw new IllegalArgumentException("path: '" + path + "' names {" + name + "} twice");
                seen.add(name);
                names[i] = name;
            } else {
                if (p.indexOf('{') >= 0 || p.indexOf('}') >= 0) {
                    throw new IllegalArgumentException("path: '" + path + "' (a {name} must be a whole segment)");
                }
                literals[i] = p;
            }
        }
        return new PathTemplate(literals, names, rest);
    }

    /** Whether the template names the segment {@code name}. */
    public boolean names(String name) {
        for (String n : names) if (name.equals(n)) return true;
        return false;
    }

    /** Segments the template fixes, for ordering: more literal segments is more specific. */
    public int literalCount() {
        int n = 0;
        for (String l : literals) if (l != null) n++;
        return n;
    }

    public int segmentCount() {
        return literals.length;
    }

    public boolean rest() {
        return rest;
    }

    /** Whether the decoded path matches. */
    public boolean matches(String path) {
        return walk(path, null) != null;
    }

    /** The segment {@code name} stands for in {@code path}, or null when the path does not match. */
    public String value(String path, String name) {
        return walk(path, name);
    }

    /** Walks the segments; returns the named segment (or "" when none is asked for) on a match, else null. */
    private String walk(String path, String want) {
        if (path.isEmpty() || path.charAt(0) != '/') return null;
        int at = 1;
        String found = want == null ? "" : null;
        for (int i = 0; i < literals.length; i++) {
            if (at > path.length()) return null;
            int end = path.indexOf('/', at);
            if (end < 0) end = path.length();
            // A segment's parameters (";x=1") are not part of it, as for the router (PathNormalizer.withoutParameters):
            // /orgs/globex;x=acme names globex.
            int content = at;
            while (content < end && path.charAt(content) != ';') content++;
            if (literals[i] != null) {
                if (content - at != literals[i].length() || !path.regionMatches(at, literals[i], 0, content - at)) return null;
            } else {
                if (content == at) return null; // an empty segment names nothing
                if (want != null && want.equals(names[i])) found = path.substring(at, content);
            }
            at = end + 1;
        }
        // at now points past the separator after the last segment
        if (at == path.length() + 1) return found; // the path ends with the last segment
        if (!rest) return null;
        return at <= path.length() ? found : null; // "/…/x/" and "/…/x/more" both fall under /*
    }
}
