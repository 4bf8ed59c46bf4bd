package dev.bastion.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.AwsCredentialsConfig;
import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.EgressSdkHttpClient;
import dev.bastion.egress.OutboundConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * {@code aws-sm:SECRET_ID[#JSON_KEY]} references, read with the AWS SDK for Java v2's Secrets Manager client
 * ({@code GetSecretValue}, version stage {@code AWSCURRENT}). The SDK's HTTP goes through the
 * {@link OutboundConnector} ({@link EgressSdkHttpClient}), so the egress policy applies to it. The SDK is
 * synchronous: its calls run on this source's own two threads, never on an event loop. With a {@code #JSON_KEY}
 * the SecretString must be a JSON object and the value is that key's; without one it is the whole SecretString.
 * Binary secrets are not supported.
 */
public final class AwsSecretsManagerSource implements SecretSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAGE = "AWSCURRENT";

    private final SecretsManagerClient client;
    private final ExecutorService calls = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("bastion-aws-sm").unstarted(r));

    public AwsSecretsManagerSource(io.vertx.core.Vertx vertx, OutboundConnector connector, SecretsConfig.Aws config, Duration timeout, SecretResolver resolver) {
        ClientProfile profile = new ClientProfile("secrets:aws-sm", Duration.ofSeconds(5), 4, Duration.ofSeconds(30), 64 * 1024, false);
        var builder = SecretsManagerClient.builder()
                .httpClient(new EgressSdkHttpClient(vertx, connector, profile, timeout, 1024 * 1024))
                .region(Region.of(config.region()))
                .credentialsProvider(credentials(config.credentials(), resolver))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout.multipliedBy(2)));
        if (config.endpoint() != null) builder.endpointOverride(config.endpoint());
        this.client = builder.build();
    }

    private static AwsCredentialsProvider credentials(AwsCredentialsConfig c, SecretResolver resolver) {
        return credentials(c, resolver, "secrets.aws.credentials.");
    }

    /** The SDK's credentials from references ({@code at}: where they are configured, for errors), or its default chain when none. */
    public static AwsCredentialsProvider credentials(AwsCredentialsConfig c, SecretResolver resolver, String at) {
        if (c == null) return DefaultCredentialsProvider.builder().build();
        String id = resolver.resolve(c.accessKeyId(), at + "access_key_id").reveal();
        String secret = resolver.resolve(c.secretAccessKey(), at + "secret_access_key").reveal();
        if (c.sessionToken() == null) return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(id, secret, resolver.resolve(c.sessionToken(), at + "session_token").reveal()));
    }

    @Override
    public CompletableFuture<Fetched> fetch(SecretRef ref) {
        return CompletableFuture.supplyAsync(() -> read(ref), calls);
    }

    private Fetched read(SecretRef ref) {
        String where = ref.toString();
        GetSecretValueResponse r;
        try {
            r = client.getSecretValue(b -> b.secretId(ref.awsSecretId()).versionStage(STAGE));
        } catch (AwsServiceException e) {
            throw failure(where, e);
        } catch (SdkClientException e) {
            throw new Failure(Reason.UNAVAILABLE, where + ": cannot reach Secrets Manager (" + cause(e) + ")");
        } catch (SdkException e) {
            throw new Failure(Reason.UNAVAILABLE, where + ": Secrets Manager call failed (" + e.getClass().getSimpleName() + ")");
        }
        String text = r.secretString();
        if (text == null) throw new Failure(Reason.MISSING, where + ": the secret has no SecretString (binary secrets are not supported)");
        String key = ref.awsJsonKey();
        String value = text;
        if (key != null) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (IOException e) {
                throw new Failure(Reason.MISSING, where + ": the SecretString is not a JSON object, so it has no key '" + key + "'");
            }
            JsonNode v = json == null || !json.isObject() ? null : json.get(key);
            if (v == null || v.isNull() || v.isContainerNode()) throw new Failure(Reason.MISSING, where + ": the secret's JSON has no text key '" + key + "'");
            value = v.asText();
        }
        return new Fetched(value, r.versionId(), r.createdDate());
    }

    private static Failure failure(String where, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        code = code == null ? "status " + e.statusCode() : code;
        Reason reason = switch (code) {
            case "ResourceNotFoundException" -> Reason.MISSING;
            case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
                 "MissingAuthenticationTokenException", "ExpiredTokenException", "DecryptionFailure", "DecryptionFailureException",
                 "InvalidRequestException", "InvalidParameterException" -> Reason.DENIED;
            default -> Reason.UNAVAILABLE;
        };
        // Only the error's type: AWS's messages are safe in practice, but what reaches a log is decided here.
        return new Failure(reason, where + ": Secrets Manager answered " + code + (reason == Reason.MISSING ? " (no such secret, or no AWSCURRENT version)" : ""));
    }

    private static String cause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m != null && m.startsWith("egress_denied") ? ": " + m : "");
    }

    @Override
    public void close() {
        client.close();
        calls.shutdownNow();
    }
}
