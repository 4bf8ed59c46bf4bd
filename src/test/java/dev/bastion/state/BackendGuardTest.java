package dev.bastion.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.OnLoop;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TcpRelay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard around Redis calls, against a real Redis that is paused, or killed and started again. */
class BackendGuardTest {
    static final Duration TIMEOUT = Duration.ofMillis(100);
    static final Duration PROBE = Duration.ofMillis(100);

    RedisProcess redis;
    Vertx vertx;
    RedisPipe pipe;
    BackendGuard guard;
    Context loop;

    TcpRelay relay;

    void start(boolean aof) throws Exception {
        redis = RedisProcess.start(aof);
        relay = new TcpRelay(redis.port);
        vertx = Vertx.vertx();
        pipe = new RedisPipe(Redis.createClient(vertx, "redis://127.0.0.1:" + relay.port()), TIMEOUT.toMillis());
        guard = new BackendGuard("test", TIMEOUT, PROBE, pipe.sender());
        loop = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (redis != null) redis.close();
        if (relay != null) relay.close();
    }

    <T> T onLoop(Supplier<Future<T>> work) throws Exception {
        return OnLoop.await(loop, work);
    }

    /** A PING through the guard: "PONG" from Redis, "fallback" from the failure path. */
    Future<String> ping() {
        return guard.call(() -> pipe.send(Request.cmd(Command.PING)).map(Object::toString), () -> Future.succeededFuture("fallback"));
    }

    static void eventually(String what, Callable<Boolean> done) throws Exception {
        Eventually.until(what, done);
    }

    /**
     * Redis comes back while no traffic arrives: the probe closes the circuit by itself, and the first burst
     * afterwards goes to Redis whole — not three trial calls and the rest to the failure mode.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pause", "kill"})
    void theProbeClosesTheCircuitAndTheFirstBurstGoesToRedis(String fault) throws Exception {
        start(false);
        assertThat(onLoop(this::ping)).isEqualTo("PONG");
        if (fault.equals("pause")) redis.pause();
        else redis.kill();
        for (int i = 0; i < 20 && guard.openCircuits() == 0; i++) assertThat(onLoop(this::ping)).isEqualTo("fallback");
        assertThat(guard.openCircuits()).as("the circuit opened").isEqualTo(1);
        Thread.sleep(3 * PROBE.toMillis());
        assertThat(guard.openCircuits()).as("probes fail while Redis is away").isEqualTo(1);

        if (fault.equals("pause")) redis.resume();
        else redis.restart();
        eventually("the circuit closed without traffic", () -> guard.openCircuits() == 0);

        Map<String, Integer> burst = onLoop(() -> {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) all.add(ping());
            return Future.all(all).map(f -> {
                Map<String, Integer> counts = new TreeMap<>();
                for (int i = 0; i < all.size(); i++) counts.merge(f.resultAt(i), 1, Integer::sum);
                return counts;
            });
        });
        assertThat(burst).isEqualTo(Map.of("PONG", 50));
    }

    /** A write Redis could not take waits, and is sent when Redis answers again, with no traffic to carry it. */
    @Test
    void aWriteRedisDidNotTakeIsSentWhenItComesBack() throws Exception {
        start(true);
        redis.command("SET", "held", "1");
        redis.kill();
        relay.cut(); // so the test can look at Redis before the guard reaches it again
        onLoop(() -> {
            guard.redelivery().send(() -> pipe.send(Request.cmd(Command.DEL).arg("held")).map(true));
            return Future.succeededFuture();
        });
        eventually("the write failed and waits", () -> guard.redelivery().waiting() == 1);

        redis.restart();
        assertThat(redis.command("EXISTS", "held")).as("AOF: Redis came back with it").isEqualTo("1");
        relay.restore();
        eventually("delivered", () -> guard.redelivery().waiting() == 0);
        assertThat(redis.command("EXISTS", "held")).isEqualTo("0");
    }

    /**
     * A round's write is out of the queue while it is being sent. A send slower than the round interval that
     * Redis then does not take must still be sent again by the next rounds — with the circuit closed there is
     * no probe to start one, and no traffic either.
     */
    @Test
    void aWriteWhoseSlowSendFailedIsSentAgainByTheNextRounds() throws Exception {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        BackendGuard slow = new BackendGuard("test", Duration.ofSeconds(5), Duration.ofMillis(20), r -> Future.failedFuture("no probes expected"));
        java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
        onLoop(() -> {
            slow.redelivery().later(() -> {
                // first send (the first round's): answered "not done" after several round intervals; then done
                if (sends.incrementAndGet() > 1) return Future.succeededFuture(true);
                io.vertx.core.Promise<Boolean> p = io.vertx.core.Promise.promise();
                vertx.setTimer(300, t -> p.complete(false));
                return p.future();
            });
            return Future.succeededFuture();
        });
        eventually("sent again and delivered", () -> slow.redelivery().waiting() == 0);
        assertThat(sends.get()).isEqualTo(2);
        assertThat(slow.openCircuits()).as("no failure: the circuit stayed closed, no probe ran").isZero();
    }
}
