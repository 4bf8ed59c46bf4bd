package dev.bastion.idempotency;

import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import dev.bastion.state.RedisScript.Sender;
import java.util.List;

/**
 * Idempotency keys in Redis ({@code lua/idempotency.lua}): the claim is one atomic check-and-set, so of
 * concurrent duplicates on any number of instances exactly one goes upstream; completing or releasing
 * only ever touches the caller's own claim.
 */
final class RedisIdempotencyStore implements IdempotencyStore {
    static final RedisScript SCRIPT = RedisScript.load("/lua/idempotency.lua");

    private final Sender redis;

    RedisIdempotencyStore(Sender redis) {
        this.redis = redis;
    }

    @Override
    public Future<Entry> claim(String key, Entry.Pending pending, long leaseMs) {
        return SCRIPT.run(redis, List.of(key), List.of("claim", pending.encode(), leaseMs))
                .map(r -> r == null ? null : Entry.decode(r.toString()));
    }

    @Override
    public Future<Void> complete(String key, Entry.Pending pending, Entry outcome, long ttlMs) {
        return SCRIPT.run(redis, List.of(key), List.of("complete", pending.encode(), outcome.encode(), ttlMs)).mapEmpty();
    }

    @Override
    public Future<Void> release(String key, Entry.Pending pending) {
        return SCRIPT.run(redis, List.of(key), List.of("release", pending.encode())).mapEmpty();
    }
}
