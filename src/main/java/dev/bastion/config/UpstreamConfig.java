package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A service Bastion forwards to: a model provider or the application's own API.
 *
 * @param url             {@code http(s)://host[:port][/base-path]}; the route's request path is appended
 * @param apiKey          the upstream's own credential, as {@code env:NAME} or {@code file:PATH}; injected
 *                        per request, never visible to clients; omit for upstreams that need none
 * @param apiKeyHeader    how the key is sent: {@code authorization} (Bearer, default), {@code x-api-key}
 *                        (Anthropic), {@code api-key} (Azure OpenAI), {@code x-goog-api-key} (Google's Gemini API)
 * @param connectTimeout  default 5s; exceeding it → 502
 * @param responseTimeout time until the upstream's response headers; exceeding it → 504; default 120s
 * @param idleTimeout     longest pause inside a streamed response before the stream is cut; default 60s
 * @param maxConnections  pooled connections to this upstream; default 256
 * @param kind            {@code app} (default: the application's own service) or {@code ai} (a model provider:
 *                        it never receives end-user tokens and, by default, no identity token)
 * @param identityToken   send {@code X-Bastion-Identity}, a ≤ 60 s JWT signed by Bastion with the caller's
 *                        sub, org, roles and scopes; default true for {@code app}, false for {@code ai}
 * @param hmacSecret      sign every request with HMAC-SHA256 ({@code X-Bastion-Signature}) using this secret
 * @param apiKeys         a pool of credentials instead of one {@code api_key}: a model deployment on this upstream
 *                        spreads its requests over them and moves to the next one on a 429 (U3)
 * @param firstTokenTimeout time from the response headers to the first byte of the answer (a model's first
 *                        token); exceeding it → 504, or a fallback where the route allows; default {@code response_timeout}
 * @param totalTimeout    the longest an answer may take from the request to its last byte, streams included;
 *                        default 10m
 * @param awsCredentials  instead of a key: AWS credentials the requests of this upstream's {@code bedrock}
 *                        deployments are signed with (SigV4, for the deployment's region)
 * @param googleServiceAccountKey instead of a key: a Google service account's JSON key ({@code file:PATH}); the
 *                        upstream's {@code vertex} deployments send OAuth2 access tokens obtained with it
 * @param tlsSettings     ({@code tls} in YAML) mTLS and pinning towards an {@code https} upstream: a client certificate, the only CAs trusted, SPKI pins
 */
public record UpstreamConfig(URI url, SecretRef apiKey, ApiKeyHeader apiKeyHeader, Duration connectTimeout,
                             Duration responseTimeout, Duration idleTimeout, Integer maxConnections, Kind kind,
                             Boolean identityToken, SecretRef hmacSecret, List<SecretRef> apiKeys,
                             Duration firstTokenTimeout, Duration totalTimeout, AwsCredentialsConfig awsCredentials,
                             SecretRef googleServiceAccountKey, @JsonProperty("tls") UpstreamTlsConfig tlsSettings) {

    public UpstreamConfig(URI url, SecretRef apiKey, ApiKeyHeader apiKeyHeader, Duration connectTimeout, Duration responseTimeout,
                          Duration idleTimeout, Integer maxConnections, Kind kind, Boolean identityToken, SecretRef hmacSecret) {
        this(url, apiKey, apiKeyHeader, connectTimeout, responseTimeout, idleTimeout, maxConnections, kind, identityToken, hmacSecret,
                null, null, null, null, null, null);
    }

    public enum Kind {
        @JsonProperty("app") APP,
        @JsonProperty("ai") AI
    }

    public enum ApiKeyHeader {
        @JsonProperty("authorization") AUTHORIZATION("Authorization"),
        @JsonProperty("x-api-key") X_API_KEY("X-Api-Key"),
        @JsonProperty("api-key") API_KEY("Api-Key"),
        @JsonProperty("x-goog-api-key") X_GOOG_API_KEY("X-Goog-Api-Key");

        public final String headerName;

        ApiKeyHeader(String headerName) {
            this.headerName = headerName;
        }
    }

    public UpstreamConfig {
        checkServiceUrl(url);
        apiKeyHeader = apiKeyHeader == null ? ApiKeyHeader.AUTHORIZATION : apiKeyHeader;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(120) : responseTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        EdgeConfig.requirePositive("connect_timeout", connectTimeout);
        EdgeConfig.requirePositive("response_timeout", responseTimeout);
        EdgeConfig.requirePositive("idle_timeout", idleTimeout);
        firstTokenTimeout = firstTokenTimeout == null ? responseTimeout : firstTokenTimeout;
        totalTimeout = totalTimeout == null ? Duration.ofMinutes(10) : totalTimeout;
        EdgeConfig.requirePositive("first_token_timeout", firstTokenTimeout);
        EdgeConfig.requirePositive("total_timeout", totalTimeout);
        if (apiKey != null && apiKeys != null) throw new IllegalArgumentException("api_key and api_keys: one credential or a pool, not both");
        apiKeys = apiKeys == null ? (apiKey == null ? List.of() : List.of(apiKey)) : List.copyOf(apiKeys);
        if (apiKeys.size() > 64) throw new IllegalArgumentException("api_keys: " + apiKeys.size() + " keys (at most 64)");
        maxConnections = maxConnections == null ? 256 : maxConnections;
        if (maxConnections < 1) throw new IllegalArgumentException("max_connections: " + maxConnections + " (expected: > 0)");
        kind = kind == null ? Kind.APP : kind;
        identityToken = identityToken == null ? kind == Kind.APP : identityToken;
        // One credential per upstream: a key beside signed or token-bearing requests would reach the provider too.
        int credentials = (!apiKeys.isEmpty() ? 1 : 0) + (awsCredentials != null ? 1 : 0) + (googleServiceAccountKey != null ? 1 : 0);
        if (tlsSettings != null && !"https".equals(url.getScheme())) throw new IllegalArgumentException("tls: only for an https url");
        if (credentials > 1) throw new IllegalArgumentException("api_key(s), aws_credentials, google_service_account_key: an upstream has one credential (found "
                + credentials + ")");
    }

    /** Whether the upstream's requests are authenticated per deployment (signed, or with a fetched token) rather than with a key. */
    public boolean deploymentAuth() {
        return awsCredentials != null || googleServiceAccountKey != null;
    }

    /**
     * A service Bastion calls, from config only: http(s) with a host, no credentials in it (they belong in
     * a secret reference), no query or fragment.
     */
    static void checkServiceUrl(URI url) {
        if (url == null) throw new IllegalArgumentException("url: missing (expected: http(s)://host[:port][/path])");
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("url: scheme '" + scheme + "' (expected: http or https)");
        }
        if (url.getHost() == null) throw new IllegalArgumentException("url: no host in '" + url + "'");
        if (url.getRawUserInfo() != null) throw new IllegalArgumentException("url: credentials in the URL are refused (use api_key: env:NAME)");
        if (url.getRawQuery() != null || url.getRawFragment() != null) throw new IllegalArgumentException("url: query and fragment are not allowed");
    }

    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    public int port() {
        return url.getPort() != -1 ? url.getPort() : tls() ? 443 : 80;
    }

    /** The base path without a trailing slash ("" when none). */
    public String basePath() {
        String p = url.getRawPath();
        if (p == null || p.isEmpty() || "/".equals(p)) return "";
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
