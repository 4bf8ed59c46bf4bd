package dev.bastion.console;

import dev.bastion.admin.AdminRole;
import dev.bastion.authn.ApiKeys;
import dev.bastion.authn.Credentials;
import dev.bastion.chain.Identity;
import dev.bastion.config.ConsoleConfig;
import dev.bastion.store.ConsoleRepository;
import dev.bastion.store.ConsoleSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Server-side console sessions (issue 21): a random id in the browser's cookie, its SHA-256 in the store, so any
 * admin node accepts it and a copy of the database logs nobody in. A session ends when idle for {@code idle_timeout},
 * {@code max_age} after login, at logout, or when its user or org is revoked (the authenticate step's revocation list).
 * Blocking: call from a worker.
 */
public final class ConsoleSessions {
    /** {@code __Host-}: the browser keeps it only if Secure, Path=/ and without Domain, so no subdomain can plant one. */
    public static final String COOKIE = "__Host-bastion_session";
    public static final String CREDENTIAL_TYPE = "console_session";
    /** 43 base62 characters: 256 bits from a CSPRNG. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{43}");

    private final ConsoleRepository repo;
    private final ConsoleConfig.Session limits;
    private final Clock clock;

    public ConsoleSessions(ConsoleRepository repo, ConsoleConfig.Session limits, Clock clock) {
        this.repo = repo;
        this.limits = limits;
        this.clock = clock;
    }

    /** A session began; what the cookie holds. */
    public record Opened(String id, ConsoleSession session) {}

    public Opened open(String orgId, String userId, String subject, AdminRole role, String method) {
        String id = Credentials.randomBase62(43);
        Instant now = clock.instant();
        // Each login sweeps the sessions nobody presented again (logins are rare; no job of its own needed).
        repo.deleteExpired(now.minus(limits.maxAge()), now.minus(limits.idleTimeout()), now);
        ConsoleSession s = new ConsoleSession(ApiKeys.hash(id), orgId, userId, subject, wire(role), method, now, now);
        repo.insert(s);
        return new Opened(id, s);
    }

    /** The live session a cookie value names, its idle clock moved; empty when malformed, unknown, idle or too old (then deleted). */
    public Optional<ConsoleSession> resume(String id) {
        if (id == null || !ID.matcher(id).matches()) return Optional.empty();
        String hash = ApiKeys.hash(id);
        Optional<ConsoleSession> found = repo.find(hash);
        if (found.isEmpty()) return found;
        ConsoleSession s = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(s.lastSeen().plus(limits.idleTimeout())) || !now.isBefore(s.createdAt().plus(limits.maxAge()))) {
            repo.delete(hash);
            return Optional.empty();
        }
        repo.touch(hash, now);
        return found;
    }

    public boolean close(String id) {
        return id != null && ID.matcher(id).matches() && repo.delete(ApiKeys.hash(id));
    }

    /**
     * The synchronizer token of a session: derived one way from its id, so it is never stored and cannot be guessed
     * without the cookie, which a page of another origin cannot read.
     */
    public static String csrfToken(String id) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("bastion-console-csrf:" + id).getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code presented} is the session's CSRF token (constant time). */
    public static boolean csrfMatches(String id, String presented) {
        return presented != null && MessageDigest.isEqual(csrfToken(id).getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The identity every admin endpoint sees: the role model's scopes, nothing more. */
    public static Identity identity(ConsoleSession s) {
        AdminRole role = role(s.role());
        return new Identity(s.subject(), s.orgId(), scopes(role), Set.of(), CREDENTIAL_TYPE, null, "console", s.userId(), null, null);
    }

    /** Operators get {@code operator} and {@code admin}; org admins {@code admin} only (AdminRole). */
    static Set<String> scopes(AdminRole role) {
        return role == AdminRole.OPERATOR ? Set.of(AdminRole.OPERATOR_SCOPE, AdminRole.ADMIN_SCOPE) : Set.of(AdminRole.ADMIN_SCOPE);
    }

    static String wire(AdminRole role) {
        return role == AdminRole.OPERATOR ? "operator" : "org_admin";
    }

    static AdminRole role(String wire) {
        return "operator".equals(wire) ? AdminRole.OPERATOR : AdminRole.ORG_ADMIN;
    }

    /** The cookie that carries a new session; no Max-Age: it dies with the browser, and the server ends it anyway. */
    public static String cookie(String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; Secure; SameSite=Strict";
    }

    public static final String CLEARED_COOKIE = COOKIE + "=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0";

    /** The session id in a {@code Cookie} header, or null. */
    public static String fromCookies(String header) {
        if (header == null) return null;
        String found = null;
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                if (found != null) return null; // two of ours: one was planted, trust neither
                found = p.substring(COOKIE.length() + 1);
            }
        }
        return found;
    }
}
