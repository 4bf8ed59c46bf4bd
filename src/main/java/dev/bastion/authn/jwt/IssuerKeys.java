package dev.bastion.authn.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bastion.authn.jose.TrustedKeys;
import dev.bastion.config.IssuerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's signing keys (A1): fetched from its JWKS (found by OIDC discovery when no {@code jwks_uri}
 * is configured), used for {@code cache_ttl} and then refreshed in the background. A token with an
 * unknown {@code kid} may trigger a fetch, but at most one per {@code min_refetch_interval}: a flood of
 * random kids costs the identity provider nothing. While the provider is unreachable the last keys stay
 * in use up to {@code max_stale}; after that the issuer's tokens cannot be verified (a fault, 503 — never
 * an allow). Concurrent callers share one fetch in flight.
 */
public final class IssuerKeys {
    private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);
    private static final long NEVER = Long.MIN_VALUE;

    /** The keys could not be loaded, or are older than {@code max_stale}. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final IssuerConfig config;
    private final JwksFetcher fetcher;
    private final Set<JWSAlgorithm> algorithms;
    private final LongSupplier nanos;
    private final AtomicLong fetches = new AtomicLong();

    private volatile TrustedKeys keys = TrustedKeys.empty();
    private volatile long loadedAt = NEVER;
    private volatile long attemptedAt = NEVER;
    private volatile URI jwksUri;
    private Future<TrustedKeys> inFlight; // guarded by this

    public IssuerKeys(IssuerConfig config, JwksFetcher fetcher, LongSupplier nanos) {
        this.config = config;
        this.fetcher = fetcher;
        this.nanos = nanos;
        this.algorithms = config.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
        this.jwksUri = config.jwksUri();
    }

    public IssuerConfig config() {
        return config;
    }

    /** How many fetches of the JWKS (and discovery) were started; for metrics and tests. */
    public long fetches() {
        return fetches.get();
    }

    /** Keys for verifying a token now. */
    public Future<TrustedKeys> current() {
        long now = nanos.getAsLong();
        long loaded = loadedAt;
        if (loaded == NEVER) {
            // Never loaded: wait for a fetch, but no more than one per min_refetch_interval — an IdP that
            // fails fast must not be hit at request rate.
            if (attemptedAt == NEVER || now - attemptedAt >= config.jwks().minRefetchInterval().toNanos() || inFlightNow()) return fetch();
            return Future.failedFuture(new Unavailable("keys of issuer " + config.name() + " could not be fetched yet"));
        }
        long age = now - loaded;
        if (age > config.jwks().maxStale().toNanos()) {
            // Too old to trust: wait for a fresh fetch (throttled); if none may be made now, refuse.
            if (now - attemptedAt >= config.jwks().minRefetchInterval().toNanos()) return fetch();
            return Future.failedFuture(new Unavailable("keys of issuer " + config.name() + " are older than max_stale"));
        }
        if (age > config.jwks().cacheTtl().toNanos() && now - attemptedAt >= config.jwks().minRefetchInterval().toNanos()) {
            fetch(); // background refresh; this request uses the cached keys
        }
        return Future.succeededFuture(keys);
    }

    /** Keys after a token named a kid we do not know: refetch, unless one was made too recently. */
    public Future<TrustedKeys> forUnknownKid(String kid) {
        if (kid != null && keys.containsKid(kid)) return Future.succeededFuture(keys);
        if (nanos.getAsLong() - attemptedAt < config.jwks().minRefetchInterval().toNanos()) return current();
        return fetch().recover(t -> current());
    }

    private synchronized boolean inFlightNow() {
        return inFlight != null;
    }

    private synchronized Future<TrustedKeys> fetch() {
        if (inFlight != null) return inFlight;
        attemptedAt = nanos.getAsLong();
        Promise<TrustedKeys> done = Promise.promise();
        Future<TrustedKeys> result = done.future();
        inFlight = result;
        Future<URI> where = jwksUri != null ? Future.succeededFuture(jwksUri) : discover();
        where.compose(uri -> {
                    fetches.incrementAndGet();
                    return fetcher.get(uri, config.jwks().timeout());
                })
                .map(json -> {
                    try {
                        TrustedKeys parsed = TrustedKeys.fromJwks(json, algorithms, false);
                        if (!parsed.rejected().isEmpty()) log.warn("issuer {}: keys left out: {}", config.name(), parsed.rejected());
                        return parsed;
                    } catch (java.text.ParseException e) {
                        throw new IllegalStateException("JWKS is not valid JSON");
                    }
                })
                .onComplete(ar -> {
                    synchronized (this) {
                        if (inFlight == result) inFlight = null;
                    }
                    if (ar.succeeded()) {
                        keys = ar.result();
                        loadedAt = nanos.getAsLong();
                        done.complete(ar.result());
                    } else {
                        log.warn("issuer {}: fetching keys failed: {}", config.name(), ar.cause().getMessage());
                        if (loadedAt != NEVER && nanos.getAsLong() - loadedAt <= config.jwks().maxStale().toNanos()) {
                            done.complete(keys); // keep serving with what we have
                        } else {
                            done.fail(new Unavailable("keys of issuer " + config.name() + " could not be fetched"));
                        }
                    }
                });
        return result;
    }

    private Future<URI> discover() {
        URI discovery = URI.create(config.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration");
        fetches.incrementAndGet();
        return fetcher.get(discovery, config.jwks().timeout()).map(json -> {
            Map<String, Object> doc;
            try {
                doc = JSONObjectUtils.parse(json);
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("discovery document is not valid JSON");
            }
            // OIDC Discovery §4.3: the document must name exactly the issuer we asked about.
            if (!config.issuer().equals(doc.get("issuer"))) throw new IllegalStateException("discovery document names another issuer");
            if (!(doc.get("jwks_uri") instanceof String s)) throw new IllegalStateException("discovery document has no jwks_uri");
            URI uri = URI.create(s);
            if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && config.issuer().startsWith("http:"))) {
                throw new IllegalStateException("jwks_uri must use https");
            }
            jwksUri = uri;
            return uri;
        });
    }
}
