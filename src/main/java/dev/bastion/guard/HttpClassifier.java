package dev.bastion.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ClassifierConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.guard.ClassifierVerdict.Failure;
import dev.bastion.secrets.Secret;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Classifier} behind an HTTP endpoint, in one of two wire formats ({@code bastion} or
 * {@code openai_moderation}, see {@link ClassifierConfig}). The URL comes only from config. One pooled
 * keep-alive pool per event loop, through the {@link OutboundConnector}; every call has one deadline, {@code timeout}, for
 * connecting, sending and reading the whole answer. Redirects are never followed (a redirect would let
 * whoever answers choose where the text goes next). Answers are read up to 64 KiB.
 *
 * <p>Nothing of the text, the key or the response body reaches a log line or an exception: a failure is
 * logged once, at warn, as its code, the classifier's host and the request id.
 */
public final class HttpClassifier implements Classifier {
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final int MAX_LABELS = 64;
    private static final Logger log = LoggerFactory.getLogger(HttpClassifier.class);
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]{1,64}");
    // Duplicate keys are refused: two "score"s would let a proxy and Bastion read different answers.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Vertx vertx;
    private final ClassifierConfig config;
    private final OutboundConnector connector;
    private final Destination destination;
    private final ClientProfile profile;
    private final String authorization;

    /**
     * @param apiKey the resolved {@code api_key} (e.g. {@code SecretResolver.resolve(config.apiKey(), "….api_key")});
     *               null exactly when the config names none
     * @throws IllegalArgumentException when the key and the config disagree, or the key cannot be a header value
     */
    public HttpClassifier(Vertx vertx, OutboundConnector connector, ClassifierConfig config, Secret apiKey) {
        if ((config.apiKey() == null) != (apiKey == null)) {
            throw new IllegalArgumentException("api_key: " + (apiKey == null ? "configured but not resolved" : "resolved but not configured"));
        }
        if (apiKey != null && !apiKey.reveal().chars().allMatch(c -> c >= 0x21 && c < 0x7f)) {
            // Never echo the value; a newline in it would otherwise become a header injection.
            throw new IllegalArgumentException("api_key: " + config.apiKey() + " holds characters a header value cannot carry");
        }
        this.vertx = vertx;
        this.config = config;
        this.connector = connector;
        this.destination = Destination.of(config.url());
        this.authorization = apiKey == null ? null : "Bearer " + apiKey.reveal();
        // Keep-alive shorter than the usual server-side idle timeouts (Node's 5 s), so a pooled connection is not
        // reused in the instant the server closes it, which would fail a call as unreachable.
        this.profile = new ClientProfile("classifier:" + destination.authority(), config.timeout(), 64, java.time.Duration.ofSeconds(4),
                16 * 1024, false);
    }

    public ClassifierConfig config() {
        return config;
    }

    @Override
    public Future<ClassifierVerdict> classify(String text, String requestId) {
        Call call = new Call(requestId);
        Buffer body = requestBody(text == null ? "" : text, requestId);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(config.path())
                // Also bounds the wait for a pooled connection; the whole call is bounded by the timer below.
                .setConnectTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        if (authorization != null) options.putHeader("Authorization", authorization);
        // One timer for the whole call: the request's idle timeout would restart on every byte, so a trickling
        // answer could hold the request for longer than the timeout.
        call.timer = vertx.setTimer(config.timeout().toMillis(), id -> call.finish(ClassifierVerdict.failed(Failure.TIMEOUT)));
        connector.request(destination, profile, options).onComplete(ar -> {
            if (ar.failed()) {
                call.finish(ClassifierVerdict.failed(beforeResponse(ar.cause())));
                return;
            }
            HttpClientRequest req = ar.result();
            if (!call.attach(req)) return;
            req.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    call.finish(ClassifierVerdict.failed(beforeResponse(sent.cause())));
                    return;
                }
                read(call, sent.result());
            });
        });
        return call.promise.future();
    }

    private void read(Call call, HttpClientResponse resp) {
        resp.exceptionHandler(t -> call.finish(ClassifierVerdict.failed(isTimeout(t) ? Failure.TIMEOUT : Failure.BAD_RESPONSE)));
        if (resp.statusCode() / 100 != 2) {
            call.finish(ClassifierVerdict.failed(Failure.BAD_STATUS));
            return;
        }
        String length = resp.getHeader("Content-Length");
        if (length != null && (length.isEmpty() || length.length() > 9 || !length.chars().allMatch(Character::isDigit) || Integer.parseInt(length) > MAX_RESPONSE_BYTES)) {
            call.finish(ClassifierVerdict.failed(Failure.BAD_RESPONSE));
            return;
        }
        Buffer buf = Buffer.buffer();
        resp.handler(chunk -> {
            if (buf.length() + chunk.length() > MAX_RESPONSE_BYTES) {
                call.finish(ClassifierVerdict.failed(Failure.BAD_RESPONSE));
            } else {
                buf.appendBuffer(chunk);
            }
        });
        resp.endHandler(v -> call.finish(parse(buf.getBytes())));
    }

    /** The request body of the configured format. The guard never sends more than {@code max_input_chars}; the cut here is a backstop. */
    Buffer requestBody(String text, String requestId) {
        ObjectNode o = JSON.createObjectNode();
        o.put("input", sendable(text, config.maxInputChars()));
        switch (config.format()) {
            case BASTION -> {
                if (requestId != null) o.put("request_id", requestId);
            }
            case OPENAI_MODERATION -> {
                if (config.model() != null) o.put("model", config.model());
            }
        }
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of strings", e); // not reachable: no surrogate is left unpaired
        }
    }

    /** The first {@code max} characters, never splitting a surrogate pair; lone surrogates become U+FFFD. */
    static String sendable(String text, int max) {
        int end = text.length();
        if (end > max) {
            end = max;
            if (Character.isHighSurrogate(text.charAt(end - 1)) && Character.isLowSurrogate(text.charAt(end))) end--;
        }
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            boolean paired = Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                i++;
                continue;
            }
            // JSON cannot carry a lone surrogate in UTF-8; a request body can (as a \ud800 escape).
            if (out == null) out = new StringBuilder(text.substring(0, end));
            out.setCharAt(i, '\uFFFD');
        }
        return out != null ? out.toString() : end == text.length() ? text : text.substring(0, end);
    }

    /** The verdict in a 2xx body; bad_response for anything that is not the format's protocol. */
    ClassifierVerdict parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return ClassifierVerdict.failed(Failure.BAD_RESPONSE);
        }
        if (root == null || !root.isObject()) return ClassifierVerdict.failed(Failure.BAD_RESPONSE);
        ClassifierVerdict v = switch (config.format()) {
            case BASTION -> parseBastion(root);
            case OPENAI_MODERATION -> parseModeration(root, config.blockAt());
        };
        return v != null ? v : ClassifierVerdict.failed(Failure.BAD_RESPONSE);
    }

    /** {@code {"score": 0..1, "labels": ["…"]}}; null when malformed. */
    static ClassifierVerdict parseBastion(JsonNode root) {
        Double score = score(root.get("score"));
        if (score == null) return null;
        JsonNode labels = root.get("labels");
        TreeSet<String> out = new TreeSet<>();
        if (labels != null && !labels.isNull()) {
            if (!labels.isArray() || labels.size() > MAX_LABELS) return null;
            for (JsonNode l : labels) {
                String id = l.isTextual() ? label(l.asText()) : null;
                if (id == null) return null;
                out.add(id);
            }
        }
        return ClassifierVerdict.of(score, new ArrayList<>(out));
    }

    /**
     * {@code {"results": [{"flagged", "categories": {name: bool}, "category_scores": {name: number}}]}}: the
     * score is the highest category score of all results, raised to {@code block_at} (at most 1) when a
     * result is flagged, so OpenAI's own judgement always reaches block; the labels are the categories that
     * are true. Null when malformed.
     */
    static ClassifierVerdict parseModeration(JsonNode root, double blockAt) {
        JsonNode results = root.get("results");
        if (results == null || !results.isArray() || results.isEmpty()) return null;
        double score = 0;
        boolean flagged = false;
        TreeSet<String> labels = new TreeSet<>();
        for (JsonNode r : results) {
            JsonNode f = r.get("flagged"), categories = r.get("categories"), scores = r.get("category_scores");
            if (f == null || !f.isBoolean() || categories == null || !categories.isObject() || scores == null || !scores.isObject()) return null;
            flagged |= f.booleanValue();
            for (Map.Entry<String, JsonNode> c : categories.properties()) {
                if (!c.getValue().isBoolean()) return null;
                if (!c.getValue().booleanValue()) continue;
                String id = label(c.getKey());
                if (id == null) return null;
                labels.add(id);
            }
            for (JsonNode n : scores) {
                Double s = score(n);
                if (s == null) return null;
                score = Math.max(score, s);
            }
        }
        if (labels.size() > MAX_LABELS) return null;
        if (flagged) score = Math.max(score, Math.min(1.0, blockAt));
        return ClassifierVerdict.of(score, new ArrayList<>(labels));
    }

    /** A JSON number from 0 to 1, or null. */
    private static Double score(JsonNode n) {
        if (n == null || !n.isNumber()) return null;
        double d = n.doubleValue();
        return Double.isFinite(d) && d >= 0 && d <= 1 ? d : null;
    }

    /** {@code "self-harm/intent"} → {@code self_harm_intent}; null when it is not a plain id then. */
    static String label(String name) {
        String id = name.replace('/', '_').replace('-', '_').toLowerCase(Locale.ROOT);
        return LABEL.matcher(id).matches() ? id : null;
    }

    private static Failure beforeResponse(Throwable t) {
        return isTimeout(t) ? Failure.TIMEOUT : Failure.UNREACHABLE;
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // Netty's ConnectTimeoutException is a ConnectException, so it is checked here, before "unreachable".
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException) return true;
        }
        return false;
    }


    /** One call: resolved once, by whichever comes first — the answer, a failure or the deadline. */
    private final class Call {
        final Promise<ClassifierVerdict> promise = Promise.promise();
        final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        final AtomicBoolean done = new AtomicBoolean();
        final String requestId;
        volatile long timer = -1;

        Call(String requestId) {
            this.requestId = requestId;
        }

        /** False (and the request reset) when the call already ended while a connection was being obtained. */
        boolean attach(HttpClientRequest req) {
            request.set(req);
            // Resetting the request (on a failure or the deadline) surfaces as an exception here; it is already handled.
            req.exceptionHandler(t -> {});
            if (done.get()) {
                req.reset();
                return false;
            }
            return true;
        }

        void finish(ClassifierVerdict v) {
            if (!done.compareAndSet(false, true)) return;
            if (timer != -1) vertx.cancelTimer(timer);
            HttpClientRequest req = request.get();
            if (v.failed()) {
                // Logged before the caller hears of it, so the line is there by the time the decision is.
                log.warn("classifier call failed: {} (host {}, request {})", v.failure().code(), destination.host(), requestId);
                // A failed call's connection is closed rather than drained: the rest of the answer is of no use.
                if (req != null) req.reset();
            }
            promise.complete(v);
        }
    }
}
