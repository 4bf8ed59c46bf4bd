package dev.bastion.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.upstream.auth.SigV4;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for AWS Secrets Manager on loopback, speaking its documented JSON 1.1 protocol: {@code POST /}
 * with {@code X-Amz-Target: secretsmanager.GetSecretValue} and {@code Content-Type: application/x-amz-json-1.1},
 * answering {@code {"ARN","Name","VersionId","SecretString","VersionStages","CreatedDate"}}. <b>Every request's
 * SigV4 signature is verified</b> (the project's {@link SigV4#verify}, against the one key pair it knows, region
 * and service {@code secretsmanager}); errors are AWS's: HTTP 400 with {@code {"__type","message"}} and
 * {@code x-amzn-ErrorType} — {@code ResourceNotFoundException}, {@code AccessDeniedException},
 * {@code UnrecognizedClientException} (unknown key id), {@code InvalidSignatureException},
 * {@code DecryptionFailure}.
 */
public final class SecretsManagerStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String SERVICE = "secretsmanager";

    /** One version of a secret; the last added is AWSCURRENT. */
    public record Version(String versionId, String secretString, Instant created) {}

    private final HttpServer server;
    private final SigV4.Credentials credentials;
    private final String region;
    private final Map<String, List<Version>> secrets = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Set<String> undecryptable = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calls = new AtomicInteger();
    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();

    public SecretsManagerStandIn(Vertx vertx, SigV4.Credentials credentials, String region) throws Exception {
        this.credentials = credentials;
        this.region = region;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(body -> handle(req, body.getBytes())));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Puts a new AWSCURRENT version of {@code name}; returns its VersionId. */
    public String put(String name, String secretString) {
        return putAt(name, secretString, Instant.now());
    }

    public String putAt(String name, String secretString, Instant created) {
        String id = UUID.randomUUID().toString();
        secrets.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(new Version(id, secretString, created));
        return id;
    }

    public void deny(String name) {
        denied.add(name);
    }

    public void breakDecryption(String name) {
        undecryptable.add(name);
    }

    /** Every request received. */
    public int calls() {
        return calls.get();
    }

    /** GetSecretValue calls for {@code name} that passed the signature check. */
    public int reads(String name) {
        AtomicInteger n = reads.get(name);
        return n == null ? 0 : n.get();
    }

    /** The error types answered for failed signature checks, in order. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    private void handle(HttpServerRequest req, byte[] body) {
        calls.incrementAndGet();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        SigV4.Rejection bad = SigV4.verify(req.method().name(), req.path(), req.query(), headers, body, credentials, region, SERVICE, Instant.now());
        if (bad != null) {
            rejections.add(bad.errorType());
            error(req, bad.errorType().equals("MissingAuthenticationTokenException") ? 403 : 400, bad.errorType(), bad.message());
            return;
        }
        if (!req.method().name().equals("POST") || !"/".equals(req.path())) {
            error(req, 404, "UnknownOperationException", null);
            return;
        }
        String contentType = req.getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
            error(req, 400, "SerializationException", "Start of structure or map found where not expected.");
            return;
        }
        if (!"secretsmanager.GetSecretValue".equals(req.getHeader("X-Amz-Target"))) {
            error(req, 400, "UnknownOperationException", null);
            return;
        }
        JsonNode in;
        try {
            in = JSON.readTree(body);
        } catch (Exception e) {
            error(req, 400, "SerializationException", "Malformed JSON");
            return;
        }
        String id = in.path("SecretId").asText("");
        String stage = in.path("VersionStage").asText("AWSCURRENT");
        reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        if (denied.contains(id)) {
            error(req, 400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/bastion is not authorized to perform: secretsmanager:GetSecretValue on resource: " + id);
            return;
        }
        List<Version> versions = secrets.get(id);
        if (versions == null || versions.isEmpty() || !stage.equals("AWSCURRENT")) {
            error(req, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            return;
        }
        if (undecryptable.contains(id)) {
            error(req, 400, "DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
            return;
        }
        Version v = versions.getLast();
        ObjectNode out = JSON.createObjectNode().put("ARN", "arn:aws:secretsmanager:" + region + ":123456789012:secret:" + id + "-AbCdEf")
                .put("Name", id).put("VersionId", v.versionId()).put("SecretString", v.secretString())
                .put("CreatedDate", v.created().toEpochMilli() / 1000.0);
        out.putArray("VersionStages").add("AWSCURRENT");
        req.response().setStatusCode(200).putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("x-amzn-RequestId", UUID.randomUUID().toString()).end(out.toString());
    }

    /** An error as AWS JSON 1.1 services answer it (also used by {@link KmsStandIn}). */
    static void error(HttpServerRequest req, int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("__type", type);
        if (message != null) body.put("message", message);
        req.response().setStatusCode(status).putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("x-amzn-ErrorType", type + ":").putHeader("x-amzn-RequestId", UUID.randomUUID().toString()).end(body.toString());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
