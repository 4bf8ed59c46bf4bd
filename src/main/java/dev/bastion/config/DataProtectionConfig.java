package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Envelope encryption of what Bastion stores (docs/data-protection.md): a key-encryption key (KEK) wraps data
 * keys (DEKs), one set per org and one per user; stored data is sealed with a DEK, so destroying a user's DEK
 * makes what was sealed for them unreadable (crypto-shredding).
 *
 * @param kek          the key-encryption key: {@code master} (default: {@code tokens.master_key}'s keyset) or
 *                     {@code aws-kms:ARN} / {@code aws-kms:alias/NAME} (an AWS KMS symmetric key; the data keys
 *                     are wrapped by KMS Encrypt and unwrapped by Decrypt, with the key's scope as encryption context)
 * @param rotateEvery  a data key older than this gets a new version on its next use for writing; older
 *                     versions stay for reading; default 90d
 * @param cacheSize    unwrapped data keys kept in memory; default 10000
 * @param cacheTtl     how long an unwrapped data key stays in memory: also how long another node may still read
 *                     with a key this one destroyed; default 5m
 * @param auditEncrypt audit members sealed before they are hashed: {@code ip}, {@code actor}; default none
 * @param aws          where {@code aws-kms:} keys are called; null for the region in the key's ARN (required for
 *                     an alias) and the SDK's default credentials
 */
public record DataProtectionConfig(String kek, Duration rotateEvery, Integer cacheSize, Duration cacheTtl, Set<AuditField> auditEncrypt, Aws aws) {
    public static final String MASTER = "master";
    public static final DataProtectionConfig DEFAULTS = new DataProtectionConfig(null, null, null, null, null, null);

    /** An audit member that can be sealed. */
    public enum AuditField {
        @JsonProperty("ip") IP,
        @JsonProperty("actor") ACTOR
    }

    /**
     * @param region      e.g. {@code eu-west-1}; default the one in the key's ARN
     * @param endpoint    an endpoint instead of the region's public one (a VPC endpoint); null for the default
     * @param credentials static credentials as {@code env:}/{@code file:} references; null for the SDK's default chain
     */
    public record Aws(String region, URI endpoint, AwsCredentialsConfig credentials) {
        public Aws {
            if (endpoint != null && !"https".equals(endpoint.getScheme()) && !"http".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("data_protection.aws.endpoint: must be an http(s) URL");
            }
            if (credentials != null && (credentials.accessKeyId().kind().remote() || credentials.secretAccessKey().kind().remote()
                    || credentials.sessionToken() != null && credentials.sessionToken().kind().remote())) {
                throw new IllegalArgumentException("data_protection.aws.credentials: must be env: or file: references");
            }
        }
    }

    public DataProtectionConfig {
        kek = kek == null ? MASTER : kek;
        if (!kek.equals(MASTER) && !kek.startsWith("aws-kms:")) {
            throw new IllegalArgumentException("data_protection.kek: '" + kek + "' (expected: master, aws-kms:ARN or aws-kms:alias/NAME)");
        }
        if (kek.startsWith("aws-kms:")) {
            String id = kek.substring("aws-kms:".length());
            if (!id.matches("(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/[A-Za-z0-9/_-]+|alias/[A-Za-z0-9/_-]+|[0-9a-f-]{36})")) {
                throw new IllegalArgumentException("data_protection.kek: '" + kek + "' is not a KMS key ARN, alias ARN, alias/NAME or key id");
            }
            if (!id.startsWith("arn:") && (aws == null || aws.region() == null)) {
                throw new IllegalArgumentException("data_protection.kek: " + kek + " names no region; set data_protection.aws.region or use the key's ARN");
            }
        }
        rotateEvery = rotateEvery == null ? Duration.ofDays(90) : rotateEvery;
        EdgeConfig.requirePositive("data_protection.rotate_every", rotateEvery);
        cacheSize = cacheSize == null ? 10_000 : cacheSize;
        if (cacheSize < 1) throw new IllegalArgumentException("data_protection.cache_size: " + cacheSize + " (expected: >= 1)");
        cacheTtl = cacheTtl == null ? Duration.ofMinutes(5) : cacheTtl;
        EdgeConfig.requirePositive("data_protection.cache_ttl", cacheTtl);
        auditEncrypt = auditEncrypt == null ? Set.of() : Set.copyOf(auditEncrypt);
    }

    public boolean seals(AuditField field) {
        return auditEncrypt.contains(field);
    }

}
