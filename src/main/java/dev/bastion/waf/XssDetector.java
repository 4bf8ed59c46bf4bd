package dev.bastion.waf;

import java.util.List;
import java.util.Set;

/**
 * Cross-site scripting in a value (W1, CRS family 941), read the way a browser's HTML tokenizer would
 * read it wherever the value may be echoed: in text ({@code <script>}, {@code <svg/onload=…>}), inside
 * an attribute value it breaks out of ({@code " onmouseover=…}), or as a URL attribute's whole value
 * ({@code javascript:…}). It flags
 * <ul>
 *   <li>tags whose mere presence runs or loads script or changes the page's meaning (script, iframe,
 *       object, svg, style, meta, base, form…), also namespaced ({@code <x:script>}), spaced out
 *       ({@code <f o r m}), as closing tags that end a script or text context ({@code </script>},
 *       {@code </title>}) and the IE {@code <?import} processing instruction;</li>
 *   <li>in any tag, an event-handler attribute ({@code on} and 3–50 letters) or {@code formaction}, and
 *       URL or style attributes whose value runs script ({@code data:} other than images,
 *       {@code expression(}, {@code url(javascript…}, {@code behavior:});</li>
 *   <li>outside tags, an event handler (or {@code formaction}, {@code srcdoc}) after what ends an
 *       attribute value, a quote or white space: {@code "onzoom=}, {@code ' onerror=alert(1)};</li>
 *   <li>the script URL schemes {@code javascript:}, {@code vbscript:}, {@code livescript:} — also with
 *       white space or control characters inside, as browsers ignore them ({@code java\tscript:}) —
 *       and {@code data:} URLs holding HTML or script.</li>
 * </ul>
 * The rule decodes the value first (URL, JS escapes, entities, NFKC, lower case); entities left after that
 * (an XML body's {@code &amp;tab;}) are decoded once more here. One pass per kind of finding, each linear
 * in the value; a value holding neither {@code <}, {@code =} nor {@code :} is dismissed in one scan.
 */
public final class XssDetector {
    private XssDetector() {}

    /** Tags that are an attack wherever they appear in a parameter: they run, load or frame content, or rewrite the page. */
    private static final Set<String> DANGEROUS_TAGS = Set.of(
            "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "link", "meta",
            "base", "form", "xml", "import", "template", "isindex", "vmlframe", "dialog", "xss", "input", "button",
            "textarea", "select", "keygen", "marquee", "bgsound", "layer", "ilayer", "portal", "handler", "listener",
            "xmp", "plaintext", "noembed", "noframes");
    /** Closing tags that end a context a value may be echoed in (a script, a title, a text area…) so markup after them runs. */
    private static final Set<String> BREAKOUT_CLOSERS = Set.of("title", "noscript");
    /**
     * With a namespace prefix only these count: XML documents (SOAP, XML-DSig, XSD) are full of
     * {@code <ds:Object>}, {@code <soap:Body>}, {@code <xs:import>}, but {@code <x:script>} runs in XHTML.
     */
    private static final Set<String> NAMESPACED_TAGS = Set.of("script", "vmlframe", "iframe", "frame", "embed", "applet");
    /** Attributes whose value the browser loads or navigates to. */
    private static final Set<String> URL_ATTRIBUTES = Set.of(
            "href", "src", "action", "formaction", "data", "xlink:href", "background", "dynsrc", "lowsrc", "codebase",
            "poster", "to", "from", "values", "by", "srcdoc", "xml:base", "ping", "archive", "code", "content", "url");

    /**
     * Nothing is read without a tag, an attribute or a scheme, or an entity left to decode: one of these
     * is in every value this detector can match (the inspector's literal scan skips the others).
     */
    static final List<String> NEEDS = List.of("<", "=", ":", "&");

    public static boolean matches(String value) {
        if (value == null || value.length() < 3) return false;
        String s = value;
        if (entityLeft(s)) s = Transform.HTML_ENTITY_DECODE.apply(s); // entities of entities (XML bodies: &amp;tab;)
        boolean lt = false, eq = false, colon = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '<') lt = true;
            else if (c == '=') eq = true;
            else if (c == ':') colon = true;
        }
        if (!lt && !eq && !colon) return false;
        return (lt && tags(s)) || (eq && brokenOutAttribute(s)) || (colon && scriptScheme(s));
    }

    /** Whether an entity is left to decode: {@code &#} or {@code &name;} (not the {@code &} of a query string or "Tom & Jerry"). */
    private static boolean entityLeft(String s) {
        int n = s.length();
        for (int i = s.indexOf('&'); i >= 0 && i + 2 < n; i = s.indexOf('&', i + 1)) {
            if (s.charAt(i + 1) == '#') return true;
            int j = i + 1;
            while (j < n && j - i <= 9 && isAsciiLetter(s.charAt(j))) j++;
            if (j > i + 1 && j < n && s.charAt(j) == ';') return true;
        }
        return false;
    }

    // ---- tags ----

    /** Every {@code <} starts an attempt to read a tag; each attempt stops at the next {@code <}, so the whole is linear. */
    private static boolean tags(String s) {
        int n = s.length();
        StringBuilder name = new StringBuilder(16);
        for (int lt = s.indexOf('<'); lt >= 0; lt = s.indexOf('<', lt + 1)) {
            int end = s.indexOf('<', lt + 1);
            if (end < 0) end = n;
            if (tag(s, lt + 1, end, name)) return true;
        }
        return false;
    }

    /** The tag starting after a {@code <} at {@code from}, read no further than {@code end}. */
    private static boolean tag(String s, int from, int end, StringBuilder name) {
        int i = from;
        boolean spaced = i < end && isSpace(s.charAt(i)); // "< x: script": not a tag to a browser, but to some parsers
        i = skipSpaces(s, i, end);
        boolean closing = false, instruction = false;
        if (i < end && s.charAt(i) == '/') {
            closing = true;
            i = skipSpaces(s, i + 1, end);
        } else if (i < end && s.charAt(i) == '?') {
            instruction = true;
            i = skipSpaces(s, i + 1, end);
        }
        i = readTagName(s, i, end, name);
        if (name.isEmpty()) return false;
        String local = localName(name);
        if (instruction) return local.equals("import") || local.startsWith("importimplementation");
        // After "< " a browser sees no tag; CRS's tests still expect "< x: script", but "x < style points" is prose.
        if (spaced && name.indexOf(":") < 0) return false;
        if (local.length() != name.length()) return NAMESPACED_TAGS.contains(local);
        if (DANGEROUS_TAGS.contains(local) || local.startsWith("importimplementation")) return true;
        if (closing) return BREAKOUT_CLOSERS.contains(local);
        if (!Character.isLetter(name.charAt(0))) return false; // "a < b and c > d": no tag, no attributes
        return attributes(s, i, end);
    }

    /**
     * A tag name, lower case, into {@code name}: letters, digits, {@code - _ . :}; a namespace prefix may be
     * followed by spaces ({@code x: script}), and single letters separated by spaces are one name
     * ({@code f o r m}). Returns where the name ends.
     */
    private static int readTagName(String s, int i, int end, StringBuilder name) {
        name.setLength(0);
        int start = i;
        while (i < end && name.length() < 40 && isNameChar(s.charAt(i))) name.append(Character.toLowerCase(s.charAt(i++)));
        if (name.length() == 1 && Character.isLetter(name.charAt(0))) { // "f o r m"
            int j = i;
            while (j + 1 < end && isSpace(s.charAt(j)) && Character.isLetter(s.charAt(j + 1)) && (j + 2 >= end || !isNameChar(s.charAt(j + 2)))
                    && name.length() < 40) {
                name.append(Character.toLowerCase(s.charAt(j + 1)));
                j += 2;
            }
            if (name.length() > 1) return j;
        }
        if (i > start && name.charAt(name.length() - 1) == ':' || (i < end && isSpace(s.charAt(i)) && nextIsColon(s, i, end))) {
            // "x: script" — the prefix, spaces, then the local name
            int j = skipSpaces(s, i, end);
            if (j < end && s.charAt(j) == ':') {
                name.append(':');
                j++;
            }
            j = skipSpaces(s, j, end);
            while (j < end && name.length() < 40 && isNameChar(s.charAt(j))) name.append(Character.toLowerCase(s.charAt(j++)));
            return j;
        }
        return i;
    }

    private static boolean nextIsColon(String s, int i, int end) {
        int j = skipSpaces(s, i, end);
        return j < end && s.charAt(j) == ':';
    }

    /** The part after a namespace prefix: {@code x:script} → {@code script}, {@code :vmlframe} → {@code vmlframe}. */
    private static String localName(StringBuilder name) {
        int colon = name.lastIndexOf(":");
        return colon < 0 ? name.toString() : name.substring(colon + 1);
    }

    /** The attributes of a tag up to its {@code >} (or {@code end}): event handlers, {@code formaction}, script in URL and style values. */
    private static boolean attributes(String s, int i, int end) {
        StringBuilder attr = new StringBuilder(16);
        while (i < end) {
            char c = s.charAt(i);
            if (c == '>') return false;
            if (isSpace(c) || c == '/' || c == '"' || c == '\'' || c == '`' || c == '=') {
                i++;
                continue;
            }
            attr.setLength(0);
            while (i < end && attr.length() < 60) {
                char a = s.charAt(i);
                if (isSpace(a) || a == '/' || a == '>' || a == '=') break;
                attr.append(Character.toLowerCase(a));
                i++;
            }
            while (i < end && !isSpace(s.charAt(i)) && s.charAt(i) != '/' && s.charAt(i) != '>' && s.charAt(i) != '=') i++; // an overlong name
            String name = attr.toString();
            if (eventHandler(name, 0, name.length()) || name.equals("formaction")) return true;
            int j = skipSpaces(s, i, end);
            if (j >= end || s.charAt(j) != '=') {
                i = j;
                continue;
            }
            j = skipSpaces(s, j + 1, end);
            int valueStart, valueEnd;
            if (j < end && (s.charAt(j) == '"' || s.charAt(j) == '\'' || s.charAt(j) == '`')) {
                char q = s.charAt(j);
                valueStart = j + 1;
                int close = s.indexOf(q, valueStart);
                valueEnd = close < 0 || close > end ? end : close;
                i = valueEnd + 1;
            } else {
                valueStart = j;
                valueEnd = j;
                while (valueEnd < end && !isSpace(s.charAt(valueEnd)) && s.charAt(valueEnd) != '>') valueEnd++;
                i = valueEnd;
            }
            if (URL_ATTRIBUTES.contains(name) && scriptUrl(s, valueStart, valueEnd)) return true;
            if (name.equals("style") && scriptStyle(s, valueStart, valueEnd)) return true;
        }
        return false;
    }

    /** {@code on} and 3 to 50 letters: every event handler name (onload … onwebkitplaybacktargetavailabilitychanged). */
    private static boolean eventHandler(String s, int from, int to) {
        int n = to - from;
        if (n < 5 || n > 52 || Character.toLowerCase(s.charAt(from)) != 'o' || Character.toLowerCase(s.charAt(from + 1)) != 'n') return false;
        for (int k = from + 2; k < to; k++) if (!isAsciiLetter(s.charAt(k))) return false;
        return true;
    }

    /** A URL value that runs script: a script scheme, or a {@code data:} URL that is not an image. */
    private static boolean scriptUrl(String s, int from, int to) {
        int i = skipIgnorable(s, from, to);
        int colon = schemeEnd(s, i, to, "javascript");
        if (colon < 0) colon = schemeEnd(s, i, to, "vbscript");
        if (colon < 0) colon = schemeEnd(s, i, to, "livescript");
        if (colon >= 0) return true;
        colon = schemeEnd(s, i, to, "data");
        if (colon < 0) return false;
        int m = skipIgnorable(s, colon + 1, to);
        return !s.regionMatches(true, m, "image/", 0, 6) || s.regionMatches(true, m, "image/svg", 0, 9);
    }

    /** A style value that runs script (IE expressions and behaviours, Mozilla bindings, script URLs). */
    private static boolean scriptStyle(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if (c == 'e' && s.regionMatches(true, i, "expression", 0, 10) && skipSpaces(s, i + 10, to) < to && s.charAt(skipSpaces(s, i + 10, to)) == '(') return true;
            if (c == 'b' && s.regionMatches(true, i, "behavior", 0, 8)) return true;
            if (c == '-' && s.regionMatches(true, i, "-moz-binding", 0, 12)) return true;
            if (c == '@' && s.regionMatches(true, i, "@import", 0, 7)) return true;
            if (c == 'u' && s.regionMatches(true, i, "url", 0, 3)) {
                int j = skipSpaces(s, i + 3, to);
                if (j < to && s.charAt(j) == '(') {
                    j = skipSpaces(s, j + 1, to);
                    if (j < to && (s.charAt(j) == '"' || s.charAt(j) == '\'')) j++;
                    if (scriptUrl(s, j, to)) return true;
                }
            }
        }
        return false;
    }

    // ---- outside tags: an attribute the value breaks out into ----

    /**
     * An event handler (or {@code formaction}/{@code srcdoc}) followed by {@code =}, where it would start a
     * new attribute if the value were echoed into one: after white space, or after a
     * quote that closes the attribute ({@code "onzoom=}, {@code '/onload=}). Not after a letter or digit, so
     * {@code version=} or base64 ({@code …Qo/onafe=}) is not one.
     */
    private static boolean brokenOutAttribute(String s) {
        int previous = -1; // backward scans stop at the previous '=': each character is looked at a bounded number of times
        for (int eq = s.indexOf('='); eq >= 0; previous = eq, eq = s.indexOf('=', eq + 1)) {
            int j = eq;
            while (j - 1 > previous && isSpace(s.charAt(j - 1))) j--;
            int i = j;
            while (i - 1 > previous && j - i <= 52 && isAsciiLetter(s.charAt(i - 1))) i--;
            if (i > 0 && isAsciiLetter(s.charAt(i - 1))) continue; // a longer word, or inside one (version=, Qo/onafe=)
            int len = j - i;
            boolean named = eventHandler(s, i, j) || len == 10 && s.regionMatches(true, i, "formaction", 0, 10)
                    || len == 6 && s.regionMatches(true, i, "srcdoc", 0, 6);
            if (named && attributeStart(s, i)) return true;
        }
        return false;
    }

    /** Whether an attribute name at {@code i} would start a new attribute: the start, or white space / a quote (then slashes) before it. */
    private static boolean attributeStart(String s, int i) {
        int k = i - 1;
        while (k >= 0 && s.charAt(k) == '/') k--;
        if (k < 0) return false; // "online=true" as a whole value is a setting, not an attribute it breaks into
        char p = s.charAt(k);
        return isSpace(p) || p == '"' || p == '\'' || p == '`';
    }

    // ---- script URL schemes anywhere ----

    /**
     * {@code javascript:}, {@code vbscript:}, {@code livescript:} not inside a word. Always an attack when
     * spelled with white space or control characters inside (nothing else writes it that way), when it
     * starts the value or follows a quote, {@code =}, {@code (} or similar (an attribute or CSS URL); after a
     * space in prose, only when script-like punctuation follows. Also {@code data:} URLs of HTML or script.
     */
    private static boolean scriptScheme(String s) {
        int[] lastScriptChar = {-2}; // computed when first needed
        int previous = -1;
        for (int colon = s.indexOf(':'); colon >= 0; previous = colon, colon = s.indexOf(':', colon + 1)) {
            // Read the scheme backwards from the colon, through the characters browsers ignore in it; a scheme
            // is found when the letters read so far spell one (4, 8 or 10 letters) and start at a word boundary.
            int letters = 0;
            for (int k = colon - 1; k > previous && letters < 10; k--) {
                char c = s.charAt(k);
                if (!isAsciiLetter(c)) {
                    if (isIgnorable(c)) continue;
                    break;
                }
                letters++;
                char l = Character.toLowerCase(c);
                String word = letters == 4 && l == 'd' ? "data" : letters == 8 && l == 'v' ? "vbscript"
                        : letters == 10 && l == 'j' ? "javascript" : letters == 10 && l == 'l' ? "livescript" : null;
                if (word == null || k > 0 && Character.isLetterOrDigit(s.charAt(k - 1)) || schemeEnd(s, k, colon + 1, word) != colon) continue;
                if (schemeAttack(s, k, colon, word, lastScriptChar)) return true;
                break;
            }
        }
        return false;
    }

    /** Whether the scheme {@code word} at {@code i} (its colon at {@code colon}) is used as script here. */
    private static boolean schemeAttack(String s, int i, int colon, String word, int[] lastScriptChar) {
        if (word.equals("data")) return scriptData(s, colon + 1, s.length());
        boolean obfuscated = colon - i != word.length();
        int p = i - 1;
        while (p >= 0 && isIgnorable(s.charAt(p)) && !isSpace(s.charAt(p))) p--;
        char before = p < 0 ? '\0' : s.charAt(p);
        if (obfuscated || p < 0 || "\"'`=(:[,;>".indexOf(before) >= 0 || skipSpaces(s, 0, i) == i) return true;
        if (lastScriptChar[0] == -2) {
            lastScriptChar[0] = -1;
            for (int k = s.length() - 1; k >= 0; k--) {
                if ("(=[\\`{<".indexOf(s.charAt(k)) >= 0) {
                    lastScriptChar[0] = k;
                    break;
                }
            }
        }
        return lastScriptChar[0] > colon; // after a space in prose: only when script punctuation follows
    }

    /**
     * Where the colon after {@code word} is, when {@code word} starts at {@code i} — ignoring the white space
     * and control characters browsers drop from a scheme — or -1.
     */
    private static int schemeEnd(String s, int i, int to, String word) {
        int j = i;
        for (int k = 0; k < word.length(); k++) {
            if (k > 0) j = skipIgnorable(s, j, to);
            if (j >= to || Character.toLowerCase(s.charAt(j)) != word.charAt(k)) return -1;
            j++;
        }
        j = skipIgnorable(s, j, to);
        return j < to && s.charAt(j) == ':' ? j : -1;
    }

    /** After {@code data:}: an HTML, XML or script media type, or markup right after the comma ({@code data:,<x>}). */
    private static boolean scriptData(String s, int i, int n) {
        i = skipIgnorable(s, i, n);
        for (String type : new String[] {"text/html", "text/javascript", "application/javascript", "application/x-javascript",
                "image/svg+xml", "application/xhtml+xml", "text/xml", "application/ecmascript", "text/vbscript"}) {
            if (s.regionMatches(true, i, type, 0, type.length())) return true;
        }
        int comma = -1;
        for (int k = i; k < n && k < i + 80; k++) {
            char c = s.charAt(k);
            if (c == ',') {
                comma = k;
                break;
            }
            if (!(Character.isLetterOrDigit(c) || c == '/' || c == ';' || c == '=' || c == '-' || c == '+' || c == '.' || isSpace(c))) return false;
        }
        if (comma < 0) return false;
        int k = skipSpaces(s, comma + 1, n);
        return k < n && s.charAt(k) == '<';
    }

    // ---- characters ----

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b' || c == '\u00a0';
    }

    /** What browsers skip inside a URL scheme: white space and control characters. */
    private static boolean isIgnorable(char c) {
        return c <= 0x20 || c == 0x7f || c == '\u00a0' || c == '\u00ad' || c == '\u200b' || c == '\ufeff';
    }

    private static int skipSpaces(String s, int i, int end) {
        while (i < end && isSpace(s.charAt(i))) i++;
        return i;
    }

    private static int skipIgnorable(String s, int i, int end) {
        while (i < end && isIgnorable(s.charAt(i))) i++;
        return i;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == ':';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
