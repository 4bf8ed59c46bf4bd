package dev.bastion.upstream.auth;

import io.vertx.core.MultiMap;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) in headers, as AWS's published test suite
 * defines it: the canonical request (method, the path normalised and URI-encoded a second time as every
 * service but S3 wants, the query sorted, the signed headers lower-cased, trimmed and sorted, the
 * payload's SHA-256), the string to sign over the credential scope {@code date/region/service/aws4_request},
 * and the HMAC chain from {@code "AWS4" + secret}. Every header of the request is signed except those a
 * proxy or the HTTP stack may change ({@link #UNSIGNED}), so the signature covers what is actually sent.
 * <p>
 * {@link #verify} is the receiver's check (the stand-in provider uses it). Secrets appear in no message.
 */
public final class SigV4 {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** What the HTTP stack sets or may rewrite on the way; AWS's SDKs leave the same ones out. */
    static final Set<String> UNSIGNED = Set.of("authorization", "connection", "user-agent", "expect", "transfer-encoding", "content-length",
            "x-amzn-trace-id", "keep-alive", "te", "upgrade", "proxy-authorization");
    /** How far a request's X-Amz-Date may be from the receiver's clock (AWS: 5 minutes). */
    public static final Duration SKEW = Duration.ofMinutes(5);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request,\\s*SignedHeaders=([a-z0-9;_.-]+),\\s*Signature=([0-9a-f]{64})");

    private SigV4() {}

    /** The credentials a request is signed with; the secret and session token are read only here. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", redacted]";
        }
    }

    /**
     * Signs a request in place: sets {@code X-Amz-Date}, {@code X-Amz-Security-Token} (temporary
     * credentials) and {@code Authorization}. Call it last, when the headers and body are final.
     *
     * @param target the path and query as sent
     */
    public static void sign(MultiMap headers, String method, String target, byte[] body, Credentials c, String region, String service, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        headers.remove("Authorization");
        headers.set("X-Amz-Date", amzDate);
        if (c.sessionToken() != null) headers.set("X-Amz-Security-Token", c.sessionToken());
        else headers.remove("X-Amz-Security-Token");
        TreeMap<String, String> canonical = canonicalHeaders(headers, null);
        String signed = String.join(";", canonical.keySet());
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String creq = canonicalRequest(method, path, query, canonical, signed, hex(sha256(body)));
        String signature = hex(hmac(signingKey(c.secretAccessKey(), amzDate.substring(0, 8), region, service), stringToSign(amzDate, scope, creq)));
        headers.set("Authorization", ALGORITHM + " Credential=" + c.accessKeyId() + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + signature);
    }

    /** Why a received request's signature does not hold (a short reason for the answer), or null when it does. */
    public record Rejection(String errorType, String message) {}

    /**
     * The receiver's check of a signed request against the one key it knows.
     *
     * @param path  the path as received (still percent-encoded)
     * @param query the raw query, or null
     */
    public static Rejection verify(String method, String path, String query, MultiMap headers, byte[] body, Credentials expected, String region,
                                   String service, Instant now) {
        String authorization = headers.get("Authorization");
        if (authorization == null) return new Rejection("MissingAuthenticationTokenException", "Missing Authentication Token");
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) return new Rejection("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256).");
        if (!m.group(1).equals(expected.accessKeyId())) return new Rejection("UnrecognizedClientException", "The security token included in the request is invalid.");
        String amzDate = headers.get("X-Amz-Date");
        Instant signedAt;
        try {
            signedAt = amzDate == null ? null : Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            signedAt = null;
        }
        if (signedAt == null) return new Rejection("IncompleteSignatureException", "The request must contain a valid X-Amz-Date header.");
        if (!m.group(2).equals(amzDate.substring(0, 8))) return new Rejection("InvalidSignatureException", "Credential date does not match X-Amz-Date.");
        if (!m.group(3).equals(region)) return new Rejection("InvalidSignatureException", "Credential should be scoped to a valid region.");
        if (!m.group(4).equals(service)) return new Rejection("InvalidSignatureException", "Credential should be scoped to correct service: '" + service + "'.");
        if (Duration.between(signedAt, now).abs().compareTo(SKEW) > 0) {
            return new Rejection("InvalidSignatureException", "Signature expired: " + amzDate + " is not within 5 minutes of the server's time.");
        }
        List<String> signedNames = List.of(m.group(5).split(";"));
        if (!signedNames.contains("host") || !signedNames.contains("x-amz-date")) {
            return new Rejection("InvalidSignatureException", "'Host' and 'X-Amz-Date' must be signed headers.");
        }
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-") && !signedNames.contains(name)) {
                return new Rejection("InvalidSignatureException", "'" + name + "' must be a signed header.");
            }
        }
        String token = headers.get("X-Amz-Security-Token");
        if (expected.sessionToken() != null && !expected.sessionToken().equals(token)) {
            return new Rejection("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        TreeMap<String, String> canonical = canonicalHeaders(headers, Set.copyOf(signedNames));
        if (canonical.size() != signedNames.size()) return new Rejection("InvalidSignatureException", "A signed header is missing from the request.");
        String scope = m.group(2) + "/" + region + "/" + service + "/aws4_request";
        String creq = canonicalRequest(method, path, query, canonical, m.group(5), hex(sha256(body)));
        byte[] want = hex(hmac(signingKey(expected.secretAccessKey(), m.group(2), region, service), stringToSign(amzDate, scope, creq)))
                .getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(want, m.group(6).getBytes(StandardCharsets.US_ASCII))) {
            return new Rejection("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return null;
    }

    // --- the steps, as AWS's test suite names them (creq, sts, signing key)

    static String canonicalRequest(String method, String path, String query, TreeMap<String, String> canonicalHeaders, String signedHeaders,
                                   String payloadHash) {
        StringBuilder sb = new StringBuilder(256).append(method).append('\n').append(canonicalUri(path)).append('\n')
                .append(canonicalQuery(query)).append('\n');
        canonicalHeaders.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        return sb.append('\n').append(signedHeaders).append('\n').append(payloadHash).toString();
    }

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** Lower-cased names (all signable ones, or only {@code only}) → values trimmed, inner spaces collapsed, repeats joined by commas. */
    static TreeMap<String, String> canonicalHeaders(MultiMap headers, Set<String> only) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (only != null ? !only.contains(name) : UNSIGNED.contains(name)) continue;
            String value = h.getValue().trim().replaceAll(" {2,}", " ");
            out.merge(name, value, (a, b) -> a + "," + b);
        }
        return out;
    }

    /** The path with dot segments and empty segments removed, each segment URI-encoded (again: it arrives encoded once). */
    static String canonicalUri(String path) {
        if (path == null || path.isEmpty()) return "/";
        Deque<String> segments = new ArrayDeque<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(s);
        }
        if (segments.isEmpty()) return "/";
        StringBuilder sb = new StringBuilder(path.length() + 16);
        for (String s : segments) sb.append('/').append(uriEncode(s));
        if (path.endsWith("/")) sb.append('/');
        return sb.toString();
    }

    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) return "";
        List<String[]> params = new ArrayList<>();
        for (String p : query.split("&")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            params.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : params) {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** RFC 3986 encoding as AWS defines it: every byte but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex). */
    public static String uriEncode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            int hi = i + 2 < s.length() && s.charAt(i) == '%' ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi * 16 + lo);
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b == null ? new byte[0] : b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
