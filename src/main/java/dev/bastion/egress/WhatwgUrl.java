package dev.bastion.egress;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The scheme, host and port of a URL as a browser reads them (WHATWG URL Standard, basic URL parser):
 * the one reading of a URL Bastion acts on, so a check cannot be passed by a spelling another parser
 * reads differently ({@code http://127.1/}, {@code http://0x7f.1/}, {@code http://2130706433/},
 * {@code http://127.0.0.1\@1.1.1.1/}, {@code http://[::ffff:127.0.0.1]/}). Path, query and fragment are
 * not kept: the connector needs where to go, not what to ask for.
 *
 * @param scheme   lower case
 * @param host     the parsed host, or null for a URL without one ({@code mailto:x})
 * @param port     the explicit port, or -1 when absent or the scheme's default
 * @param userinfo whether the URL carried a user name or password
 */
public record WhatwgUrl(String scheme, Host host, int port, boolean userinfo) {

    /** A host after WHATWG host parsing. */
    public sealed interface Host {
        /** The host as the URL Standard serialises it ({@code [::1]} for IPv6). */
        String serialize();
    }

    /** An IPv4 address, whatever its spelling ({@code 0177.1} is {@code 127.0.0.1}). */
    public record Ipv4(int address) implements Host {
        public byte[] bytes() {
            return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        }

        @Override
        public String serialize() {
            return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
        }
    }

    /** An IPv6 address: 16 bytes. */
    public record Ipv6(byte[] bytes) implements Host {
        public Ipv6 {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String serialize() {
            int[] pieces = new int[8];
            for (int i = 0; i < 8; i++) pieces[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
            int bestStart = -1, bestLen = 1;
            for (int i = 0; i < 8; ) {
                int j = i;
                while (j < 8 && pieces[j] == 0) j++;
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j == i ? i + 1 : j;
            }
            StringBuilder out = new StringBuilder("[");
            boolean ignore0 = false;
            for (int i = 0; i < 8; i++) {
                if (ignore0 && pieces[i] == 0) continue;
                ignore0 = false;
                if (i == bestStart) {
                    out.append(i == 0 ? "::" : ":");
                    ignore0 = true;
                    continue;
                }
                out.append(Integer.toHexString(pieces[i]));
                if (i != 7) out.append(':');
            }
            return out.append(']').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ipv6 other && java.util.Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** A DNS name of a special scheme: ASCII, lower case, IDNA-converted. */
    public record Domain(String name) implements Host {
        @Override
        public String serialize() {
            return name;
        }
    }

    /** The host of a non-special scheme, kept percent-encoded as written; also the empty host. */
    public record Opaque(String text) implements Host {
        @Override
        public String serialize() {
            return text;
        }
    }

    /** The input is not a URL by the standard's rules. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String reason) {
            super(reason);
        }
    }

    private static final Set<String> SPECIAL = Set.of("http", "https", "ws", "wss", "ftp", "file");

    public boolean special() {
        return SPECIAL.contains(scheme);
    }

    /** The scheme's default port ({@code http} 80, {@code https} 443, …), or -1. */
    public static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            case "ftp" -> 21;
            default -> -1;
        };
    }

    /** Parses an absolute URL; throws {@link Invalid} when the standard would fail. */
    public static WhatwgUrl parse(String input) {
        return parse(input, null);
    }

    /** Parses {@code input} against {@code base} (null: none), as {@code new URL(input, base)} does. */
    public static WhatwgUrl parse(String input, String base) {
        WhatwgUrl baseUrl = null;
        boolean baseOpaquePath = false;
        if (base != null) {
            baseUrl = parse(base, null);
            String b = clean(base);
            String afterScheme = b.substring(b.indexOf(':') + 1);
            baseOpaquePath = !baseUrl.special() && !afterScheme.startsWith("/");
        }
        String s = clean(input);
        String scheme = scheme(s);
        if (scheme == null) {
            if (baseUrl == null) throw new Invalid("a relative URL without a base");
            if (baseOpaquePath) {
                if (s.startsWith("#")) return baseUrl;
                throw new Invalid("a relative URL against a base that cannot be a base");
            }
            return relative(baseUrl, s);
        }
        String rest = s.substring(scheme.length() + 1);
        boolean special = SPECIAL.contains(scheme);
        if (scheme.equals("file")) return file(rest, baseUrl);
        if (special) {
            // http:foo and http:/foo against an http base are relative; http://foo and http:\\foo are not
            if (baseUrl != null && baseUrl.scheme().equals(scheme) && !rest.startsWith("//")) return relative(baseUrl, rest);
            int i = 0;
            while (i < rest.length() && (rest.charAt(i) == '/' || rest.charAt(i) == '\\')) i++;
            return authority(scheme, rest.substring(i), true);
        }
        if (rest.startsWith("//")) return authority(scheme, rest.substring(2), false);
        return new WhatwgUrl(scheme, null, -1, false);
    }

    /** The URL's host and port as {@code Host} header text, the port only when not the default. */
    public String authority() {
        if (host == null) return "";
        return port == -1 ? host.serialize() : host.serialize() + ":" + port;
    }

    private static WhatwgUrl relative(WhatwgUrl base, String rest) {
        boolean special = base.special();
        if (rest.startsWith("//") || special && startsWithTwoSlashes(rest)) {
            if (base.scheme().equals("file")) return file(rest, base);
            if (!special) return authority(base.scheme(), rest.substring(2), false);
            int i = 0;
            while (i < rest.length() && (rest.charAt(i) == '/' || rest.charAt(i) == '\\')) i++; // a special scheme skips them all
            return authority(base.scheme(), rest.substring(i), true);
        }
        return base; // path, query or fragment only: the base's host and port stay
    }

    private static boolean startsWithTwoSlashes(String s) {
        return s.length() >= 2 && (s.charAt(0) == '/' || s.charAt(0) == '\\') && (s.charAt(1) == '/' || s.charAt(1) == '\\');
    }

    private static WhatwgUrl file(String rest, WhatwgUrl base) {
        if (startsWithTwoSlashes(rest)) {
            String after = rest.substring(2);
            int end = 0;
            while (end < after.length() && "/\\?#".indexOf(after.charAt(end)) < 0) end++;
            String buffer = after.substring(0, end);
            if (isWindowsDriveLetter(buffer)) return new WhatwgUrl("file", new Domain(""), -1, false);
            if (buffer.isEmpty()) return new WhatwgUrl("file", new Domain(""), -1, false);
            Host host = parseHost(buffer, false);
            if (host instanceof Domain d && d.name().equals("localhost")) host = new Domain("");
            return new WhatwgUrl("file", host, -1, false);
        }
        if (base != null && base.scheme().equals("file")) {
            return new WhatwgUrl("file", base.host(), -1, false); // file:foo, file:/foo, file:C:/ keep the base's host
        }
        return new WhatwgUrl("file", new Domain(""), -1, false);
    }

    private static boolean isWindowsDriveLetter(String s) {
        return s.length() == 2 && isAsciiAlpha(s.charAt(0)) && (s.charAt(1) == ':' || s.charAt(1) == '|');
    }

    private static WhatwgUrl authority(String scheme, String rest, boolean special) {
        int end = 0;
        while (end < rest.length()) {
            char c = rest.charAt(end);
            if (c == '/' || c == '?' || c == '#' || special && c == '\\') break;
            end++;
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@'); // every '@' but the last belongs to the userinfo
        boolean userinfo = at >= 0;
        String hostPort = authority.substring(at + 1);
        if (userinfo && hostPort.isEmpty()) throw new Invalid("credentials without a host");
        int colon = -1;
        boolean inBrackets = false;
        for (int i = 0; i < hostPort.length(); i++) {
            char c = hostPort.charAt(i);
            if (c == '[') inBrackets = true;
            else if (c == ']') inBrackets = false;
            else if (c == ':' && !inBrackets) {
                colon = i;
                break;
            }
        }
        String hostText = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (hostText.isEmpty()) {
            if (special || colon >= 0) throw new Invalid("no host");
            return new WhatwgUrl(scheme, new Opaque(""), -1, userinfo);
        }
        int port = -1;
        if (colon >= 0) {
            String digits = hostPort.substring(colon + 1);
            if (!digits.isEmpty()) {
                long value = 0;
                for (int i = 0; i < digits.length(); i++) {
                    char c = digits.charAt(i);
                    if (c < '0' || c > '9') throw new Invalid("the port is not a number");
                    value = value * 10 + (c - '0');
                    if (value > 65535) throw new Invalid("the port is out of range");
                }
                port = value == defaultPort(scheme) ? -1 : (int) value;
            }
        }
        return new WhatwgUrl(scheme, parseHost(hostText, !special), port, userinfo);
    }

    /** The standard's host parser: IPv6 in brackets, opaque hosts for non-special schemes, else domain or IPv4. */
    public static Host parseHost(String input, boolean opaque) {
        if (input.startsWith("[")) {
            if (!input.endsWith("]")) throw new Invalid("unclosed IPv6 address");
            return new Ipv6(parseIpv6(input.substring(1, input.length() - 1)));
        }
        if (opaque) return opaqueHost(input);
        String domain = percentDecode(input);
        String ascii = domainToAscii(domain);
        for (int i = 0; i < ascii.length(); i++) {
            if (forbiddenDomainCodePoint(ascii.charAt(i))) throw new Invalid("a forbidden code point in the host");
        }
        if (endsInANumber(ascii)) return new Ipv4(parseIpv4(ascii));
        return new Domain(ascii);
    }

    private static Host opaqueHost(String input) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < input.length(); ) {
            int cp = input.codePointAt(i);
            if (cp != '%' && cp < 0x80 && forbiddenHostCodePoint((char) cp)) throw new Invalid("a forbidden code point in the host");
            if (cp < 0x20 || cp > 0x7e) {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) out.append(String.format("%%%02X", b & 0xff));
            } else {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return new Opaque(out.toString());
    }

    private static boolean forbiddenHostCodePoint(char c) {
        return c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '#' || c == '/' || c == ':' || c == '<' || c == '>'
                || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|';
    }

    private static boolean forbiddenDomainCodePoint(char c) {
        return forbiddenHostCodePoint(c) || c <= 0x1f || c == '%' || c == 0x7f;
    }

    private static String percentDecode(String input) {
        if (input.indexOf('%') < 0) return input;
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        // Invalid UTF-8 becomes U+FFFD, which domain-to-ASCII then refuses.
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static String domainToAscii(String domain) {
        boolean ascii = true;
        for (int i = 0; i < domain.length() && ascii; i++) ascii = domain.charAt(i) < 0x80;
        if (ascii) {
            String lower = domain.toLowerCase(Locale.ROOT);
            if (lower.contains("xn--")) {
                for (String label : lower.split("\\.", -1)) {
                    if (label.startsWith("xn--")) checkPunycode(label);
                }
            }
            if (lower.isEmpty()) throw new Invalid("an empty host");
            return lower;
        }
        // java.net.IDN implements IDNA 2003 (nameprep: NFKC, case folding, mapped-to-nothing code points);
        // the URL Standard's UTS #46 differs on a few code points (see docs/egress.md).
        String result;
        try {
            result = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new Invalid("the host is not a valid internationalised domain name");
        }
        if (result.isEmpty()) throw new Invalid("an empty host");
        if (result.indexOf('\uFFFD') >= 0) throw new Invalid("the host is not valid UTF-8");
        return result.toLowerCase(Locale.ROOT);
    }

    private static void checkPunycode(String label) {
        String encoded = label.substring(4);
        if (encoded.isEmpty()) throw new Invalid("an empty punycode label");
        try {
            String decoded = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
            // IDN.toUnicode hands back what it cannot decode; a label that decodes to ASCII only is no IDN either
            if (decoded.chars().allMatch(c -> c < 0x80)) throw new Invalid("an invalid punycode label");
        } catch (IllegalArgumentException e) {
            throw new Invalid("an invalid punycode label");
        }
    }

    private static boolean endsInANumber(String host) {
        int end = host.length();
        if (end > 0 && host.charAt(end - 1) == '.') {
            if (end == 1) return false;
            end--; // one trailing dot is allowed: "127.0.0.1."
        }
        String last = host.substring(host.lastIndexOf('.', end - 1) + 1, end);
        if (last.isEmpty()) return false;
        // a last label of digits only, or one that parses as hex or octal, makes the host an IPv4 address (or a failure)
        return last.chars().allMatch(c -> c >= '0' && c <= '9') || ipv4Number(last) >= 0;
    }

    /** A part's value, or -1 when it is not a number; values above 2^32 are capped at 2^32. */
    private static long ipv4Number(String part) {
        if (part.isEmpty()) return -1;
        int radix = 10;
        String digits = part;
        if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() >= 2 && part.charAt(0) == '0') {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) return 0;
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0 || digits.charAt(i) > 0x7f) return -1;
            value = Math.min(value * radix + d, 1L << 32);
        }
        return value;
    }

    private static int parseIpv4(String host) {
        List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) parts.remove(parts.size() - 1);
        if (parts.size() > 4) throw new Invalid("an IPv4 address of more than four parts");
        long[] numbers = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            numbers[i] = ipv4Number(parts.get(i));
            if (numbers[i] < 0) throw new Invalid("an IPv4 part is not a number");
        }
        for (int i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) throw new Invalid("an IPv4 part is out of range");
        long last = numbers[numbers.length - 1];
        if (last >= 1L << (8 * (5 - numbers.length))) throw new Invalid("an IPv4 address out of range");
        long ipv4 = last;
        for (int i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] << (8 * (3 - i));
        return (int) ipv4;
    }

    /** The standard's IPv6 parser: compression, embedded IPv4 in dotted decimal only, no zone ids. */
    static byte[] parseIpv6(String input) {
        int[] address = new int[8];
        int pieceIndex = 0;
        int compress = -1;
        int p = 0;
        int n = input.length();
        if (p < n && input.charAt(p) == ':') {
            if (p + 1 >= n || input.charAt(p + 1) != ':') throw new Invalid("an IPv6 address starting with one ':'");
            p += 2;
            pieceIndex++;
            compress = pieceIndex;
        }
        while (p < n) {
            if (pieceIndex == 8) throw new Invalid("an IPv6 address of more than eight pieces");
            if (input.charAt(p) == ':') {
                if (compress != -1) throw new Invalid("an IPv6 address compressed twice");
                p++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }
            int value = 0, length = 0;
            while (length < 4 && p < n && hex(input.charAt(p)) >= 0) {
                value = value * 0x10 + hex(input.charAt(p));
                p++;
                length++;
            }
            if (p < n && input.charAt(p) == '.') {
                if (length == 0) throw new Invalid("an IPv4 part without digits");
                p -= length;
                if (pieceIndex > 6) throw new Invalid("an embedded IPv4 address too far right");
                int numbersSeen = 0;
                while (p < n) {
                    int ipv4Piece = -1;
                    if (numbersSeen > 0) {
                        if (input.charAt(p) == '.' && numbersSeen < 4) p++;
                        else throw new Invalid("a malformed embedded IPv4 address");
                    }
                    if (p >= n || input.charAt(p) < '0' || input.charAt(p) > '9') throw new Invalid("a malformed embedded IPv4 address");
                    while (p < n && input.charAt(p) >= '0' && input.charAt(p) <= '9') {
                        int number = input.charAt(p) - '0';
                        if (ipv4Piece == -1) ipv4Piece = number;
                        else if (ipv4Piece == 0) throw new Invalid("a leading zero in an embedded IPv4 address");
                        else ipv4Piece = ipv4Piece * 10 + number;
                        if (ipv4Piece > 255) throw new Invalid("an embedded IPv4 part out of range");
                        p++;
                    }
                    address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
                    numbersSeen++;
                    if (numbersSeen == 2 || numbersSeen == 4) pieceIndex++;
                }
                if (numbersSeen != 4) throw new Invalid("an embedded IPv4 address of fewer than four parts");
                break;
            } else if (p < n && input.charAt(p) == ':') {
                p++;
                if (p >= n) throw new Invalid("an IPv6 address ending in one ':'");
            } else if (p < n) {
                throw new Invalid("an invalid code point in an IPv6 address (zone ids are refused)");
            }
            address[pieceIndex] = value;
            pieceIndex++;
        }
        if (compress != -1) {
            int swaps = pieceIndex - compress;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0) {
                int t = address[pieceIndex];
                address[pieceIndex] = address[compress + swaps - 1];
                address[compress + swaps - 1] = t;
                pieceIndex--;
                swaps--;
            }
        } else if (pieceIndex != 8) {
            throw new Invalid("an IPv6 address of fewer than eight pieces");
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (address[i] >>> 8);
            bytes[2 * i + 1] = (byte) address[i];
        }
        return bytes;
    }

    private static String scheme(String s) {
        if (s.isEmpty() || !isAsciiAlpha(s.charAt(0))) return null;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') return s.substring(0, i).toLowerCase(Locale.ROOT);
            if (!isAsciiAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return null;
        }
        return null;
    }

    private static boolean isAsciiAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** Leading and trailing C0 controls and spaces trimmed, every tab and newline removed. */
    private static String clean(String input) {
        int start = 0, end = input.length();
        while (start < end && input.charAt(start) <= 0x20) start++;
        while (end > start && input.charAt(end - 1) <= 0x20) end--;
        boolean tabOrNewline = false;
        for (int i = start; i < end && !tabOrNewline; i++) tabOrNewline = input.charAt(i) == '\t' || input.charAt(i) == '\n' || input.charAt(i) == '\r';
        if (!tabOrNewline) return input.substring(start, end);
        StringBuilder out = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = input.charAt(i);
            if (c != '\t' && c != '\n' && c != '\r') out.append(c);
        }
        return out.toString();
    }
}
