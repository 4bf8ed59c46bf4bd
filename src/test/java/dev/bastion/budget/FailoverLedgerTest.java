package dev.bastion.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.state.BackendGuard;
import dev.bastion.state.RedisPipe;
import dev.bastion.store.Store;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OnLoop;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TcpRelay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Budgets when Redis is paused (SIGSTOP) or killed (SIGKILL) and comes back with its data (AOF) or
 * without: every settlement is counted in Redis exactly once, whichever path delivers it, and a
 * reservation whose request ended during the outage does not outlive it.
 */
class FailoverLedgerTest {
    static final Duration TIMEOUT = Duration.ofMillis(150);
    static final Duration PROBE = Duration.ofMillis(100);

    RedisProcess redis;
    Vertx vertx;
    Store store;
    ExecutorService storeExecutor;

    /** One gateway's budgets: its own Redis connection, guard, usage record and ledgers, on its own event loop. */
    final class Node {
        final RedisPipe pipe;
        final BackendGuard guard;
        final StoredUsage stored;
        final FailoverLedger ledger;
        final Context loop = vertx.getOrCreateContext();
        /** What the ledger reported as settled after its caller stopped waiting. */
        final List<Ledger.Settled> reported = new java.util.concurrent.CopyOnWriteArrayList<>();

        Node(boolean fallBackToLocal) {
            this(fallBackToLocal, redis.port);
        }

        /** @param port Redis's port, or a relay's in front of it */
        Node(boolean fallBackToLocal, int port) {
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port)
                    .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000)));
            pipe = new RedisPipe(client, TIMEOUT.toMillis());
            guard = new BackendGuard("budgets", TIMEOUT, PROBE, pipe.sender());
            stored = new StoredUsage(store, storeExecutor, Clock.systemUTC());
            ledger = new FailoverLedger(new RedisLedger(pipe.sender(), stored, BudgetsRuntime.LEASE_MS),
                    new LocalLedger(stored, BudgetsRuntime.LEASE_MS, System::currentTimeMillis), fallBackToLocal, guard, reported::addAll);
        }

        /** Connects and loads the scripts, so the test's first call is not the one paying for it (cold JVM, 2 cores). */
        Node warm() throws Exception {
            Account warmUp = account("warm-up", 1_000_000);
            for (int i = 0; i < 20; i++) {
                Ledger.Reservation r = reserve(warmUp, 1);
                settle(r, 0);
                if (r.granted() && r.holder() != null && r.generations() != null) break;
            }
            eventually("warm-up released", () -> waiting() == 0);
            return this;
        }

        <T> T on(Supplier<Future<T>> work) throws Exception {
            return OnLoop.await(loop, work);
        }

        Ledger.Reservation reserve(Account a, long tokens) throws Exception {
            return on(() -> ledger.reserve(List.of(a), new Amount(tokens, 0)));
        }

        /** As the budget control does: the store's record first, then the ledger. */
        void settle(Ledger.Reservation r, long tokens) throws Exception {
            Amount used = new Amount(tokens, 0);
            on(() -> ledger.settle(r, used, stored.add(r.accounts(), used)));
        }

        int waiting() {
            return guard.redelivery().waiting();
        }
    }

    void start(boolean aof) throws Exception {
        redis = RedisProcess.start(aof);
        vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("failover");
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, 2), new SecretResolver(Map.of()));
        storeExecutor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (redis != null) redis.close();
        if (store != null) store.close();
        if (storeExecutor != null) storeExecutor.shutdownNow();
    }

    Account account(String name, long tokens) {
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
        Account a = new Account("daily", "org:" + name, name, day, day.plus(1, ChronoUnit.DAYS), tokens, -1);
        store.orgs().ensure(name);
        return a;
    }

    static void eventually(String what, Callable<Boolean> done) throws Exception {
        Eventually.until(what, done);
    }

    /** Redis ran the settlement its caller gave up on when it woke, and received it again: counted once. */
    @ParameterizedTest(name = "aof {0}")
    @ValueSource(booleans = {false, true})
    void aSettlementThatTimedOutWhileRedisWasPausedIsCountedOnce(boolean aof) throws Exception {
        start(aof);
        Node node = new Node(false).warm();
        Account a = account("paused", 10_000);
        Ledger.Reservation r = node.reserve(a, 500);
        assertThat(r.granted()).isTrue();

        redis.pause();
        node.settle(r, 200); // answered by the failure path after the timeout; the command waits in Redis's socket
        assertThat(node.waiting()).as("the settlement waits to be sent again").isEqualTo(1);
        assertThat(node.reserve(a, 300)).as("deny: refused while Redis does not answer").isSameAs(FailoverLedger.UNAVAILABLE);
        redis.resume();

        eventually("the settlement delivered", () -> node.waiting() == 0);
        assertThat(redis.hget(a.key(), "ut")).as("settled usage, counted once").isEqualTo(200);
        eventually("reported", () -> !node.reported.isEmpty());
        assertThat(node.reported).as("reported once (alerts, metrics)").singleElement()
                .satisfies(s -> assertThat(s.after().tokens() - s.before().tokens()).isEqualTo(200));
        eventually("the late reservation given back", () -> redis.hget(a.key(), "rt") == 0);
        assertThat(redis.command("ZCARD", a.key() + ":r")).isEqualTo("0");
    }

    /**
     * Two nodes spend on their own ledgers while Redis is dead or cut off from them. When it is back with its
     * data (AOF, or it never stopped), their usage is added to it; when it comes back empty, the store is the
     * one source: the account is seeded from it and the nodes' deliveries add nothing again — whether the
     * seed comes before them (the nodes are still cut off when another node seeds) or after.
     */
    @ParameterizedTest(name = "{0}, aof {1}, seeded before the nodes deliver {2}")
    @CsvSource({"kill, false, true", "kill, false, false", "kill, true, true", "kill, true, false", "partition, false, false"})
    void usageSettledOnTheNodesDuringAnOutageIsCountedOnce(String fault, boolean aof, boolean seedFirst) throws Exception {
        start(aof);
        try (TcpRelay relay = new TcpRelay(redis.port)) {
            Node n1 = new Node(true, relay.port()).warm();
            Node n2 = new Node(true, relay.port()).warm();
            Account a = account("outage", 100_000);
            Ledger.Reservation first = n1.reserve(a, 500);
            assertThat(first.granted() && first.generations() != null).as("in Redis").isTrue();
            n1.settle(first, 60);
            n1.stored.flush();

            if (fault.equals("kill")) redis.kill();
            relay.cut();
            for (int i = 0; i < 5; i++) {
                Ledger.Reservation r1 = n1.reserve(a, 100);
                Ledger.Reservation r2 = n2.reserve(a, 100);
                assertThat(r1.granted() && r2.granted()).as("local: each node's own ledger answers").isTrue();
                n1.settle(r1, 30);
                n2.settle(r2, 20);
            }
            n1.stored.flush();
            n2.stored.flush();
            long total = 60 + 5 * 30 + 5 * 20;
            assertThat(store.usage().find(a.ruleId(), a.subject(), a.periodStart()).orElseThrow().tokens()).isEqualTo(total);

            if (fault.equals("kill")) redis.restart();
            if (seedFirst) {
                Node other = new Node(false).warm(); // not cut off: it reaches Redis while the two still cannot
                other.settle(other.reserve(a, 100), 0);
                assertThat(n1.waiting() + n2.waiting()).as("the nodes have not delivered yet").isPositive();
            }
            relay.restore();
            eventually("the nodes' usage delivered", () -> n1.waiting() == 0 && n2.waiting() == 0);
            Node later = new Node(false).warm();
            later.settle(later.reserve(a, 100), 0);
            assertThat(redis.hget(a.key(), "ut")).as("everything settled, once").isEqualTo(total);
            assertThat(redis.hget(a.key(), "rt")).isZero();
        }
    }

    /**
     * A node spends on its own ledger in one outage; Redis comes back and others spend through it; in the next
     * outage the node's ledger starts again from the store, not from what it counted the first time — else it
     * would admit what the others spent in between a second time.
     */
    @ParameterizedTest(name = "aof {0}")
    @ValueSource(booleans = {false, true})
    void aSecondOutageStartsFromTheStoreNotFromTheFirstOutagesCounts(boolean aof) throws Exception {
        start(aof);
        try (TcpRelay relay = new TcpRelay(redis.port)) {
            Node cutOff = new Node(true, relay.port()).warm();
            Node other = new Node(false).warm();
            Account a = account("twice-out", 1_000);

            relay.cut();
            Ledger.Reservation first = cutOff.reserve(a, 100);
            assertThat(first.granted() && first.generations() == null).as("outage 1: on its own ledger").isTrue();
            cutOff.settle(first, 100);
            cutOff.stored.flush(); // as every second: an account Redis never had is seeded from the store, usage included
            relay.restore();
            eventually("outage 1's usage delivered", () -> cutOff.waiting() == 0);
            Ledger.Reservation back = cutOff.reserve(a, 1);
            assertThat(back.generations()).as("Redis decides again").isNotNull();
            cutOff.settle(back, 0);

            Ledger.Reservation spent = other.reserve(a, 800);
            assertThat(spent.granted()).isTrue();
            other.settle(spent, 800);
            other.stored.flush();
            cutOff.stored.flush();

            relay.cut();
            Ledger.Reservation second = cutOff.reserve(a, 200);
            assertThat(second.generations()).as("outage 2: on its own ledger").isNull();
            assertThat(second.granted()).as("900 of 1,000 spent: 200 more does not fit").isFalse();
            assertThat(second.used()[0].tokens()).isEqualTo(900);
            Ledger.Reservation fits = cutOff.reserve(a, 100);
            assertThat(fits.granted()).as("100 does").isTrue();
            cutOff.settle(fits, 0);
        }
    }

    /**
     * A request ends while Redis is dead: its release cannot be delivered. Redis comes back with its data,
     * reservation included — the release arrives then, without waiting for the lease or for new traffic.
     */
    @ParameterizedTest(name = "aof {0}")
    @ValueSource(booleans = {false, true})
    void aReservationWhoseRequestEndedDuringAnOutageIsReleasedWhenRedisReturns(boolean aof) throws Exception {
        start(aof);
        try (TcpRelay relay = new TcpRelay(redis.port)) {
            Node node = new Node(false, relay.port()).warm();
            Account a = account("held", 10_000);
            Ledger.Reservation r = node.reserve(a, 4_000);
            assertThat(r.granted()).isTrue();
            assertThat(redis.hget(a.key(), "rt")).isEqualTo(4_000);

            redis.kill();
            relay.cut(); // so the test can look at Redis before the node reaches it again
            node.settle(r, 1_500);
            assertThat(node.waiting()).isEqualTo(1);
            node.stored.flush();

            redis.restart();
            assertThat(redis.hget(a.key(), "rt")).as("Redis came back holding the reservation (or, without AOF, empty)")
                    .isEqualTo(aof ? 4_000 : 0);
            relay.restore();
            eventually("the release delivered", () -> node.waiting() == 0);
            if (aof) {
                assertThat(redis.hget(a.key(), "rt")).as("released").isZero();
                assertThat(redis.hget(a.key(), "ut")).isEqualTo(1_500);
            } else {
                assertThat(redis.command("EXISTS", a.key())).as("nothing to release in an empty Redis").isEqualTo("0");
            }
            Ledger.Reservation next = node.reserve(a, 8_500);
            assertThat(next.granted()).as("1,500 used + 8,500 = the whole budget, nothing held").isTrue();
            assertThat(redis.hget(a.key(), "ut")).isEqualTo(1_500);
        }
    }
}
