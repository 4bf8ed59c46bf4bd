package dev.bastion.dataprotect;

import dev.bastion.config.DataProtectionConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * An AWS KMS symmetric key as the KEK ({@code aws-kms:ARN}, {@code aws-kms:alias/NAME}): a data key is wrapped
 * by KMS {@code Encrypt} and unwrapped by {@code Decrypt}, with the data key's scope and version as the
 * encryption context, so KMS itself refuses a wrapped key presented for another scope (and CloudTrail records
 * which scope was opened). The key never leaves KMS. Calls block: they run on store or writer threads, never an
 * event loop. The SDK's HTTP goes through the given client (the egress connector in the gateway and the CLI).
 */
final class AwsKmsKek implements Kek {
    static final String PREFIX = "aws-kms:";
    private static final String CONTEXT_KEY = "bastion:data_key";

    private final String id;
    private final String keyId;
    private final KmsClient client;

    AwsKmsKek(String id, DataProtectionConfig.Aws aws, AwsCredentialsProvider credentials, SdkHttpClient http, Duration timeout) {
        this.id = id;
        this.keyId = id.substring(PREFIX.length());
        String region = aws != null && aws.region() != null ? aws.region() : regionOf(keyId);
        URI endpoint = aws == null ? null : aws.endpoint();
        var builder = KmsClient.builder().httpClient(http).region(Region.of(region)).credentialsProvider(credentials)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout.multipliedBy(2)));
        if (endpoint != null) builder.endpointOverride(endpoint);
        this.client = builder.build();
    }

    static String regionOf(String keyId) {
        String[] parts = keyId.split(":");
        if (parts.length < 6 || !parts[0].equals("arn")) throw new DataKeyException(PREFIX + keyId + ": names no region (set data_protection.aws.region)");
        return parts[3];
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(byte[] dataKey, String context) {
        try {
            return client.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromByteArray(dataKey)).encryptionContext(Map.of(CONTEXT_KEY, context)))
                    .ciphertextBlob().asByteArray();
        } catch (SdkException e) {
            throw failure("Encrypt", context, e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, String context) {
        try {
            return client.decrypt(b -> b.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(wrapped)).encryptionContext(Map.of(CONTEXT_KEY, context)))
                    .plaintext().asByteArray();
        } catch (SdkException e) {
            throw failure("Decrypt", context, e);
        }
    }

    /** Only the error's type and what it means: what reaches a log is decided here. */
    private DataKeyException failure(String call, String context, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? "status " + s.statusCode() : s.awsErrorDetails().errorCode();
            String meaning = switch (code) {
                case "DisabledException" -> " (the key is disabled)";
                case "KMSInvalidStateException" -> " (the key is pending deletion or not usable)";
                case "NotFoundException" -> " (no such key)";
                case "AccessDeniedException" -> " (this identity may not use the key)";
                case "InvalidCiphertextException", "IncorrectKeyException" -> " (not wrapped by this key for " + context + ")";
                case "ThrottlingException", "KMSInternalException", "DependencyTimeoutException" -> " (try again)";
                default -> s.statusCode() >= 500 ? " (KMS unavailable; try again)" : "";
            };
            // No cause attached: the SDK's message is not ours to log (what is logged is decided here).
            return new DataKeyException(id + ": KMS " + call + " answered " + code + meaning);
        }
        if (e instanceof SdkClientException) return new DataKeyException(id + ": cannot reach KMS for " + call + " (" + root(e) + ")");
        return new DataKeyException(id + ": KMS " + call + " failed (" + e.getClass().getSimpleName() + ")");
    }

    private static String root(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m != null && m.startsWith("egress_denied") ? ": " + m : "");
    }

    void close() {
        client.close();
    }
}
