package dev.bastion.dataprotect;

import dev.bastion.idempotency.ResponseSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Idempotency responses sealed with their org's data key. On the event loop while the key is in memory (one
 * AES-GCM pass, docs/performance.md); on a worker when it must be fetched from the store or unwrapped by KMS.
 */
public final class ResponseSealers implements ResponseSealer {
    private final Vertx vertx;
    private final DataKeys keys;

    private ResponseSealers(Vertx vertx, DataKeys keys) {
        this.vertx = vertx;
        this.keys = keys;
    }

    public static ResponseSealer of(Vertx vertx, DataKeys keys) {
        return new ResponseSealers(vertx, keys);
    }

    @Override
    public Future<byte[]> seal(String orgId, String purpose, byte[] plain) {
        String scope = orgId == null ? "system" : DataKeys.orgScope(orgId);
        String p = "idempotency:" + purpose;
        if (keys.canSealNow(scope)) return call(() -> keys.seal(scope, p, plain));
        return vertx.executeBlocking(() -> keys.seal(scope, p, plain), false);
    }

    @Override
    public Future<byte[]> open(String purpose, byte[] sealed) {
        String p = "idempotency:" + purpose;
        if (keys.canOpenNow(sealed)) return call(() -> keys.open(p, sealed));
        return vertx.executeBlocking(() -> keys.open(p, sealed), false);
    }

    private static Future<byte[]> call(java.util.concurrent.Callable<byte[]> c) {
        try {
            return Future.succeededFuture(c.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }
}
