package dev.bastion.enduser;

import com.google.crypto.tink.subtle.PrfHmacJce;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * The end-user identifiers a model provider receives ({@code safety_identifier}, {@code user}, Anthropic's
 * {@code metadata.user_id}): an HMAC of the tenant and the user, so the provider can tell end users apart for its abuse
 * checks while it learns no one's name, and no tenant can write an identifier that lands on another tenant's user. The
 * key is derived from the master key, so every node of a deployment derives the same identifier for the same user.
 * Thread-safe.
 */
public final class EndUserIds {
    /** What a derived identifier starts with: an operator who reads one in a provider's report knows where to look. */
    public static final String PREFIX = "bu_";
    /** The master key is derived for this purpose only. */
    public static final String PURPOSE = "bastion end-user ids v1";

    private final PrfHmacJce prf;

    public EndUserIds(byte[] key) {
        try {
            this.prf = new PrfHmacJce("HMACSHA256", new SecretKeySpec(key, "HMAC"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("an HMAC-SHA256 key", e);
        }
    }

    /** {@code bu_} and 22 characters (128 bits): the same for the same org and user, unrelated across orgs. */
    public String of(String org, String user) {
        return PREFIX + mac("id", org, user);
    }

    /** A client's prompt-cache key, kept apart per org the same way ({@code bc_…}). */
    public String cacheKey(String org, String key) {
        return "bc_" + mac("cache", org, key);
    }

    private String mac(String kind, String org, String value) {
        // length-prefixed parts: ("a", "b\0c") and ("a\0b", "c") never meet
        byte[] o = org.getBytes(StandardCharsets.UTF_8), v = value.getBytes(StandardCharsets.UTF_8), k = kind.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(12 + k.length + o.length + v.length);
        in.putInt(k.length).put(k).putInt(o.length).put(o).putInt(v.length).put(v);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(prf.compute(in.array(), 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256", e); // not reachable with a valid key
        }
    }
}
