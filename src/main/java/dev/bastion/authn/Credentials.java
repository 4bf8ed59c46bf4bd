package dev.bastion.authn;

import dev.bastion.store.OrgRepository;
import java.security.SecureRandom;
import java.util.Set;
import java.util.regex.Pattern;

/** What every credential Bastion creates (API keys, machine clients) must satisfy, and how its ids are drawn. */
public final class Credentials {
    private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9:._-]{0,63}");
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {}

    /**
     * @throws IllegalArgumentException naming the first problem: an invalid org id, no scopes, a malformed
     *                                  scope, or a name that is too long or holds control characters
     */
    public static void requireValid(String orgId, Set<String> scopes, String name) {
        OrgRepository.requireValidId(orgId);
        if (scopes.isEmpty()) throw new IllegalArgumentException("scopes: none given (expected: e.g. invoke)");
        for (String s : scopes) {
            if (!SCOPE.matcher(s).matches()) throw new IllegalArgumentException("scope: '" + s + "' (expected: lower-case name like invoke or admin)");
        }
        if (name != null && (name.length() > 128 || name.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("name: up to 128 printable characters");
        }
    }

    /** {@code n} characters from a 62-letter alphabet, from a CSPRNG (nextInt(62) is unbiased): 5.95 bits each. */
    public static String randomBase62(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(BASE62[RANDOM.nextInt(62)]);
        return sb.toString();
    }
}
