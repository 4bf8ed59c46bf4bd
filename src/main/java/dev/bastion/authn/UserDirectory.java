package dev.bastion.authn;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.authn.jwt.VerifiedClaims;
import dev.bastion.store.OrgRepository;
import dev.bastion.store.Store;
import dev.bastion.store.User;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Just-in-time users (A3): the first valid token for an (issuer, subject) creates a local user in the
 * token's org; later tokens find it. The org must exist — or, when the issuer says
 * {@code auto_create_orgs}, is created — otherwise the token is refused (403). Users are cached, and
 * {@code last_seen}, role and org are written back at most every five minutes per user. Store work runs
 * on {@code storeExecutor}, never on an event loop.
 */
public final class UserDirectory {
    static final Duration SEEN_INTERVAL = Duration.ofMinutes(5);
    static final Duration UNKNOWN_ORG_INTERVAL = Duration.ofSeconds(10);

    /** The user, or empty when the org is unknown (and may not be created). */
    public record Resolution(Optional<User> user) {}

    private final Store store;
    private final Executor storeExecutor;
    private final Clock clock;
    private final AsyncCache<String, Resolution> cache;
    private final dev.bastion.observe.AuditLog audit;

    public UserDirectory(Store store, Executor storeExecutor, Clock clock) {
        this(store, storeExecutor, clock, (event, fields) -> { });
    }

    /** @param audit where a user made on first sight ({@code user.created}) and an org made for it ({@code org.created}) are recorded */
    public UserDirectory(Store store, Executor storeExecutor, Clock clock, dev.bastion.observe.AuditLog audit) {
        this.audit = audit;
        this.store = store;
        this.storeExecutor = storeExecutor;
        this.clock = clock;
        // Known users for five minutes (then last_seen is written again); an unknown org only for ten
        // seconds, so an org an operator just created is picked up quickly.
        this.cache = Caffeine.newBuilder().maximumSize(200_000).executor(storeExecutor)
                .expireAfter(com.github.benmanes.caffeine.cache.Expiry.<String, Resolution>creating(
                        (k, r) -> r.user().isPresent() ? SEEN_INTERVAL : UNKNOWN_ORG_INTERVAL))
                .buildAsync();
    }

    public Future<Resolution> resolve(VerifiedClaims c) {
        String key = c.issuer() + '\u0000' + c.subject() + '\u0000' + c.org() + '\u0000' + String.join(",", c.roles());
        CompletableFuture<Resolution> f = cache.get(key, (k, executor) -> CompletableFuture.supplyAsync(() -> load(c), executor));
        if (f.isDone() && !f.isCompletedExceptionally()) return Future.succeededFuture(f.join());
        Context ctx = Vertx.currentContext();
        return ctx == null ? Future.fromCompletionStage(f) : Future.fromCompletionStage(f, ctx);
    }

    /** Blocking: runs on the store executor. */
    private Resolution load(VerifiedClaims c) {
        String role = c.roles().isEmpty() ? null : c.roles().iterator().next();
        if (!OrgRepository.isValidId(c.org())) return new Resolution(Optional.empty());
        if (store.orgs().find(c.org()).isEmpty()) {
            if (!c.autoCreateOrg()) return new Resolution(Optional.empty());
            store.orgs().ensure(c.org());
            audit.event("org.created", java.util.Map.of("org", c.org(), "ref", c.org(), "via", "jwt_auto_create"));
        }
        Optional<User> existing = store.users().findByExternal(c.issuer(), c.subject());
        if (existing.isPresent()) {
            store.users().seen(existing.get().id(), c.org(), role, clock.instant());
            return new Resolution(Optional.of(existing.get()));
        }
        var now = clock.instant();
        String id = newId();
        User created = store.users().insertIfAbsent(new User(id, c.org(), c.issuer(), c.subject(), role, now, now));
        // Who the provider says it is (the subject, an e-mail) is not recorded: the user's id is the reference.
        if (created.id().equals(id)) audit.event("user.created", java.util.Map.of("org", c.org(), "ref", id, "via", "jwt"));
        return new Resolution(Optional.of(created));
    }

    static String newId() {
        return "usr_" + Credentials.randomBase62(16);
    }
}
