package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention against a real PostgreSQL (embedded binaries), a database per test; the attacker is the superuser
 * past the triggers. Also: nodes sharing the database purge one at a time, never twice.
 */
class RetentionPostgresTest extends RetentionContract {
    static EmbeddedPostgres pg;
    private static final AtomicInteger databases = new AtomicInteger();
    private String database;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 'retention-pass-1'");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) pg.close();
    }

    @Override
    protected Store openStore() throws Exception {
        String db = "retention" + databases.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db + " OWNER bastion");
        }
        if (database == null) database = db; // the first is the test's store; later ones stand for other stores
        return open(db);
    }

    private static Store open(String db) {
        return Store.open(new StoreConfig("postgresql://127.0.0.1:" + pg.getPort() + "/" + db, "bastion", SecretRef.parse("env:P"), 8),
                new SecretResolver(Map.of("P", "retention-pass-1")));
    }

    @Override
    protected Connection app() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database, "bastion", "retention-pass-1");
    }

    @Override
    protected Connection attacker() throws Exception {
        Connection c = pg.getDatabase("postgres", database).getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica"); // a superuser's way past the triggers
        }
        return c;
    }

    @Test
    void whileOneNodeHoldsTheRetentionLockAnotherSkipsItsRun() throws Exception {
        tableFixture(NOW);
        accessLogDir = java.nio.file.Files.createDirectories(dir.resolve("logs"));
        java.nio.file.Path old = java.nio.file.Files.writeString(accessLogDir.resolve("access-2026-01-01.log"), "x\n");
        try (Store other = open(database)) {
            CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try {
                Future<?> first = ex.submit(() -> other.retention().exclusively(() -> {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "done";
                }));
                holding.await();
                RetentionJob.Report r = job(NOW).run(false, Set.of());
                assertThat(r.skipped()).isTrue();
                assertThat(ids("SELECT subject FROM llm_usage")).as("the skipping node deleted nothing of the store").hasSize(2);
                assertThat(r.rows(DataClass.ACCESS_LOGS)).as("but its own access-log files are its own to delete").isEqualTo(1);
                assertThat(old).doesNotExist();
                release.countDown();
                first.get();
            } finally {
                ex.shutdownNow();
            }
        }
        assertThat(job(NOW).run(false, Set.of()).rows(DataClass.USAGE)).as("once released, the lock is free").isEqualTo(1);
    }

    @Test
    void nodesPurgingAtOnceNeitherPurgeTwiceNorDeadlock() throws Exception {
        store.orgs().ensure("acme");
        for (int i = 0; i < 3000; i++) store.usage().add("r1", "s" + i, "acme", NOW.minus(Duration.ofDays(500)), 1, 0, NOW.minus(Duration.ofDays(450)));
        for (int i = 0; i < 6; i++) trail("n" + i, NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(10)));
        int nodes = 4;
        List<Store> stores = new ArrayList<>();
        ExecutorService ex = Executors.newFixedThreadPool(nodes);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RetentionJob.Report>> runs = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                Store s = open(database);
                stores.add(s);
                String node = "gw" + n;
                RetentionJob j = new RetentionJob(s, batches(100), java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC),
                        () -> dev.bastion.audit.CheckpointSigner.load(s, master, node, NOW.toEpochMilli()), node, recorded::add, null, null);
                runs.add(ex.submit(() -> {
                    go.await();
                    return j.run(false, Set.of());
                }));
            }
            go.countDown();
            long usage = 0, audit = 0;
            for (Future<RetentionJob.Report> f : runs) {
                RetentionJob.Report r = f.get(); // a deadlock would be an error PostgreSQL reports here, or a run that never returns
                assertThat(r.classes()).noneSatisfy(c -> assertThat(c.failed()).isTrue());
                usage += r.rows(DataClass.USAGE);
                audit += r.rows(DataClass.AUDIT);
            }
            assertThat(usage).isEqualTo(3000);
            assertThat(audit).isEqualTo(6 * 5);
            assertThat(store.audit().cuts(null)).as("one cut per node, by whichever node purged").hasSize(6);
            for (int i = 0; i < 6; i++) assertThat(verify("n" + i).problems()).isEmpty();
        } finally {
            ex.shutdownNow();
            stores.forEach(Store::close);
        }
    }
}
