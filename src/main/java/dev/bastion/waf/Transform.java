package dev.bastion.waf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * What a rule's value is turned into before it is matched (W1), with CRS's names and meaning: an attack
 * is matched in the form it takes effect in, not the form it was sent in. Every transformation runs in
 * one pass, linear in its input, and never produces more characters than it was given (except
 * {@link #HTML_ENTITY_DECODE}'s few multi-character entities and case mappings, bounded by the input).
 * A rule lists its transformations in order; values are short-lived strings, not shared.
 */
public enum Transform {
    /**
     * Percent-decoding, including {@code %uXXXX} (IIS), {@code +} as space, and overlong UTF-8 sequences
     * ({@code %c0%ae} → {@code .}, the classic traversal bypass): bytes that are not valid UTF-8 in any
     * reading are kept as U+FFFD rather than dropped, so nothing disappears between two characters.
     */
    URL_DECODE_UNI(CharClasses.of("%+")) {
        @Override
        public String apply(String s) {
            if (s.indexOf('%') < 0) return s.indexOf('+') < 0 ? s : s.replace('+', ' ');
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
            StringBuilder out = new StringBuilder(s.length());
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < n && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                    bytes.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                    i += 2;
                    continue;
                }
                flush(bytes, out);
                if (c == '%' && i + 5 < n && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
                        && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0 && hex(s.charAt(i + 4)) >= 0 && hex(s.charAt(i + 5)) >= 0) {
                    out.append((char) (hex(s.charAt(i + 2)) << 12 | hex(s.charAt(i + 3)) << 8 | hex(s.charAt(i + 4)) << 4 | hex(s.charAt(i + 5))));
                    i += 5;
                } else {
                    out.append(c == '+' ? ' ' : c);
                }
            }
            flush(bytes, out);
            return out.toString();
        }
    },
    /** Applies {@link #URL_DECODE_UNI} until the value stops changing (at most 8 times): double and deeper encoding. */
    URL_DECODE_REPEATED(CharClasses.of("%+")) {
        @Override
        public String apply(String s) {
            for (int i = 0; i < 8; i++) {
                String d = URL_DECODE_UNI.apply(s);
                if (d.equals(s)) return s;
                s = d;
            }
            return s;
        }
    },
    /** Named ({@code &lt;}, {@code &quot;}, the common HTML ones), decimal and hex entities, with or without {@code ;}. */
    HTML_ENTITY_DECODE(CharClasses.of("&")) {
        @Override
        public String apply(String s) {
            return escapes(s, '&', Transform::entity);
        }
    },
    /**
     * JavaScript / JSON string escapes: backslash-u and four hex digits, backslash-x and two, backslash-n,
     * backslash-t and friends, and a backslash before any other character dropped — how a dollar sign, an
     * escaped brace and {@code jndi:} hide {@code ${jndi:}.
     */
    JS_DECODE(CharClasses.of("\\")) {
        @Override
        public String apply(String s) {
            return escapes(s, '\\', Transform::jsEscape);
        }
    },
    LOWERCASE(CharClasses.UPPER | CharClasses.NON_ASCII) {
        @Override
        public String apply(String s) {
            return s.toLowerCase(Locale.ROOT);
        }
    },
    /** Unicode compatibility folding (NFKC): full-width {@code ＜ｓｃｒｉｐｔ＞} → {@code <script>}, ligatures, superscripts. */
    NFKC(CharClasses.NON_ASCII) {
        @Override
        public String apply(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) return Normalizer.normalize(s, Normalizer.Form.NFKC);
            }
            return s;
        }
    },
    /** Resolves {@code ./}, {@code ../} and repeated slashes the way a file system would, never above the start. */
    NORMALIZE_PATH(CharClasses.of("/.")) {
        @Override
        String apply(String s, long classes) {
            return (classes & SLASH) == 0 ? oneSegment(s) : apply(s);
        }

        @Override
        public String apply(String s) {
            return normalize(s);
        }
    },
    /** {@link #NORMALIZE_PATH} with backslashes as separators (Windows). */
    NORMALIZE_PATH_WIN(CharClasses.of("/\\.")) {
        @Override
        String apply(String s, long classes) {
            return (classes & (SLASH | BACKSLASH)) == 0 ? oneSegment(s) : apply(s);
        }

        @Override
        public String apply(String s) {
            return normalize(s.replace('\\', '/'));
        }
    },
    REMOVE_NULLS(CharClasses.NUL) {
        @Override
        public String apply(String s) {
            return s.indexOf('\0') < 0 ? s : s.replace("\0", "");
        }
    },
    /** Runs of white space (and NUL) become one space. */
    COMPRESS_WHITESPACE(CharClasses.BLANK) {
        @Override
        String apply(String s, long classes) {
            if (!keeps(classes) && (classes & (CharClasses.CONTROL | CharClasses.NON_ASCII)) == 0 && s.indexOf("  ") < 0) return s; // single spaces only
            return super.apply(s, classes);
        }

        @Override
        public String apply(String s) {
            if (!hasRun(s)) return s;
            char[] in = s.toCharArray(), out = new char[in.length];
            int o = 0;
            boolean space = false;
            for (char c : in) {
                if (blank(c)) {
                    if (!space) out[o++] = ' ';
                    space = true;
                } else {
                    out[o++] = c;
                    space = false;
                }
            }
            return new String(out, 0, o);
        }
    },
    REMOVE_WHITESPACE(CharClasses.BLANK) {
        @Override
        String apply(String s, long classes) {
            if ((classes & CharClasses.BLANK) != CharClasses.SPACE) return super.apply(s, classes);
            // Plain spaces are the only white space: kept characters moved down in place, no test per kind.
            char[] b = s.toCharArray();
            int o = 0;
            for (char c : b) {
                b[o] = c;
                o += c == ' ' ? 0 : 1;
            }
            return new String(b, 0, o);
        }

        @Override
        public String apply(String s) {
            int first = 0;
            while (first < s.length() && (!blank(s.charAt(first)) || s.charAt(first) == '\0')) first++;
            if (first == s.length()) return s; // most values: no allocation at all
            char[] in = s.toCharArray(), out = new char[in.length];
            int o = 0;
            for (char c : in) if (!blank(c) || c == '\0') out[o++] = c;
            return new String(out, 0, o);
        }
    },
    /**
     * Removes SQL and C comments — {@code /* … *}{@code /} (an unterminated one to the end) becomes one space,
     * as SQL reads it, so {@code UNION/**}{@code /SELECT} reads {@code UNION SELECT}; {@code --} and {@code #}
     * run to the end of the line. MySQL's executable
     * comments {@code /*!50000 … *}{@code /} keep their content, which MySQL runs.
     */
    REMOVE_COMMENTS(CharClasses.of("#-*")) {
        @Override
        public String apply(String s) {
            if (s.indexOf('#') < 0 && !s.contains("/*") && !s.contains("--")) return s;
            StringBuilder out = new StringBuilder(s.length());
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    int j = i + 2;
                    if (j < n && s.charAt(j) == '!') { // executable comment: keep what MySQL executes
                        j++;
                        while (j < n && Character.isDigit(s.charAt(j))) j++;
                        int end = s.indexOf("*/", j);
                        out.append(s, j, end < 0 ? n : end);
                        i = end < 0 ? n : end + 1;
                        continue;
                    }
                    int end = s.indexOf("*/", j);
                    out.append(' '); // to SQL a comment separates like white space: UNION/**/SELECT is UNION SELECT
                    i = end < 0 ? n : end + 1;
                } else if ((c == '-' && i + 1 < n && s.charAt(i + 1) == '-') || c == '#') {
                    int end = s.indexOf('\n', i);
                    i = end < 0 ? n : end - 1;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    },
    /**
     * Undoes shell obfuscation the way a shell would read the command: quotes, backslashes and carets
     * ({@code c^m^d}, {@code w"h"o'am'i}, {@code /bin/c\at}) removed; {@code ,} and {@code ;} become spaces;
     * white space compressed; no space before {@code /} or {@code (}; lower case — CRS's {@code cmdLine}.
     */
    CMD_LINE(CharClasses.of("\\\"'^,;") | CharClasses.BLANK | CharClasses.UPPER) {
        @Override
        public String apply(String s) {
            return cmdLineKeeps(s) ? s : cmdLine(s);
        }
    };

    /** {@link #CMD_LINE} the long way, always building the result. */
    static String cmdLine(String s) {
        char[] in = s.toCharArray(), out = new char[in.length];
        int o = 0;
        boolean space = false;
        for (char c : in) {
            switch (c) {
                case '\\', '"', '\'', '^' -> { }
                case ' ', '\t', '\n', '\r', ',', ';' -> space = true;
                case '/', '(' -> {
                    space = false;
                    out[o++] = c;
                }
                default -> {
                    if (space && o > 0) out[o++] = ' ';
                    space = false;
                    out[o++] = c >= 'A' && c <= 'Z' ? (char) (c | 0x20) : c < 128 ? c : Character.toLowerCase(c);
                }
            }
        }
        // Unchanged (prose without separators or capitals): the same string, so later steps and the prefilter share it.
        String result = new String(out, 0, o);
        return result.equals(s) ? s : result;
    }

    /** Decodes one escape starting at {@code s[i]}: appends what it stands for, returns its length, or 0 when it is none. */
    private interface Escape {
        int decode(String s, int i, StringBuilder out);
    }

    /** Copies {@code s}, decoding every escape that starts with {@code marker}; an escape that is none stays as it is. */
    private static String escapes(String s, char marker, Escape escape) {
        int first = s.indexOf(marker);
        if (first < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            int consumed = c == marker ? escape.decode(s, i, out) : 0;
            if (consumed == 0) out.append(c);
            else i += consumed - 1;
        }
        return out.toString();
    }

    /** A JavaScript escape at {@code s[i] == '\\'}. */
    private static int jsEscape(String s, int i, StringBuilder out) {
        int n = s.length();
        if (i + 1 >= n) return 0;
        char e = s.charAt(i + 1);
        if (e == 'u' && i + 5 < n && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0 && hex(s.charAt(i + 4)) >= 0 && hex(s.charAt(i + 5)) >= 0) {
            out.append((char) (hex(s.charAt(i + 2)) << 12 | hex(s.charAt(i + 3)) << 8 | hex(s.charAt(i + 4)) << 4 | hex(s.charAt(i + 5))));
            return 6;
        }
        if (e == 'x' && i + 3 < n && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0) {
            out.append((char) (hex(s.charAt(i + 2)) << 4 | hex(s.charAt(i + 3))));
            return 4;
        }
        out.append(switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'v' -> '\u000b';
            case '0' -> '\0';
            default -> e;
        });
        return 2;
    }

    /** The classes of character ({@link CharClasses}) whose presence may make this transformation change a value. */
    private final long changers;

    Transform(long changers) {
        this.changers = changers;
    }

    /** The transformed value. */
    public abstract String apply(String value);

    /** The classes of character ({@link CharClasses}) this transformation acts on. */
    long changers() {
        return changers;
    }

    /**
     * For the steps that only take characters out — {@code remove_whitespace}, {@code remove_nulls} — which
     * characters they take out; null for every other step.
     */
    java.util.function.IntPredicate removed() {
        return switch (this) {
            case REMOVE_WHITESPACE -> c -> c != '\0' && blank((char) c);
            case REMOVE_NULLS -> c -> c == '\0';
            default -> null;
        };
    }

    /** Whether a value holding only these classes of character ({@link CharClasses#of}) comes back as it is. */
    final boolean keeps(long classes) {
        return (classes & changers) == 0;
    }

    private static final long SLASH = CharClasses.of("/"), BACKSLASH = CharClasses.of("\\"), PERCENT = CharClasses.of("%"), PLUS = CharClasses.of("+");

    /** A path of one segment (no separator) normalised: only "." changes, to nothing. */
    private static String oneSegment(String s) {
        return s.equals(".") ? "" : s;
    }

    /** What {@link #resultClasses} says when the result must be read to know its classes. */
    static final long UNKNOWN_CLASSES = Long.MIN_VALUE; // a bit CharClasses never sets

    /**
     * Classes of character the result may hold (a superset: never missing one it holds), given the input's —
     * so the result need not be read for them — or {@link #UNKNOWN_CLASSES} when decoding can make any
     * character. Removing characters leaves a subset; lower-casing ASCII takes away {@link CharClasses#UPPER}.
     */
    long resultClasses(long in) {
        return switch (this) {
            // Without a '%', decoding only turns '+' into spaces.
            case URL_DECODE_UNI, URL_DECODE_REPEATED -> (in & PERCENT) != 0 ? UNKNOWN_CLASSES : (in & PLUS) == 0 ? in : in & ~PLUS | CharClasses.SPACE;
            case HTML_ENTITY_DECODE, JS_DECODE, NFKC -> UNKNOWN_CLASSES;
            case LOWERCASE -> (in & CharClasses.NON_ASCII) == 0 ? in & ~CharClasses.UPPER : in;
            case REMOVE_WHITESPACE -> (in & (CharClasses.CONTROL | CharClasses.NON_ASCII)) == 0 ? in & ~CharClasses.SPACE : in;
            case NORMALIZE_PATH, REMOVE_NULLS -> in;
            case NORMALIZE_PATH_WIN -> in | SLASH;
            case COMPRESS_WHITESPACE, REMOVE_COMMENTS -> in | CharClasses.SPACE;
            case CMD_LINE -> (in & CharClasses.NON_ASCII) == 0 ? (in | CharClasses.SPACE) & ~CharClasses.UPPER : in | CharClasses.SPACE;
        };
    }

    /** {@link #apply(String)}, given the value's {@link CharClasses}: the value itself when they show nothing to do. */
    String apply(String value, long classes) {
        return keeps(classes) ? value : apply(value);
    }

    /** Applies {@code transforms} in order. */
    public static String all(String value, Transform... transforms) {
        for (Transform t : transforms) value = t.apply(value);
        return value;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** Decodes collected bytes as UTF-8, reading overlong forms as the character they spell. */
    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) return;
        byte[] b = bytes.toByteArray();
        bytes.reset();
        int n = b.length;
        for (int i = 0; i < n; ) {
            int x = b[i] & 0xff;
            if (x < 0x80) {
                out.append((char) x);
                i++;
            } else if (x >= 0xc0 && x < 0xe0 && i + 1 < n && (b[i + 1] & 0xc0) == 0x80) {
                out.append((char) ((x & 0x1f) << 6 | (b[i + 1] & 0x3f))); // includes overlong c0/c1 forms
                i += 2;
            } else if (x >= 0xe0 && x < 0xf0 && i + 2 < n && (b[i + 1] & 0xc0) == 0x80 && (b[i + 2] & 0xc0) == 0x80) {
                out.append((char) ((x & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f)));
                i += 3;
            } else if (x >= 0xf0 && x < 0xf8 && i + 3 < n && (b[i + 1] & 0xc0) == 0x80 && (b[i + 2] & 0xc0) == 0x80 && (b[i + 3] & 0xc0) == 0x80) {
                int cp = (x & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | (b[i + 3] & 0x3f);
                if (cp <= Character.MAX_CODE_POINT) out.appendCodePoint(cp);
                else out.append('\ufffd');
                i += 4;
            } else {
                out.append('\ufffd');
                i++;
            }
        }
    }

    private static final java.util.Map<String, String> NAMED = java.util.Map.ofEntries(
            java.util.Map.entry("lt", "<"), java.util.Map.entry("gt", ">"), java.util.Map.entry("amp", "&"), java.util.Map.entry("quot", "\""),
            java.util.Map.entry("apos", "'"), java.util.Map.entry("nbsp", "\u00a0"), java.util.Map.entry("colon", ":"), java.util.Map.entry("lpar", "("),
            java.util.Map.entry("rpar", ")"), java.util.Map.entry("sol", "/"), java.util.Map.entry("bsol", "\\"), java.util.Map.entry("tab", "\t"),
            java.util.Map.entry("newline", "\n"), java.util.Map.entry("equals", "="), java.util.Map.entry("period", "."), java.util.Map.entry("comma", ","),
            java.util.Map.entry("semi", ";"), java.util.Map.entry("excl", "!"), java.util.Map.entry("grave", "`"), java.util.Map.entry("lsqb", "["),
            java.util.Map.entry("rsqb", "]"), java.util.Map.entry("lcub", "{"), java.util.Map.entry("rcub", "}"), java.util.Map.entry("num", "#"),
            java.util.Map.entry("percnt", "%"), java.util.Map.entry("plus", "+"), java.util.Map.entry("ast", "*"), java.util.Map.entry("dollar", "$"),
            java.util.Map.entry("lbrace", "{"), java.util.Map.entry("rbrace", "}"), java.util.Map.entry("lbrack", "["), java.util.Map.entry("rbrack", "]"));

    /** One entity at {@code s[i] == '&'}: appends what it decodes to and returns its length, or 0 when none. */
    private static int entity(String s, int i, StringBuilder out) {
        int n = s.length();
        int j = i + 1;
        if (j < n && s.charAt(j) == '#') {
            j++;
            boolean hexForm = j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
            if (hexForm) j++;
            int start = j;
            long v = 0;
            // Any number of digits (leading zeros pad attacks: &#0000000060;), the value saturating.
            while (j < n && (hexForm ? hex(s.charAt(j)) >= 0 : Character.isDigit(s.charAt(j)))) {
                if (v <= Character.MAX_CODE_POINT) v = v * (hexForm ? 16 : 10) + (hexForm ? hex(s.charAt(j)) : s.charAt(j) - '0');
                j++;
            }
            if (j == start) return 0;
            if (j < n && s.charAt(j) == ';') j++;
            if (v > 0 && v <= Character.MAX_CODE_POINT) out.appendCodePoint((int) v);
            else out.append('\ufffd');
            return j - i;
        }
        int start = j;
        while (j < n && j - start < 8 && Character.isLetter(s.charAt(j))) j++;
        // Without a ';' a browser takes the longest name it knows ("&lbracejndi" is "{jndi"), so this does too.
        for (int end = j; end - start >= 2; end--) {
            String value = NAMED.get(s.substring(start, end).toLowerCase(Locale.ROOT));
            if (value == null) continue;
            if (end < n && s.charAt(end) == ';') end++;
            out.append(value);
            return end - i;
        }
        return 0;
    }

    /** Whether {@link #CMD_LINE} would return the value as it is (one pass, no allocation): the common case. */
    static boolean cmdLineKeeps(String s) {
        if (s.isEmpty()) return true;
        if (s.charAt(0) == ' ') return false; // a leading space is dropped
        boolean lastSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\', '"', '\'', '^', '\t', '\n', '\r', ',', ';' -> {
                    return false;
                }
                case ' ' -> {
                    if (lastSpace) return false;
                    lastSpace = true;
                }
                case '/', '(' -> {
                    if (lastSpace) return false; // no space before / or (
                    lastSpace = false;
                }
                default -> {
                    if (c >= 'A' && c <= 'Z' || c >= 128 && Character.toLowerCase(c) != c) return false;
                    lastSpace = false;
                }
            }
        }
        return !lastSpace; // a trailing space is dropped
    }

    /** Whether white space needs compressing: anything but single spaces. */
    private static boolean hasRun(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                if (i + 1 < s.length() && blank(s.charAt(i + 1))) return true;
            } else if (blank(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\0' || c == 0xa0 || (c <= ' ' || c >= 0x1680) && Character.isWhitespace(c);
    }

    private static String normalize(String s) {
        if (s.indexOf('/') < 0) return oneSegment(s); // nothing to resolve
        if (s.indexOf('.') < 0 && !s.contains("//")) return s;
        boolean absolute = s.startsWith("/");
        boolean trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..");
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String seg : s.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) continue;
            if (seg.equals("..")) {
                // Above the start is where traversal wants to go: keep the ".." so rules still see it.
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) parts.pollLast();
                else parts.addLast("..");
                continue;
            }
            parts.addLast(seg);
        }
        String joined = String.join("/", parts);
        String result = (absolute ? "/" : "") + joined + (trailing && !joined.isEmpty() ? "/" : "");
        return result.equals(s) ? s : result; // the same string when nothing changed, so the prefilter scans it once
    }
}
