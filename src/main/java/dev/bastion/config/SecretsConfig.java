package dev.bastion.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where Bastion's secrets come from and how it keeps them fresh: {@code file:} references are re-read on a
 * schedule (a Kubernetes secret rotates in place, often by swapping a symlink, which file-change events miss),
 * {@code vault:} and {@code aws-sm:} references are read from their secret store at start and polled while
 * running, per-org provider keys are cached per org, and every reference is due for rotation once older than
 * its maximum age.
 *
 * @param pollInterval       how often {@code file:} references are re-read; default 5s
 * @param remotePollInterval how often {@code vault:} and {@code aws-sm:} references are re-read; default 60s
 * @param maxAge             the age after which a secret is due for rotation; default 90d
 * @param refs               per-reference settings, keyed by where the reference is used
 *                           ({@code upstreams.openai.api_key}, {@code tokens.master_key})
 * @param vault              the Vault server {@code vault:} references are read from; null when none is used
 * @param aws                the AWS Secrets Manager settings {@code aws-sm:} references use; null for the SDK's defaults
 * @param env                what {@code {env}} stands for in a reference; default the config's {@code environment}
 * @param orgKeys            the per-org provider key cache
 * @param timeout            the longest one read from Vault or Secrets Manager may take; default 10s
 * @param graceWindow        after an upstream key rotates, how long a request the provider refuses with 401 under the
 *                           new key is sent once more with the previous one; default 10m, 0 turns it off
 */
public record SecretsConfig(Duration pollInterval, Duration remotePollInterval, Duration maxAge, Map<String, Ref> refs, Vault vault, Aws aws,
                            String env, OrgKeys orgKeys, Duration timeout, Duration graceWindow) {
    public static final SecretsConfig DEFAULTS = new SecretsConfig(null, null, null, null, null, null, null, null, null, null);

    /** @param maxAge this reference's maximum age, instead of {@code secrets.max_age} */
    public record Ref(Duration maxAge) {
        public Ref {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) throw new IllegalArgumentException("max_age must be positive");
        }
    }

    /**
     * A HashiCorp Vault server (KV version 2 secrets engine).
     *
     * @param address   {@code https://vault.internal:8200}
     * @param namespace Vault Enterprise namespace, sent as {@code X-Vault-Namespace}; null for none
     * @param caFile    PEM file of the CA that signed Vault's certificate, when the system's trust store does not hold it
     * @param auth      how Bastion logs in
     */
    public record Vault(URI address, String namespace, Path caFile, VaultAuth auth) {
        public Vault {
            if (address == null) throw new IllegalArgumentException("secrets.vault.address: missing (e.g. https://vault.internal:8200)");
            String scheme = address.getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme)) throw new IllegalArgumentException("secrets.vault.address: must be an http(s) URL");
            if (auth == null) throw new IllegalArgumentException("secrets.vault.auth: missing (token: env:VAULT_TOKEN, or approle: {role_id, secret_id})");
        }
    }

    /**
     * Exactly one of a token or AppRole credentials.
     *
     * @param token   a Vault token, itself a reference ({@code env:VAULT_TOKEN}, {@code file:/run/secrets/vault-token})
     * @param approle AppRole login
     */
    public record VaultAuth(SecretRef token, AppRole approle) {
        public VaultAuth {
            if ((token == null) == (approle == null)) throw new IllegalArgumentException("secrets.vault.auth: set exactly one of token and approle");
            if (token != null && token.kind().remote()) throw new IllegalArgumentException("secrets.vault.auth.token: must be an env: or file: reference");
        }
    }

    /**
     * @param roleId   the role's id (not a secret on its own)
     * @param secretId the role's secret id, a reference ({@code file:/run/secrets/vault-secret-id})
     * @param mount    where the AppRole auth method is mounted; default {@code approle}
     */
    public record AppRole(String roleId, SecretRef secretId, String mount) {
        public AppRole {
            if (roleId == null || roleId.isBlank()) throw new IllegalArgumentException("secrets.vault.auth.approle.role_id: missing");
            if (secretId == null) throw new IllegalArgumentException("secrets.vault.auth.approle.secret_id: missing (e.g. file:/run/secrets/vault-secret-id)");
            if (secretId.kind().remote()) throw new IllegalArgumentException("secrets.vault.auth.approle.secret_id: must be an env: or file: reference");
            mount = mount == null ? "approle" : mount;
            if (!mount.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) throw new IllegalArgumentException("secrets.vault.auth.approle.mount: not a mount path");
        }
    }

    /**
     * AWS Secrets Manager.
     *
     * @param region      e.g. {@code eu-west-1}; required
     * @param endpoint    an endpoint instead of the region's public one (a VPC endpoint); null for the default
     * @param credentials static credentials as references; null for the AWS SDK's default chain
     */
    public record Aws(String region, URI endpoint, AwsCredentialsConfig credentials) {
        public Aws {
            if (region == null || region.isBlank()) throw new IllegalArgumentException("secrets.aws.region: missing (e.g. eu-west-1)");
            if (endpoint != null && !"https".equals(endpoint.getScheme()) && !"http".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("secrets.aws.endpoint: must be an http(s) URL");
            }
            if (credentials != null && (credentials.accessKeyId().kind().remote() || credentials.secretAccessKey().kind().remote()
                    || credentials.sessionToken() != null && credentials.sessionToken().kind().remote())) {
                throw new IllegalArgumentException("secrets.aws.credentials: must be env: or file: references");
            }
        }
    }

    /**
     * @param cacheTtl   how long an org's key is used before it is read again (rotation is picked up then); default 5m
     * @param cacheSize  the most (reference, org) keys kept; default 10000
     * @param missingTtl how long "this org has no key" is remembered; default 30s
     */
    public record OrgKeys(Duration cacheTtl, Integer cacheSize, Duration missingTtl) {
        public OrgKeys {
            cacheTtl = cacheTtl == null ? Duration.ofMinutes(5) : cacheTtl;
            cacheSize = cacheSize == null ? 10_000 : cacheSize;
            missingTtl = missingTtl == null ? Duration.ofSeconds(30) : missingTtl;
            if (cacheTtl.toMillis() < 1 || missingTtl.toMillis() < 1) throw new IllegalArgumentException("secrets.org_keys: TTLs must be positive");
            if (cacheSize < 1) throw new IllegalArgumentException("secrets.org_keys.cache_size: must be positive");
        }
    }

    public SecretsConfig {
        pollInterval = pollInterval == null ? Duration.ofSeconds(5) : pollInterval;
        remotePollInterval = remotePollInterval == null ? Duration.ofSeconds(60) : remotePollInterval;
        maxAge = maxAge == null ? Duration.ofDays(90) : maxAge;
        refs = refs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refs));
        orgKeys = orgKeys == null ? new OrgKeys(null, null, null) : orgKeys;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        graceWindow = graceWindow == null ? Duration.ofMinutes(10) : graceWindow;
        if (graceWindow.isNegative() || graceWindow.compareTo(Duration.ofDays(1)) > 0) throw new IllegalArgumentException("secrets.grace_window: expected 0 to 1d");
        if (pollInterval.toMillis() < 100) throw new IllegalArgumentException("secrets.poll_interval must be at least 100ms");
        if (remotePollInterval.toMillis() < 100) throw new IllegalArgumentException("secrets.remote_poll_interval must be at least 100ms");
        if (maxAge.isNegative() || maxAge.isZero()) throw new IllegalArgumentException("secrets.max_age must be positive");
        if (timeout.toMillis() < 100) throw new IllegalArgumentException("secrets.timeout must be at least 100ms");
        if (env != null && !SecretRef.SAFE_SEGMENT.matcher(env).matches()) throw new IllegalArgumentException("secrets.env: letters, digits, '_' and '-' only");
    }

    /** What {@code {env}} stands for: {@code secrets.env}, else the config's {@code environment} ({@code dev}, {@code prod}). */
    public String envOr(Environment environment) {
        return env != null ? env : environment.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The maximum age of the reference used at {@code place}. */
    public Duration maxAgeOf(String place) {
        Ref r = refs.get(place);
        return r != null && r.maxAge() != null ? r.maxAge() : maxAge;
    }
}
