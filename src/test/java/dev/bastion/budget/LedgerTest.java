package dev.bastion.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.testing.BastionProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.embedded.RedisServer;

/** The two ledgers answer the same operations the same way: one contract, run against each. */
class LedgerTest {
    static final long LEASE_MS = 300;
    static RedisServer redisServer;
    static Vertx vertx;
    static Redis redis;
    static Store store;
    static StoredUsage stored;

    @BeforeAll
    static void start() throws Exception {
        int port = BastionProcess.freePort();
        redisServer = new RedisServer(port);
        redisServer.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
        Path dir = Files.createTempDirectory("ledger");
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, 2), new SecretResolver(Map.of()));
        stored = new StoredUsage(store, Executors.newFixedThreadPool(2), Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redisServer.stop();
        store.close();
    }

    static Ledger ledger(String kind) {
        return "redis".equals(kind) ? new RedisLedger(redis::send, stored, LEASE_MS) : new LocalLedger(stored, LEASE_MS, System::currentTimeMillis);
    }

    static Account account(String name, long tokens, long cost) {
        Instant start = Instant.parse("2026-11-23T00:00:00Z");
        return new Account("r-" + name, "org:" + name + System.nanoTime(), name, start, start.plusSeconds(86_400 * 400L), tokens, cost);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void reservationsHoldBudgetAndSettlementReplacesThemWithUsage(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account a = account("hold", 100, -1);
        Ledger.Reservation r1 = await(l.reserve(List.of(a), new Amount(60, 0)));
        assertThat(r1.granted()).isTrue();
        assertThat(await(l.reserve(List.of(a), new Amount(60, 0))).granted()).as("60 held + 60 > 100").isFalse();
        List<Ledger.Settled> s = await(l.settle(r1, new Amount(30, 0)));
        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.before()).isEqualTo(Amount.ZERO);
            assertThat(x.after()).isEqualTo(new Amount(30, 0));
        });
        assertThat(await(l.reserve(List.of(a), new Amount(70, 0))).granted()).as("30 used + 70 = 100 fits exactly").isTrue();
        assertThat(await(l.reserve(List.of(a), new Amount(1, 0))).granted()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void allOrNoneAcrossAccountsAndCostLimits(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account tokens = account("tok", 1000, -1);
        Account cost = account("cost", -1, 500);
        Ledger.Reservation refused = await(l.reserve(List.of(tokens, cost), new Amount(10, 600)));
        assertThat(refused.granted()).isFalse();
        assertThat(refused.newlyExhausted()).containsExactly(false, true);
        assertThat(await(l.reserve(List.of(tokens, cost), new Amount(10, 600))).newlyExhausted()).as("reported once").containsExactly(false, false);
        Ledger.Reservation ok = await(l.reserve(List.of(tokens), new Amount(1000, 0)));
        assertThat(ok.granted()).as("the refusal took nothing from the token account").isTrue();
        assertThat(await(l.settle(ok, new Amount(0, 0)))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void aForgottenReservationStopsHoldingBudgetWhenItsLeaseEnds(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account a = account("lease", 100, -1);
        assertThat(await(l.reserve(List.of(a), new Amount(100, 0))).granted()).isTrue(); // its node "dies": never settled
        assertThat(await(l.reserve(List.of(a), new Amount(1, 0))).granted()).isFalse();
        Thread.sleep(LEASE_MS + 100);
        assertThat(await(l.reserve(List.of(a), new Amount(100, 0))).granted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void anAccountStartsFromTheStoresRecord(String kind) throws Exception {
        Account a = account("seed", 100, -1);
        store.orgs().ensure(a.orgId());
        store.usage().add(a.ruleId(), a.subject(), a.orgId(), a.periodStart(), 80, 0, Instant.now());
        List<Future<Ledger.Reservation>> racing = new ArrayList<>();
        Ledger l = ledger(kind);
        for (int i = 0; i < 5; i++) racing.add(l.reserve(List.of(a), new Amount(10, 0)));
        long granted = 0;
        for (Future<Ledger.Reservation> f : racing) if (await(f).granted()) granted++;
        assertThat(granted).as("80 stored + 2 × 10: seeded once, however many raced").isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void zeroCostAndUsageWithoutAReservationAreRecorded(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account a = account("record", 100, -1);
        Ledger.Reservation r = await(l.reserve(List.of(a), new Amount(10, 0)));
        await(l.settle(r, Amount.ZERO));
        List<Ledger.Settled> s = await(l.record(List.of(a), new Amount(25, 0)));
        assertThat(s).singleElement().satisfies(x -> assertThat(x.after().tokens()).isEqualTo(25));
        assertThat(await(l.reserve(List.of(a), new Amount(76, 0))).granted()).isFalse();
    }
}
