package dev.bastion.upstream.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.secrets.Secret;
import dev.bastion.upstream.RequestAuth;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 access tokens for Google APIs (Vertex AI) from a service account's JSON key, by Google's
 * documented JWT-bearer grant: an RS256-signed assertion ({@code iss} the account's e-mail, {@code scope}
 * cloud-platform, {@code aud} the key's {@code token_uri}, valid one hour) posted to {@code token_uri},
 * answered with {@code {"access_token","expires_in","token_type"}}.
 * <p>
 * A token is kept until {@link #REFRESH_BEFORE} before it expires; from then on the next request starts one
 * refresh in the background and goes on with the still-valid token, and only in its last
 * {@link #MIN_VALIDITY} do requests wait for the new one. One fetch at a time (single flight), whatever the
 * number of requests and event loops; each waiting request continues on its own event loop. A failure fails
 * the requests waiting for it ({@link RequestAuth.AuthFailure}, a typed upstream failure) and the next
 * request tries again. The key, the assertion and the tokens are never logged nor put in a message.
 */
public final class GoogleTokenSource implements RequestAuth {
    private static final Logger log = LoggerFactory.getLogger(GoogleTokenSource.class);
    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    static final Duration MIN_VALIDITY = Duration.ofSeconds(60);
    static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientProfile PROFILE = new ClientProfile("google-token", TIMEOUT, 4, Duration.ofSeconds(30), 32 * 1024, true);

    /** A service account key as far as the grant needs it. */
    public record ServiceAccountKey(String clientEmail, String privateKeyId, RSAPrivateKey privateKey, URI tokenUri) {
        @Override
        public String toString() {
            return "ServiceAccountKey[" + clientEmail + ", redacted]";
        }

        /**
         * Reads a JSON key file ({@code type: service_account}). Messages name what is wrong, never a value.
         * The token URI must be https, or http to this machine (a stand-in): the assertion and the token
         * never cross a network in clear text.
         */
        public static ServiceAccountKey parse(String json) {
            JsonNode k;
            try {
                k = JSON.readTree(json);
            } catch (java.io.IOException e) {
                k = null;
            }
            if (k == null || !k.isObject()) throw new IllegalArgumentException("not a JSON service account key");
            if (!"service_account".equals(k.path("type").asText())) throw new IllegalArgumentException("type: not service_account");
            for (String f : new String[] {"client_email", "private_key", "token_uri"}) {
                if (!k.path(f).isTextual() || k.get(f).asText().isBlank()) throw new IllegalArgumentException(f + ": missing");
            }
            URI tokenUri;
            try {
                tokenUri = URI.create(k.get("token_uri").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token_uri: not a URI");
            }
            boolean https = "https".equals(tokenUri.getScheme());
            if (tokenUri.getHost() == null || tokenUri.getRawUserInfo() != null || tokenUri.getRawFragment() != null
                    || !(https || ("http".equals(tokenUri.getScheme()) && loopback(tokenUri.getHost())))) {
                throw new IllegalArgumentException("token_uri: must be https (or http to this machine)");
            }
            return new ServiceAccountKey(k.get("client_email").asText(), k.path("private_key_id").asText(null), rsaKey(k.get("private_key").asText()), tokenUri);
        }

        private static RSAPrivateKey rsaKey(String pem) {
            String b64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
            try {
                return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
            } catch (Exception e) {
                throw new IllegalArgumentException("private_key: not a PKCS#8 RSA private key");
            }
        }

        private static boolean loopback(String host) {
            String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (h.equalsIgnoreCase("localhost")) return true;
            if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) return false; // a literal only: no lookup at start
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
    }

    /** A token and when it stops being valid. */
    record Token(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[redacted, " + expiresAt + "]";
        }
    }

    /** Posts the grant; the production one goes through the {@link OutboundConnector}. */
    @FunctionalInterface
    interface TokenEndpoint {
        /** The answer's status and body. */
        Future<Answer> post(URI tokenUri, String form);

        record Answer(int status, Buffer body) {}
    }

    /** The key in use and the secret it was read from (compared by identity: a rotation brings a new {@link Secret}). */
    private record Keyed(Secret raw, ServiceAccountKey key) {}

    private final Supplier<Secret> keySource;
    private final TokenEndpoint endpoint;
    private final Clock clock;
    private final String name; // for messages: the upstream's config path
    private volatile Keyed keyed;
    private volatile Token current;
    private volatile boolean mintedWithOldKey;
    private Future<Token> inFlight; // guarded by this

    /** A source whose key never changes. */
    GoogleTokenSource(ServiceAccountKey key, TokenEndpoint endpoint, Clock clock, String name) {
        this(() -> null, new Keyed(null, Objects.requireNonNull(key, "key")), endpoint, clock, name);
    }

    /**
     * @param keySource the key file's current content (a rotating secret); read on every token request, parsed again
     *                  only when it changed. A rotated key that cannot be used keeps the previous one, logged once.
     */
    GoogleTokenSource(Supplier<Secret> keySource, Keyed initial, TokenEndpoint endpoint, Clock clock, String name) {
        this.keySource = Objects.requireNonNull(keySource, "keySource");
        this.keyed = Objects.requireNonNull(initial, "initial");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.name = name;
    }

    /**
     * The token source of an upstream with {@code google_service_account_key}, shared by its deployments. The key is
     * re-read when its reference rotates: the next token is minted with the new key, and until it arrives requests
     * go on with the token they have (the old key's tokens stay valid at Google until they expire).
     */
    public static DeploymentAuth forUpstream(Vertx vertx, OutboundConnector connector, dev.bastion.secrets.RotatingSecret keyJson, String where) {
        return forUpstream(keyJson::current, connectorEndpoint(connector), Clock.systemUTC(), where);
    }

    static DeploymentAuth forUpstream(Supplier<Secret> keyJson, TokenEndpoint endpoint, Clock clock, String where) {
        Secret raw = keyJson.get();
        ServiceAccountKey key;
        try {
            key = ServiceAccountKey.parse(raw.reveal());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".google_service_account_key: " + e.getMessage());
        }
        GoogleTokenSource source = new GoogleTokenSource(keyJson, new Keyed(raw, key), endpoint, clock, where);
        return d -> source;
    }

    /** The key to sign with: the current one, parsed once per rotation. */
    private ServiceAccountKey key() {
        Keyed k = keyed;
        Secret raw = keySource.get();
        if (raw == null || raw == k.raw()) return k.key(); // null: a fixed key
        synchronized (this) {
            k = keyed;
            if (raw == k.raw()) return k.key();
            try {
                keyed = new Keyed(raw, ServiceAccountKey.parse(raw.reveal()));
                mintedWithOldKey = current != null;
                log.info("{}: service account key rotated; the next token is minted with it", name);
            } catch (IllegalArgumentException e) {
                keyed = new Keyed(raw, k.key()); // not parsed again until it changes again
                log.warn("{}: the rotated service account key is unusable, keeping the previous one: {}", name, e.getMessage());
            }
            return keyed.key();
        }
    }

    @Override
    public Future<Void> apply(Outgoing r) {
        return token().map(t -> {
            r.headers().set("Authorization", "Bearer " + t);
            return null;
        });
    }

    /** A valid access token: the kept one, or a fresh one (completing on the caller's context). */
    Future<String> token() {
        Instant now = clock.instant();
        key(); // notices a rotated key
        Token t = current;
        if (t != null && mintedWithOldKey && now.isBefore(t.expiresAt().minus(MIN_VALIDITY))) {
            fetch(); // a token of the new key, in the background; this request goes on with the one it has
            return Future.succeededFuture(t.value());
        }
        if (t != null && now.isBefore(t.expiresAt().minus(REFRESH_BEFORE))) return Future.succeededFuture(t.value());
        if (t != null && now.isBefore(t.expiresAt().minus(MIN_VALIDITY))) {
            fetch(); // refreshed in the background; this request goes on with the token it has
            return Future.succeededFuture(t.value());
        }
        Future<Token> shared = fetch();
        Context caller = Vertx.currentContext();
        Promise<String> p = Promise.promise();
        shared.onComplete(ar -> {
            // The fetch may complete on another event loop: each waiting request continues on its own.
            if (caller == null) complete(p, ar.succeeded() ? ar.result().value() : null, ar.cause());
            else caller.runOnContext(v -> complete(p, ar.succeeded() ? ar.result().value() : null, ar.cause()));
        });
        return p.future();
    }

    private static void complete(Promise<String> p, String value, Throwable cause) {
        if (cause == null) p.complete(value);
        else p.fail(cause);
    }

    /** The fetch in flight, or a new one. */
    private synchronized Future<Token> fetch() {
        if (inFlight != null) return inFlight;
        Future<Token> f;
        try {
            f = grant();
        } catch (RuntimeException e) {
            f = Future.failedFuture(new AuthFailure(name + ": could not sign the token request (" + e.getClass().getSimpleName() + ")"));
        }
        inFlight = f;
        Keyed signedWith = keyed;
        f.onComplete(ar -> {
            synchronized (this) {
                inFlight = null;
            }
            if (ar.succeeded()) {
                current = ar.result();
                if (signedWith == keyed) mintedWithOldKey = false;
            }
        });
        return f;
    }

    private Future<Token> grant() {
        Instant now = clock.instant();
        ServiceAccountKey key = key(); // one key for the assertion and where it is posted, whatever rotates meanwhile
        String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) + "&assertion=" + assertion(now, key);
        return endpoint.post(key.tokenUri(), form).compose(a -> {
            JsonNode body;
            try {
                body = a.body() == null ? null : JSON.readTree(a.body().getBytes());
            } catch (java.io.IOException e) {
                body = null;
            }
            if (a.status() / 100 != 2) {
                // Google's error code (invalid_grant…) is a name; its description and anything else stay out.
                String error = body == null ? "" : body.path("error").asText("");
                return Future.failedFuture(new AuthFailure(name + ": the token endpoint answered " + a.status()
                        + (error.matches("[a-z_]{1,40}") ? " (" + error + ")" : "")));
            }
            if (body == null || !body.path("access_token").isTextual() || body.get("access_token").asText().isBlank()) {
                return Future.failedFuture(new AuthFailure(name + ": the token endpoint's answer has no access_token"));
            }
            if (!"bearer".equalsIgnoreCase(body.path("token_type").asText("Bearer"))) {
                return Future.failedFuture(new AuthFailure(name + ": the token endpoint's token is not a bearer token"));
            }
            long expiresIn = body.path("expires_in").asLong(3600);
            if (expiresIn <= 0) return Future.failedFuture(new AuthFailure(name + ": the token endpoint's token has already expired"));
            return Future.succeededFuture(new Token(body.get("access_token").asText(), now.plusSeconds(expiresIn)));
        });
    }

    /** The RS256 assertion of Google's JWT-bearer grant. */
    String assertion(Instant now) {
        return assertion(now, key());
    }

    private static String assertion(Instant now, ServiceAccountKey key) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(key.clientEmail()).audience(key.tokenUri().toString()).claim("scope", SCOPE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ASSERTION_LIFETIME))).build();
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (key.privateKeyId() != null && !key.privateKeyId().isBlank()) header.keyID(key.privateKeyId());
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            jwt.sign(new RSASSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("RS256 signing failed");
        }
        return jwt.serialize();
    }

    /** The token request through the connector: POST, form-encoded, redirects never followed, at most 64 KiB back, within {@code TIMEOUT} in all. */
    static TokenEndpoint connectorEndpoint(OutboundConnector connector) {
        return (uri, form) -> {
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                    .putHeader("Content-Type", "application/x-www-form-urlencoded").putHeader("Accept", "application/json");
            return connector.whole(Destination.of(uri), PROFILE, options, Buffer.buffer(form), MAX_ANSWER_BYTES, TIMEOUT)
                    .recover(t -> Future.failedFuture(t instanceof OutboundConnector.TooLarge ? new AuthFailure("the token endpoint's answer is too large") : t))
                    .map(resp -> new TokenEndpoint.Answer(resp.status(), resp.body()));
        };
    }
}
