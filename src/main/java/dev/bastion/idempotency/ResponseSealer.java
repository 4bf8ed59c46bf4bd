package dev.bastion.idempotency;

import io.vertx.core.Future;

/**
 * Seals the responses idempotency keys keep in Redis (docs/data-protection.md), with the org's data key and the
 * Redis key as the purpose, so an entry copied under another key — another org's, another caller's — does not
 * open. Implemented by data protection; {@code null} keeps entries as they are. Futures may complete on a worker
 * thread when a key has to be fetched (the store, KMS); a failure is a fault (the request gets 503), never a
 * plain write.
 */
public interface ResponseSealer {
    Future<byte[]> seal(String orgId, String purpose, byte[] plain);

    Future<byte[]> open(String purpose, byte[] sealed);
}
