package dev.bastion.limit;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.config.Rate;
import dev.bastion.config.RedisConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.state.RedisClients;
import dev.bastion.state.RedisPipe;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * Rate-limit decisions: in process (the limiter alone, and the whole control with its headers), and in
 * Redis — Bastion's one-EVALSHA script over its per-event-loop pipe against Bucket4j's Lettuce integration
 * (compare-and-swap: a read, then a conditional write, retried on conflict) on the same Redis. Redis
 * decisions are issued {@value #IN_FLIGHT} at a time, as concurrent requests would, and counted per
 * decision. "one key": every decision on the same counter (one hot tenant); "many keys": spread out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimiterBench {
    static final int IN_FLIGHT = 32;
    static final int KEYS = 1024;

    RedisServer redisServer;
    Vertx vertx;
    Redis redis;
    RedisPipe pipe;
    io.vertx.core.Context loop;
    RedisLimiter redisLimiter;
    RedisClient lettuce;
    StatefulRedisConnection<String, byte[]> lettuceConnection;
    LettuceBasedProxyManager<String> bucket4j;
    BucketConfiguration bucketConfig;
    LocalLimiter local;
    RateLimitControl control;
    List<Policy> policies;
    String[] keys;
    Exchange[] exchanges;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redisServer = new RedisServer(port);
        redisServer.start();
        vertx = Vertx.vertx();
        redis = RedisClients.create(vertx, new RedisConfig(URI.create("redis://127.0.0.1:" + port), null, null, null), new SecretResolver(Map.of()));
        pipe = new RedisPipe(redis, 5000);
        redisLimiter = new RedisLimiter(pipe.sender());
        loop = vertx.getOrCreateContext();
        lettuce = RedisClient.create("redis://127.0.0.1:" + port);
        lettuceConnection = lettuce.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        bucket4j = LettuceBasedProxyManager.builderFor(lettuceConnection).build();
        bucketConfig = BucketConfiguration.builder().addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofMinutes(1))).build();
        local = new LocalLimiter();
        RouteConfig.Limit limit = new RouteConfig.Limit(RouteConfig.LimitKey.API_KEY, new Rate(1_000_000_000, Duration.ofMinutes(1)), null);
        policies = List.of(Policy.of(limit));
        control = new RateLimitControl(Stage.LIMIT, "bench", List.of(limit), List.of(), null, local);
        keys = new String[KEYS];
        exchanges = new Exchange[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "bastion:rl:bench:k:key:" + i;
            exchanges[i] = Exchange.builder().identity(Identity.apiKey("key_" + i, "acme", Set.of())).build();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        lettuceConnection.close();
        lettuce.shutdown();
        pipe.close();
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redisServer.stop();
    }

    private String key(boolean hot) {
        return hot ? keys[0] : keys[(next++) & (KEYS - 1)];
    }

    @Benchmark
    public Decision localLimiter() {
        return local.decide(policies, List.of(key(false)));
    }

    @Benchmark
    public Object localControlWithHeaders() {
        Exchange ex = exchanges[(next++) & (KEYS - 1)];
        ex.responseHeaders().clear();
        return control.check(ex).result();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void redisLuaManyKeys() {
        redisLua(false);
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void redisLuaOneKey() {
        redisLua(true);
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void bucket4jLettuceManyKeys() {
        bucket4j(false);
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void bucket4jLettuceOneKey() {
        bucket4j(true);
    }

    /** Issued from an event loop, as the gateway does, so the pipe's connection for that loop is used. */
    private void redisLua(boolean hot) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Decision>> batch = new ArrayList<>(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) batch.add(redisLimiter.acquire(policies, List.of(key(hot))));
            Future.all(batch).onComplete(ar -> done.complete(null));
        });
        done.join();
    }

    private void bucket4j(boolean hot) {
        CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            AsyncBucketProxy bucket = bucket4j.asAsync().builder().build("b4j:" + key(hot), () -> CompletableFuture.completedFuture(bucketConfig));
            batch[i] = bucket.tryConsume(1);
        }
        CompletableFuture.allOf(batch).join();
    }
}
