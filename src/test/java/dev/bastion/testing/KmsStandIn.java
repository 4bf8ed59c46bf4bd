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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for AWS KMS on loopback, speaking its JSON 1.1 protocol as documented: {@code POST /} with
 * {@code X-Amz-Target: TrentService.Encrypt|Decrypt|GenerateDataKey|DescribeKey} and
 * {@code Content-Type: application/x-amz-json-1.1}, blobs as base64 strings. <b>Every request's SigV4 signature
 * is verified</b> (service {@code kms}). Keys are symmetric (AES-256-GCM inside); a ciphertext blob names its
 * key and is bound to the encryption context, as KMS's are: Decrypt with another context answers
 * {@code InvalidCiphertextException}, with another {@code KeyId} {@code IncorrectKeyException}. Errors are
 * AWS's: HTTP 400 with {@code {"__type","message"}} — {@code NotFoundException}, {@code DisabledException},
 * {@code AccessDeniedException}, {@code KMSInvalidStateException}; {@link #down()} answers 503 to everything.
 */
public final class KmsStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String SERVICE = "kms";
    public static final String ACCOUNT = "123456789012";

    private record Key(String arn, byte[] material) {}

    private final HttpServer server;
    private final SigV4.Credentials credentials;
    private final String region;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Map<String, Boolean> disabled = new ConcurrentHashMap<>();
    private final Map<String, Boolean> denied = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public KmsStandIn(Vertx vertx, SigV4.Credentials credentials, String region) throws Exception {
        this.credentials = credentials;
        this.region = region;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(body -> handle(req, body.getBytes())));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Creates a key; returns its ARN. */
    public String createKey() {
        String arn = "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + UUID.randomUUID();
        byte[] m = new byte[32];
        RANDOM.nextBytes(m);
        keys.put(arn, new Key(arn, m));
        return arn;
    }

    public void alias(String alias, String arn) {
        aliases.put(alias, arn);
    }

    public void disable(String arn, boolean off) {
        if (off) disabled.put(arn, true);
        else disabled.remove(arn);
    }

    public void deny(String arn) {
        denied.put(arn, true);
    }

    /** Every request answered 503 (KMS unreachable behind a load balancer) until {@link #up()}. */
    public void down() {
        down = true;
    }

    public void up() {
        down = false;
    }

    /** Calls of an operation ({@code Encrypt}, {@code Decrypt}) that passed the signature check. */
    public int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    private void handle(HttpServerRequest req, byte[] body) {
        if (down) {
            req.response().setStatusCode(503).end();
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        SigV4.Rejection bad = SigV4.verify(req.method().name(), req.path(), req.query(), headers, body, credentials, region, SERVICE, Instant.now());
        if (bad != null) {
            rejections.add(bad.errorType());
            SecretsManagerStandIn.error(req, 400, bad.errorType(), bad.message());
            return;
        }
        String target = req.getHeader("X-Amz-Target");
        String contentType = req.getHeader("Content-Type");
        if (!"/".equals(req.path()) || target == null || !target.startsWith("TrentService.")) {
            SecretsManagerStandIn.error(req, 400, "UnknownOperationException", null);
            return;
        }
        if (contentType == null || !contentType.startsWith("application/x-amz-json-1.1")) {
            SecretsManagerStandIn.error(req, 400, "SerializationException", null);
            return;
        }
        String op = target.substring("TrentService.".length());
        calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        JsonNode in;
        try {
            in = JSON.readTree(body);
        } catch (Exception e) {
            SecretsManagerStandIn.error(req, 400, "SerializationException", "Malformed JSON");
            return;
        }
        try {
            ObjectNode out = switch (op) {
                case "Encrypt" -> encrypt(in, Base64.getDecoder().decode(in.path("Plaintext").asText()));
                case "GenerateDataKey" -> {
                    byte[] dk = new byte[in.path("NumberOfBytes").asInt(32)];
                    RANDOM.nextBytes(dk);
                    yield encrypt(in, dk).put("Plaintext", Base64.getEncoder().encodeToString(dk));
                }
                case "Decrypt" -> decrypt(in);
                case "DescribeKey" -> {
                    Key k = usable(in.path("KeyId").asText(), false);
                    ObjectNode o = JSON.createObjectNode();
                    o.putObject("KeyMetadata").put("Arn", k.arn()).put("KeyId", k.arn().substring(k.arn().indexOf("/") + 1))
                            .put("Enabled", !disabled.containsKey(k.arn())).put("KeyState", disabled.containsKey(k.arn()) ? "Disabled" : "Enabled");
                    yield o;
                }
                default -> throw new Refused("UnknownOperationException", null);
            };
            req.response().setStatusCode(200).putHeader("Content-Type", "application/x-amz-json-1.1")
                    .putHeader("x-amzn-RequestId", UUID.randomUUID().toString()).end(out.toString());
        } catch (Refused r) {
            SecretsManagerStandIn.error(req, 400, r.type, r.getMessage());
        }
    }

    private static final class Refused extends RuntimeException {
        final String type;

        Refused(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    private Key usable(String keyId, boolean mustBeEnabled) {
        String arn = keyId;
        if (keyId.startsWith("alias/")) arn = aliases.get(keyId);
        else if (keyId.contains(":alias/")) arn = aliases.get(keyId.substring(keyId.indexOf("alias/")));
        else if (!keyId.startsWith("arn:")) arn = "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + keyId;
        Key k = arn == null ? null : keys.get(arn);
        if (k == null) throw new Refused("NotFoundException", "Key '" + keyId + "' does not exist");
        if (denied.containsKey(k.arn())) {
            throw new Refused("AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/bastion is not authorized to perform: kms:Encrypt on resource: " + k.arn());
        }
        if (mustBeEnabled && disabled.containsKey(k.arn())) throw new Refused("DisabledException", k.arn() + " is disabled.");
        return k;
    }

    private ObjectNode encrypt(JsonNode in, byte[] plaintext) {
        Key k = usable(in.path("KeyId").asText(), true);
        byte[] arn = k.arn().getBytes(StandardCharsets.UTF_8);
        byte[] ct = gcm(Cipher.ENCRYPT_MODE, k.material(), plaintext, context(in));
        byte[] blob = ByteBuffer.allocate(2 + arn.length + ct.length).putShort((short) arn.length).put(arn).put(ct).array();
        return JSON.createObjectNode().put("CiphertextBlob", Base64.getEncoder().encodeToString(blob)).put("KeyId", k.arn())
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private ObjectNode decrypt(JsonNode in) {
        byte[] blob = Base64.getDecoder().decode(in.path("CiphertextBlob").asText());
        ByteBuffer b = ByteBuffer.wrap(blob);
        String arn;
        byte[] ct;
        try {
            byte[] a = new byte[b.getShort()];
            b.get(a);
            arn = new String(a, StandardCharsets.UTF_8);
            ct = new byte[b.remaining()];
            b.get(ct);
        } catch (RuntimeException e) {
            throw new Refused("InvalidCiphertextException", null);
        }
        if (!keys.containsKey(arn)) throw new Refused("InvalidCiphertextException", null);
        if (in.hasNonNull("KeyId")) {
            Key asked = usable(in.path("KeyId").asText(), false);
            if (!asked.arn().equals(arn)) throw new Refused("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        Key k = usable(arn, true);
        byte[] plain = gcm(Cipher.DECRYPT_MODE, k.material(), ct, context(in));
        return JSON.createObjectNode().put("Plaintext", Base64.getEncoder().encodeToString(plain)).put("KeyId", k.arn())
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private static byte[] context(JsonNode in) {
        TreeMap<String, String> c = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.path("EncryptionContext").fields(); it.hasNext(); ) {
            var e = it.next();
            c.put(e.getKey(), e.getValue().asText());
        }
        return c.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] data, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            if (mode == Cipher.ENCRYPT_MODE) {
                byte[] iv = new byte[12];
                RANDOM.nextBytes(iv);
                cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
                cipher.updateAAD(aad);
                byte[] ct = cipher.doFinal(data);
                return ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array();
            }
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, data, 0, 12));
            cipher.updateAAD(aad);
            return cipher.doFinal(data, 12, data.length - 12);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Refused("InvalidCiphertextException", null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
