package dev.bastion.authn.jwt;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bastion.authn.jose.Base64Url;
import dev.bastion.chain.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Finding a JWT in a request and reading its (unverified) issuer, only to pick who verifies it. */
public final class BearerTokens {
    /** Longer tokens are refused before any parsing. */
    public static final int MAX_LENGTH = 16 * 1024;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private BearerTokens() {}

    /** The bearer token when it has the shape of a compact JWS ({@code eyJ…} with two dots); else null. */
    public static String jwt(Exchange ex) {
        List<String> auth = ex.headers().getAll("Authorization");
        if (auth.size() != 1) return null;
        String h = auth.get(0);
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = h.substring(7).trim();
        if (!token.startsWith("eyJ")) return null;
        int dots = 0;
        for (int i = 0; i < token.length(); i++) if (token.charAt(i) == '.') dots++;
        return dots == 2 ? token : null;
    }

    /**
     * The {@code iss} claim, read without verifying anything, or null when the payload is not canonical
     * base64url JSON with a string {@code iss}. Never trust the result for anything but routing.
     */
    public static String unverifiedIssuer(String token) {
        if (token.length() > MAX_LENGTH) return null;
        int a = token.indexOf('.');
        int b = token.indexOf('.', a + 1);
        if (a < 0 || b < 0) return null;
        String payload = token.substring(a + 1, b);
        if (!Base64Url.isCanonical(payload)) return null;
        try {
            Map<String, Object> claims = JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
            return claims.get("iss") instanceof String s ? s : null;
        } catch (java.text.ParseException | IllegalArgumentException e) {
            return null;
        }
    }

    /** SHA-256 of the token, hex: the only form in which tokens are kept (cache keys). */
    public static String hash(String token) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
