package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.BastionProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * L5 and L6 across instances: three Bastion processes, one real Redis, one store. Limits and budgets are
 * counted once for the deployment, not once per node.
 */
class SharedLimitsClusterTest {
    static final int NODES = 3;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> ENV = Map.of();
    @TempDir
    static Path dir;
    static RedisServer redis;
    static int redisPort;
    static Process mock;
    static final Process[] nodes = new Process[NODES];
    static final int[] ports = new int[NODES];
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The chat body used for budgets: its prompt is PROMPT_TOKENS long as OpenAI counts it. */
    static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"count me exactly\"}],\"max_tokens\":50}";
    static final int PER_REQUEST = 3 + 3 + 1 + 3 + 50; // priming + message + role + "count me exactly" + max_tokens
    static final int BUDGET = 10 * PER_REQUEST + PER_REQUEST / 2;

    @BeforeAll
    static void start() throws Exception {
        redisPort = BastionProcess.freePort();
        redis = new RedisServer(redisPort);
        redis.start();
        int upstreamPort = BastionProcess.freePort();
        mock = BastionProcess.start(dir, "mock", ENV, "mock-llm", "--port", Integer.toString(upstreamPort), "--chunk-delay-ms", "0", "--fill-max-tokens");
        BastionProcess.awaitLine(dir, "mock", mock, "mock-llm listening");
        for (int i = 0; i < NODES; i++) {
            ports[i] = BastionProcess.freePort();
            Files.writeString(dir.resolve("node" + i + ".yaml"), """
                    listeners:
                      public: { port: %d }
                      admin: { port: %d }
                    store: { url: "sqlite:%s" }
                    redis: { url: "redis://127.0.0.1:%d" }
                    upstreams:
                      llm: { url: "http://127.0.0.1:%d", kind: ai }
                    routes:
                      - id: models
                        match: { methods: [GET], path: /v1/models }
                        upstream: llm
                        auth: { methods: [api_key] }
                        limits: [{ per: api_key, rate: 100/1m }]
                        tiers: false
                      - id: tiered
                        match: { methods: [GET], path: /tiered/v1/models }
                        strip_prefix: /tiered
                        upstream: llm
                        auth: { methods: [api_key] }
                      - id: chat
                        match: { methods: [POST], path: /v1/chat/completions }
                        upstream: llm
                        auth: { methods: [api_key] }
                        llm: chat
                        tiers: false
                    limits:
                      per_ip: off
                      on_backend_failure: deny   # never a per-node answer: a slow Redis shows up as a 503 the test refuses
                      backend_timeout: 2s        # three JVMs warming up on two cores
                      tiers:
                        free: [{ rate: 2/1m }]
                        pro: [{ rate: 1000/1m }]
                      default_tier: free
                    budgets:
                      rules: [{ id: cluster-tokens, per: org, period: day, tokens: %d }]
                    """.formatted(ports[i], BastionProcess.freePort(), dir.resolve("shared.db"), redisPort, upstreamPort, BUDGET));
        }
        // The first node creates the store schema; then the others start alongside each other.
        nodes[0] = BastionProcess.start(dir, "node0", ENV, "serve", "--config", "node0.yaml");
        BastionProcess.awaitLine(dir, "node0", nodes[0], "bastion listening");
        for (int i = 1; i < NODES; i++) nodes[i] = BastionProcess.start(dir, "node" + i, ENV, "serve", "--config", "node" + i + ".yaml");
        for (int i = 1; i < NODES; i++) BastionProcess.awaitLine(dir, "node" + i, nodes[i], "bastion listening");
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = 0; i < NODES; i++) {
            Path err = dir.resolve("node" + i + ".err");
            if (Files.exists(err)) Files.readAllLines(err).stream().filter(l -> l.contains("WARN") || l.contains("ERROR"))
                    .limit(5).forEach(l -> System.out.println("node" + err.getFileName() + ": " + l));
        }
        for (Process p : nodes) if (p != null) p.destroyForcibly();
        if (mock != null) mock.destroyForcibly();
        if (redis != null) redis.stop();
    }

    static String createKey(String org) throws Exception {
        String name = "key-" + org;
        assertThat(BastionProcess.run(dir, name, ENV, "keys", "create", "--config", "node0.yaml", "--org", org, "--scopes", "invoke")).isZero();
        return Files.readString(dir.resolve(name + ".out")).trim();
    }

    /** Sends {@code total} requests from {@code clients} threads, spread round-robin over the nodes; counts statuses. */
    static Map<Integer, Integer> hammer(int clients, int total, java.util.function.Function<Integer, HttpRequest> request) throws Exception {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        HttpResponse<String> r = http.send(request.apply(i), HttpResponse.BodyHandlers.ofString());
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return statuses;
    }

    static URI at(int i, String path) {
        return URI.create("http://127.0.0.1:" + ports[i % NODES] + path);
    }

    @Test
    void aLimitOf100PerMinuteAdmitsExactly100AcrossThreeInstances() throws Exception {
        String key = createKey("exact");
        Map<Integer, Integer> statuses = hammer(20, 1000,
                i -> HttpRequest.newBuilder(at(i, "/v1/models")).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build());
        System.out.println("rate limit across " + NODES + " nodes: " + statuses);
        assertThat(statuses.get(200)).as("admitted (not 100 per node)").isEqualTo(100);
        assertThat(statuses.get(429)).isEqualTo(900);
        assertThat(statuses).containsOnlyKeys(200, 429);
    }

    @Test
    void aTokenBudgetIsNeverOverspentByConcurrentRequestsOnThreeInstances() throws Exception {
        String key = createKey("budget");
        Map<Integer, Integer> statuses = hammer(20, 200, i -> HttpRequest.newBuilder(at(i, "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
        System.out.println("budget across " + NODES + " nodes: " + statuses);
        // Reservations equal real usage (the mock fills max_tokens): exactly as many fit as the budget holds.
        assertThat(statuses.get(200)).isEqualTo(BUDGET / PER_REQUEST);
        assertThat(statuses).containsOnlyKeys(200, 429);
        long day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        String account = "bastion:budget:cluster-tokens:org:budget:" + day;
        long settled = awaitRedis(account, "ut", (long) statuses.get(200) * PER_REQUEST);
        assertThat(settled).as("settled usage equals what was admitted, within the budget").isEqualTo((long) statuses.get(200) * PER_REQUEST);
        assertThat(settled).isLessThanOrEqualTo(BUDGET);
        assertThat(awaitRedis(account, "rt", 0)).as("no reservation left behind").isZero();

        // The store's record, written by all three nodes, adds up to the same.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String out;
        do {
            Thread.sleep(300);
            assertThat(BastionProcess.run(dir, "usage", ENV, "usage", "show", "--config", "node0.yaml", "--org", "budget")).isZero();
            out = Files.readString(dir.resolve("usage.out"));
        } while (!out.contains(" " + settled + " / " + BUDGET) && System.nanoTime() < deadline);
        assertThat(out).contains("cluster-tokens").contains("org:budget").contains(settled + " / " + BUDGET);
    }

    @Test
    void aTierChangeFromTheCliAppliesOnEveryNodeWithinSeconds() throws Exception {
        String key = createKey("upgrade");
        Map<Integer, Integer> before = hammer(3, 6, i -> HttpRequest.newBuilder(at(i, "/tiered/v1/models")).header("Authorization", "Bearer " + key).build());
        assertThat(before.get(200)).as("free: 2/min for the whole org, across nodes").isEqualTo(2);
        assertThat(BastionProcess.run(dir, "tier", ENV, "orgs", "set-tier", "--config", "node0.yaml", "upgrade", "pro")).isZero();
        assertThat(BastionProcess.run(dir, "tier-bad", ENV, "orgs", "set-tier", "--config", "node0.yaml", "upgrade", "platinum")).isNotZero();
        assertThat(Files.readString(dir.resolve("tier-bad.err"))).contains("tier 'platinum' is not defined under limits.tiers (defined: free, pro)");
        long changed = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            int s;
            do {
                Thread.sleep(200);
                s = http.send(HttpRequest.newBuilder(at(i, "/tiered/v1/models")).header("Authorization", "Bearer " + key).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } while (s != 200 && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(15));
            assertThat(s).as("node %d", i).isEqualTo(200);
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - changed)).isLessThan(8);
    }

    static long awaitRedis(String key, String field, long expect) throws Exception {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long v;
            do {
                Response r = client.send(Request.cmd(Command.HGET).arg(key).arg(field)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                v = r == null ? 0 : r.toLong();
                if (v == expect) return v;
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            return v;
        } finally {
            client.close();
            vertx.close();
        }
    }
}
