package dev.bastion.tokens;

import dev.bastion.store.Client;
import dev.bastion.authn.Credentials;
import dev.bastion.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Machine clients (A5): created with a secret shown once and stored as a SHA-256 hash (the secret carries
 * 238 bits of randomness; nothing to brute-force), authenticated in constant time — an unknown client id
 * costs the same comparison as a wrong secret, so timing does not reveal which client ids exist.
 */
public final class ClientService {
    /** Compared against when the client id is unknown, so both paths do the same work. */
    private static final byte[] DECOY = sha256("bcs_decoy-secret-for-unknown-clients");

    private final Store store;
    private final Clock clock;

    public ClientService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A client just created; the secret exists only here. */
    public record CreatedClient(Client client, String secret, boolean orgCreated) {
        @Override
        public String toString() {
            return "CreatedClient[" + client.id() + "]";
        }
    }

    /** Why authentication failed: all of them answer {@code invalid_client} to the caller. */
    public enum Failure { UNKNOWN, WRONG_SECRET, DISABLED }

    public sealed interface AuthOutcome permits Authenticated, Failed {}

    public record Authenticated(Client client) implements AuthOutcome {}

    public record Failed(Failure failure) implements AuthOutcome {}

    public CreatedClient create(String orgId, Set<String> scopes, String name, Duration tokenTtl) {
        Credentials.requireValid(orgId, scopes, name);
        if (tokenTtl != null && (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(Duration.ofHours(24)) > 0)) {
            throw new IllegalArgumentException("ttl: must be between 1s and 24h");
        }
        boolean orgCreated = store.orgs().ensure(orgId);
        String secret = "bcs_" + Credentials.randomBase62(40);
        Client c = new Client("cli_" + Credentials.randomBase62(16), orgId, name, hex(sha256(secret)), new LinkedHashSet<>(scopes), tokenTtl, clock.instant(), null);
        store.clients().insert(c);
        return new CreatedClient(c, secret, orgCreated);
    }

    /** Blocking (store). */
    public AuthOutcome authenticate(String clientId, String secret) {
        Optional<Client> found = clientId.length() > 64 ? Optional.empty() : store.clients().findById(clientId);
        byte[] presented = sha256(secret);
        byte[] expected = found.map(c -> HexFormat.of().parseHex(c.secretHash())).orElse(DECOY);
        boolean match = MessageDigest.isEqual(presented, expected);
        if (found.isEmpty()) return new Failed(Failure.UNKNOWN);
        if (!match) return new Failed(Failure.WRONG_SECRET);
        if (found.get().disabled()) return new Failed(Failure.DISABLED);
        return new Authenticated(found.get());
    }

    public List<Client> list(String orgId) {
        return store.clients().list(orgId);
    }

    /** @param orgId the caller's org, or null for the operator */
    public boolean disable(String orgId, String clientId) {
        return store.clients().disable(orgId, clientId, clock.instant());
    }

    public Instant now() {
        return clock.instant();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
