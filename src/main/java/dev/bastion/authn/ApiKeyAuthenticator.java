package dev.bastion.authn;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.ApiKeyRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Verifies Bastion API keys from {@code Authorization: Bearer bst_…} or {@code X-Api-Key}.
 * Keys are looked up by hash through a bounded cache whose entries live at most {@code ttl}, so the
 * store is not hit per request and a revocation takes effect within {@code ttl}. Misses are cached
 * too, so a flood of well-formed unknown keys cannot become a flood of store queries. Store lookups
 * run on {@code storeExecutor}, never on an event loop; a store failure is a fault (503: {@code store_unavailable}
 * when the store cannot be reached, else {@code control_fault}), never a 401.
 */
public final class ApiKeyAuthenticator implements Authenticator {
    private static final Future<AuthResult> NO_CREDENTIAL = Future.succeededFuture(AuthResult.NO_CREDENTIAL);
    private static final Future<AuthResult> MALFORMED = rejected("api_key_invalid", "The API key is not valid.");
    private static final Future<AuthResult> UNKNOWN = MALFORMED;
    private static final Future<AuthResult> REVOKED = rejected("api_key_revoked", "The API key has been revoked.");
    private static final Future<AuthResult> EXPIRED = rejected("api_key_expired", "The API key has expired.");
    private static final Future<AuthResult> AMBIGUOUS = rejected("credentials_ambiguous",
            "Send one credential: either Authorization or X-Api-Key, not two different ones.");

    private final AsyncLoadingCache<String, Optional<ApiKeyRecord>> cache;
    private final Clock clock;

    public ApiKeyAuthenticator(ApiKeyRepository keys, Executor storeExecutor, Duration ttl, long maxSize, Clock clock) {
        this.clock = clock;
        Duration refresh = ttl.dividedBy(2);
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterWrite(ttl)
                .refreshAfterWrite(refresh.isZero() ? ttl : refresh) // hot keys reload in the background
                .executor(storeExecutor)
                .buildAsync((hash, executor) -> CompletableFuture.supplyAsync(() -> keys.findByHash(hash), executor));
    }

    @Override
    public String kind() {
        return "api_key";
    }

    @Override
    public Future<AuthResult> authenticate(Exchange exchange) {
        String fromHeader = exchange.headers().get("X-Api-Key");
        String fromBearer = null;
        List<String> authorization = exchange.headers().getAll("Authorization");
        if (authorization.size() > 1) return AMBIGUOUS;
        if (authorization.size() == 1) {
            String token = bearer(authorization.get(0));
            if (token != null && token.startsWith(ApiKeys.PREFIX)) fromBearer = token;
        }
        if (exchange.headers().getAll("X-Api-Key").size() > 1) return AMBIGUOUS;
        if (fromHeader != null && fromBearer != null && !fromHeader.equals(fromBearer)) return AMBIGUOUS;
        String key = fromBearer != null ? fromBearer : fromHeader;
        if (key == null) return NO_CREDENTIAL;
        if (!ApiKeys.wellFormed(key)) return MALFORMED;

        CompletableFuture<Optional<ApiKeyRecord>> lookup = cache.get(ApiKeys.hash(key));
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) return decide(lookup.join());
        Context context = Vertx.currentContext();
        Future<Optional<ApiKeyRecord>> f = context == null ? Future.fromCompletionStage(lookup) : Future.fromCompletionStage(lookup, context);
        return f.compose(this::decide);
    }

    private Future<AuthResult> decide(Optional<ApiKeyRecord> found) {
        if (found.isEmpty()) return UNKNOWN;
        ApiKeyRecord k = found.get();
        if (k.revoked()) return REVOKED;
        if (k.expiredAt(clock.instant())) return EXPIRED;
        return Future.succeededFuture(new AuthResult.Authenticated(Identity.apiKey(k.id(), k.orgId(), k.scopes())));
    }

    /** The token of a {@code Bearer} authorization header (scheme case-insensitive), else null. */
    static String bearer(String header) {
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static Future<AuthResult> rejected(String reason, String message) {
        return Future.succeededFuture(new AuthResult.Rejected(reason, message));
    }
}
