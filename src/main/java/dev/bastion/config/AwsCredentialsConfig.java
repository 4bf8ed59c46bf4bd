package dev.bastion.config;

/**
 * The AWS credentials an upstream signs its requests with (SigV4), each a secret reference like
 * {@code api_key}: resolved at start, never in the config file.
 *
 * @param accessKeyId     {@code env:AWS_ACCESS_KEY_ID}
 * @param secretAccessKey {@code env:AWS_SECRET_ACCESS_KEY}
 * @param sessionToken    for temporary credentials ({@code env:AWS_SESSION_TOKEN}); omit for long-term keys
 */
public record AwsCredentialsConfig(SecretRef accessKeyId, SecretRef secretAccessKey, SecretRef sessionToken) {
    public AwsCredentialsConfig {
        if (accessKeyId == null) throw new IllegalArgumentException("access_key_id: missing (e.g. env:AWS_ACCESS_KEY_ID)");
        if (secretAccessKey == null) throw new IllegalArgumentException("secret_access_key: missing (e.g. env:AWS_SECRET_ACCESS_KEY)");
    }
}
