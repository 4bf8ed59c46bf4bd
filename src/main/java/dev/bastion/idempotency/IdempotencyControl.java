package dev.bastion.idempotency;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys (L7). A POST or PATCH carrying {@code Idempotency-Key} claims the key — scoped to the
 * route, the org and the calling credential, so nobody else's key can ever answer — and its response
 * (status, headers, body up to the route's cap) is kept for the TTL. A repeat with the same request is
 * answered from it without calling the upstream ({@code Idempotency-Replayed: true}); a repeat with a
 * different body is 422; a repeat while the first is still in flight is 409. A first request that does
 * not complete, or whose upstream answers 5xx, gives the key back so the client can retry.
 */
public final class IdempotencyControl implements Control {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotency-Replayed";
    /** How long a first request holds its key while in flight; a claim left by a node that died ends then. */
    static final long PENDING_LEASE_MS = 10 * 60_000;
    /** Headers Bastion sets per response (or that frame one): never replayed from the first response. */
    private static final Set<String> NOT_KEPT = Set.of("x-request-id", "ratelimit", "ratelimit-policy", "date", "connection",
            "keep-alive", "transfer-encoding", "content-length", "retry-after");
    private static final Logger log = LoggerFactory.getLogger(IdempotencyControl.class);

    private final String routeId;
    private final RouteConfig.Idempotency config;
    private final IdempotencyStores stores;

    IdempotencyControl(String routeId, RouteConfig.Idempotency config, IdempotencyStores stores) {
        this.routeId = routeId;
        this.config = config;
        this.stores = stores;
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "idempotency";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        if (ex.method() != HttpMethod.POST && ex.method() != HttpMethod.PATCH) return Verdict.ALLOWED;
        List<String> values = ex.headers().getAll(HEADER);
        if (values.isEmpty()) return Verdict.ALLOWED;
        String key = values.getFirst();
        if (values.size() > 1 || !valid(key)) {
            return new Verdict.Deny(400, "invalid_idempotency_key", "Idempotency-Key must be one value of 1 to 255 visible ASCII characters.").future();
        }
        Identity id = ex.identity();
        if (id == null) return Future.failedFuture(new IllegalStateException("idempotency without a caller"));
        String storeKey = "bastion:idem:" + routeId + ":" + sha256(id.orgId() + "\u0000" + id.caller() + "\u0000" + key);
        String fingerprint = fingerprint(ex);
        // The claim's owner token: unique, never shown to anyone, so a fast generator (not SecureRandom) will do.
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        Entry.Pending mine = new Entry.Pending(Long.toHexString(r.nextLong()) + '-' + Long.toHexString(r.nextLong()), fingerprint);
        return stores.claim(storeKey, mine, PENDING_LEASE_MS).compose(claim -> stores.opened(claim, storeKey)).map(claim -> {
            if (claim.unavailable()) {
                return new Verdict.Deny(503, "idempotency_unavailable", "Idempotency keys cannot be checked right now; retry shortly.",
                        Map.of("Retry-After", "1"));
            }
            Entry existing = claim.existing();
            if (existing == null) {
                ex.addResponseFilter(new Capture(claim.store(), id.orgId(), storeKey, mine));
                return Verdict.ALLOW;
            }
            if (!existing.fingerprint().equals(fingerprint)) {
                return new Verdict.Deny(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request; use a new key.");
            }
            return switch (existing) {
                case Entry.Pending p -> new Verdict.Deny(409, "idempotency_in_progress",
                        "A request with this Idempotency-Key is still in progress; retry when it has finished.", Map.of("Retry-After", "1"));
                case Entry.Sealed x -> throw new IllegalStateException("idempotency entry still sealed"); // opened above
                case Entry.Unstored u -> new Verdict.Deny(409, "idempotency_response_not_kept",
                        "The first response to this Idempotency-Key was too large to keep, so it cannot be replayed.");
                case Entry.Done d -> {
                    List<Map.Entry<String, String>> headers = new ArrayList<>(d.headers());
                    headers.add(Map.entry(REPLAYED, "true"));
                    yield new Verdict.Respond(d.status(), headers, Buffer.buffer(d.body()));
                }
            };
        });
    }

    static boolean valid(String key) {
        if (key.isEmpty() || key.length() > 255) return false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) return false;
        }
        return true;
    }

    /** Method, path, query and body: a repeat must be the same request, not just the same key. */
    private static String fingerprint(Exchange ex) {
        MessageDigest md = sha256();
        md.update((ex.method().name() + " " + ex.path() + "?" + (ex.rawQuery() == null ? "" : ex.rawQuery()) + "\u0000").getBytes(StandardCharsets.UTF_8));
        if (ex.body() != null) md.update(ex.body().getBytes());
        return HexFormat.of().formatHex(md.digest());
    }

    private static String sha256(String s) {
        return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the response as the client receives it (it is the outermost filter), then completes the claim. */
    private final class Capture implements ResponseFilter {
        private final IdempotencyStore store;
        private final String orgId;
        private final String key;
        private final Entry.Pending mine;
        private int status = -1;
        private List<Map.Entry<String, String>> headers;
        private Buffer body = Buffer.buffer();
        private boolean tooLarge;
        private boolean done;

        Capture(IdempotencyStore store, String orgId, String key, Entry.Pending mine) {
            this.store = store;
            this.orgId = orgId;
            this.key = key;
            this.mine = mine;
        }

        @Override
        public void onHeaders(int status, MultiMap h) {
            this.status = status;
            headers = new ArrayList<>();
            for (Map.Entry<String, String> e : h) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (!NOT_KEPT.contains(name) && !name.startsWith("access-control-")) headers.add(Map.entry(e.getKey(), e.getValue()));
            }
        }

        @Override
        public Buffer onChunk(Buffer chunk) {
            if (!tooLarge) {
                if (body.length() + chunk.length() > config.maxResponseBytes().bytes()) {
                    tooLarge = true;
                    body = null;
                } else {
                    body.appendBuffer(chunk);
                }
            }
            return chunk;
        }

        @Override
        public Buffer onEnd() {
            if (done) return null;
            done = true;
            if (status >= 500) {
                release(); // a failed first attempt is not the answer: let the client retry
            } else {
                Entry outcome = tooLarge ? new Entry.Unstored(mine.fingerprint())
                        : new Entry.Done(mine.fingerprint(), status, headers, body.getBytes());
                stores.sealFor(store, orgId, key, outcome)
                        .onFailure(t -> release()) // never kept in clear: the client may retry instead
                        .compose(kept -> store.complete(key, mine, kept, config.ttl().toMillis()))
                        .onFailure(t -> log.warn("idempotent response not kept ({}); the key frees itself after its lease", t.getMessage()));
            }
            return null;
        }

        @Override
        public void onAbort() {
            if (done) return;
            done = true;
            release();
        }

        private void release() {
            store.release(key, mine).onFailure(t -> log.warn("idempotency key not released ({}); it frees itself after its lease", t.getMessage()));
        }
    }
}
