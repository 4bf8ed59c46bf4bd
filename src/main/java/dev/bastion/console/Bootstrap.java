package dev.bastion.console;

import dev.bastion.authn.ApiKeys;
import dev.bastion.authn.Credentials;
import dev.bastion.store.ConsoleRepository;
import java.time.Duration;
import java.time.Instant;

/**
 * One-time console login links for the first operator ({@code bastion console bootstrap}): 256 random bits, of which
 * only the SHA-256 is stored; used once across nodes ({@link ConsoleRepository#useBootstrap}), then worthless.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** @param token the secret part of the link, shown once */
    public record Link(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Link[expiresAt=" + expiresAt + "]"; // never the token
        }
    }

    public static Link create(ConsoleRepository repo, String org, Instant now, Duration ttl) {
        String token = Credentials.randomBase62(43);
        Instant expires = now.plus(ttl);
        repo.insertBootstrap(ApiKeys.hash(token), org, now, expires);
        return new Link(token, expires);
    }
}
