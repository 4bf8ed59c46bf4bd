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
import org.junit.jupiter.api.Test;
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
        List<Ledger.Settled> s = await(l.settle(r1, new Amount(30, 0), StoredUsage.Receipt.NONE));
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
        assertThat(await(l.settle(ok, new Amount(0, 0), StoredUsage.Receipt.NONE))).hasSize(1);
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
    void eachLeaseEndsOnItsOwnTimeWhileLaterOnesStillHold(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account a = account("leases", 100, -1);
        assertThat(await(l.reserve(List.of(a), new Amount(60, 0))).granted()).isTrue(); // never settled
        Thread.sleep(LEASE_MS * 2 / 3);
        long secondAt = System.currentTimeMillis();
        assertThat(await(l.reserve(List.of(a), new Amount(40, 0))).granted()).isTrue(); // never settled either
        Thread.sleep(LEASE_MS / 2);
        Ledger.Reservation after = await(l.reserve(List.of(a), new Amount(61, 0)));
        if (System.currentTimeMillis() < secondAt + LEASE_MS) { // else this machine was too slow to see the second lease alive
            assertThat(after.granted()).as("the first lease ended, the second still holds 40").isFalse();
            assertThat(after.reserved()[0]).isEqualTo(new Amount(40, 0));
        }
        Thread.sleep(LEASE_MS + 100);
        Ledger.Reservation last = await(l.reserve(List.of(a), new Amount(100, 0)));
        assertThat(last.granted()).as("every lease ended").isTrue();
        assertThat(last.reserved()[0]).isEqualTo(Amount.ZERO);
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
    void aZeroSettlementOnlyReleases(String kind) throws Exception {
        Ledger l = ledger(kind);
        Account a = account("zero", 100, -1);
        Ledger.Reservation r = await(l.reserve(List.of(a), new Amount(100, 0)));
        assertThat(await(l.settle(r, Amount.ZERO, StoredUsage.Receipt.NONE))).singleElement()
                .satisfies(x -> assertThat(x.after()).isEqualTo(Amount.ZERO));
        assertThat(await(l.reserve(List.of(a), new Amount(100, 0))).granted()).isTrue();
    }

    // Redis receives some settlements more than once (see FailoverLedger): the settle script applies each once.

    @Test
    void aSettlementSentAgainIsCountedOnce() throws Exception {
        RedisLedger l = (RedisLedger) ledger("redis");
        Account a = account("twice", 1000, -1);
        Ledger.Reservation r = await(l.reserve(List.of(a), new Amount(100, 0)));
        assertThat(await(l.settle(r, new Amount(30, 0), StoredUsage.Receipt.NONE))).hasSize(1);
        assertThat(await(l.settle(r, new Amount(30, 0), StoredUsage.Receipt.NONE))).as("nothing added the second time").isEmpty();
        assertThat(await(l.reserve(List.of(a), new Amount(970, 0))).granted()).as("30 used, nothing held").isTrue();
        assertThat(await(l.reserve(List.of(a), new Amount(1, 0))).granted()).isFalse();
    }

    @Test
    void aSettlementAfterItsLeaseRanOutIsCountedOnce() throws Exception {
        RedisLedger l = (RedisLedger) ledger("redis");
        Account a = account("late", 1000, -1);
        Ledger.Reservation slow = await(l.reserve(List.of(a), new Amount(600, 0)));
        Thread.sleep(LEASE_MS + 100);
        Ledger.Reservation next = await(l.reserve(List.of(a), new Amount(400, 0))); // sweeps the lapsed lease
        assertThat(next.reserved()[0]).as("the lapsed reservation no longer holds budget").isEqualTo(Amount.ZERO);
        assertThat(await(l.settle(slow, new Amount(500, 0), StoredUsage.Receipt.NONE))).as("its usage still counts").hasSize(1);
        assertThat(await(l.settle(slow, new Amount(500, 0), StoredUsage.Receipt.NONE))).as("once").isEmpty();
        assertThat(await(l.reserve(List.of(a), new Amount(101, 0))).granted()).as("500 used + 400 held + 101 > 1000").isFalse();
        assertThat(await(l.reserve(List.of(a), new Amount(100, 0))).granted()).isTrue();
    }

    /**
     * Usage with no reservation in Redis (settled on a node's own ledger while Redis was unreachable) is added
     * once — unless it reached the store before the seed that started the account read the store.
     */
    @Test
    void usageWithoutAReservationIsAddedOnceUnlessTheSeedReadItFromTheStore() throws Exception {
        RedisLedger l = (RedisLedger) ledger("redis");
        Account seededFirst = account("seeded-first", 1000, -1);
        Account storedFirst = account("stored-first", 1000, -1);
        store.orgs().ensure(seededFirst.orgId());
        store.orgs().ensure(storedFirst.orgId());
        Amount used = new Amount(50, 0);

        await(l.settle(await(l.reserve(List.of(seededFirst), new Amount(1, 0))), Amount.ZERO, StoredUsage.Receipt.NONE));
        StoredUsage.Receipt afterSeed = stored.add(List.of(seededFirst), used);
        stored.flush();
        RedisLedger.Delivery local = new RedisLedger.Delivery("local-1", List.of(seededFirst), used, used, null, afterSeed);
        assertThat(await(l.deliver(local)).settled()).as("written after the seed read the store: added").hasSize(1);
        assertThat(await(l.deliver(local)).settled()).as("once").isEmpty();

        StoredUsage.Receipt beforeSeed = stored.add(List.of(storedFirst), used);
        stored.flush();
        Ledger.Reservation seeding = await(l.reserve(List.of(storedFirst), new Amount(1, 0)));
        assertThat(seeding.used()[0]).as("the seed read it").isEqualTo(used);
        RedisLedger.Delivery late = new RedisLedger.Delivery("local-2", List.of(storedFirst), used, used, null, beforeSeed);
        assertThat(await(l.deliver(late)).settled()).as("already in the seed: not added again").isEmpty();
        assertThat(await(l.reserve(List.of(storedFirst), new Amount(949, 0))).granted()).as("50 used + 1 held + 949").isTrue();
    }
}
