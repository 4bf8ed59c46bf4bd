package dev.bastion.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.state.BackendGuard;
import dev.bastion.state.RedisPipe;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OnLoop;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TcpRelay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Concurrency slots when Redis is paused, or killed and back with its data (AOF): a request that ended
 * while Redis was away gives its slot back when Redis answers again, not when the lease runs out.
 */
class ConcurrencyOutageTest {
    static final Duration TIMEOUT = Duration.ofMillis(100);
    static final List<String> KEYS = List.of("bastion:cc:jobs:api_key:k1");
    static final List<Integer> ONE = List.of(1);

    RedisProcess redis;
    TcpRelay relay;
    Vertx vertx;
    Context loop;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (redis != null) redis.close();
        if (relay != null) relay.close();
    }

    <T> T onLoop(Supplier<Future<T>> work) throws Exception {
        return OnLoop.await(loop, work);
    }

    static void eventually(String what, Callable<Boolean> done) throws Exception {
        Eventually.until(what, done);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pause", "kill"})
    void aSlotReleasedWhileRedisWasAwayIsFreeWhenItAnswersAgain(String fault) throws Exception {
        redis = RedisProcess.start(true);
        relay = new TcpRelay(redis.port);
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        RedisPipe pipe = new RedisPipe(Redis.createClient(vertx, "redis://127.0.0.1:" + relay.port()), TIMEOUT.toMillis());
        BackendGuard guard = new BackendGuard("concurrency", TIMEOUT, TIMEOUT, pipe.sender());
        ConcurrencyGate gate = new ConcurrencyGate.Shared(pipe.sender(), LimitsRuntime.CONCURRENCY_LEASE_MS, guard.redelivery());

        ConcurrencyGate.Lease lease = onLoop(() -> gate.acquire(KEYS, ONE));
        assertThat(lease).isNotNull();
        assertThat(onLoop(() -> gate.acquire(KEYS, ONE))).as("the cap of 1 is full").isNull();

        if (fault.equals("pause")) {
            redis.pause();
        } else {
            redis.kill();
            relay.cut(); // so the test can look at Redis before the gate reaches it again
        }
        onLoop(() -> {
            lease.release(); // the request ended
            return Future.succeededFuture();
        });
        eventually("the release waits for Redis", () -> guard.redelivery().waiting() == 1);

        if (fault.equals("pause")) {
            redis.resume();
        } else {
            redis.restart();
            assertThat(redis.command("ZCARD", KEYS.getFirst())).as("Redis came back holding the slot").isEqualTo("1");
            relay.restore();
        }
        eventually("the release delivered", () -> guard.redelivery().waiting() == 0);
        assertThat(redis.command("ZCARD", KEYS.getFirst())).isEqualTo("0");
        assertThat(onLoop(() -> gate.acquire(KEYS, ONE))).as("the slot is free again").isNotNull();
    }
}
