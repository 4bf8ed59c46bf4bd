package dev.bastion.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.StoreConfig;
import dev.bastion.llm.MeteredCall;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.StatsRepository;
import dev.bastion.store.Store;
import dev.bastion.testing.Scaling;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder over a real store with a clock the test moves: minutes written once finished, the key cap and its
 * {@code other} bucket, two nodes summing, usage added by the hour, refusals and security decisions by name.
 */
class StatsRecorderTest {
    /** The exchanges' start on the nano clock (0 would mean "now" to the builder). */
    static final long START = 1_000_000_000L;
    static final long T0 = Instant.parse("2026-12-07T05:00:00Z").toEpochMilli();
    @TempDir
    Path dir;
    Store store;
    final AtomicLong now = new AtomicLong(T0 + 5_000);
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @BeforeEach
    void open() {
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("s.db"), null, null, null), new SecretResolver(Map.of()));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Exchange exchange(String org, String route, int status) {
        Identity id = org == null ? null : Identity.apiKey("key_" + org, org, Set.of("invoke"));
        Exchange ex = Exchange.builder().routeId(route).identity(id).startNanos(START).build();
        ex.status(status);
        return ex;
    }

    static void finish(StatsRecorder r, Exchange ex, long micros) {
        r.finished(ex, START + micros * 1000);
    }

    List<StatsRepository.Traffic> rows() {
        return store.stats().traffic(0, Long.MAX_VALUE, null, null);
    }

    @Test
    void aMinuteIsWrittenOnceFinishedAndCountsRefusalsErrorsAndDecisions() {
        StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
        finish(r, exchange("acme", "api", 200), 1_000);
        Exchange waf = exchange("acme", "api", 403);
        waf.refusedBy("waf");
        waf.logField("waf", Map.of("action", "block", "rules", List.of(942100, 941100)));
        finish(r, waf, 2_000);
        Exchange broken = exchange("acme", "api", 502);
        broken.errorCode("upstream_unavailable");
        finish(r, broken, 3_000);
        assertThat(r.flush(false)).as("the minute is still open").isZero();
        now.addAndGet(60_000);
        assertThat(r.flush(false)).isEqualTo(1);
        StatsRepository.Traffic row = rows().get(0);
        assertThat(row.minuteTs()).isEqualTo(T0);
        assertThat(row.requests()).isEqualTo(3);
        assertThat(row.errors()).isEqualTo(1);
        assertThat(row.refused()).isEqualTo("{\"waf\":1}");
        assertThat(row.errorCodes()).isEqualTo("{\"upstream_unavailable\":1}");
        assertThat(row.decisions()).isEqualTo("{\"waf:941100:block\":1,\"waf:942100:block\":1}");
        assertThat(new LatencyHistogram().addEncoded(row.latency()).total()).isEqualTo(3);
        assertThat(r.flush(false)).as("written once").isZero();
    }

    @Test
    void beyondTheKeyCapAMinuteCountsInOther() {
        StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
        for (int i = 0; i < StatsRecorder.MAX_KEYS + 50; i++) finish(r, exchange("acme", "route" + i, 200), 10);
        finish(r, exchange("acme", "route0", 200), 10); // a key already kept stays itself
        assertThat(r.flush(true)).isEqualTo(StatsRecorder.MAX_KEYS + 1);
        StatsRepository.Traffic other = rows().stream().filter(t -> t.route().equals("other")).findFirst().orElseThrow();
        assertThat(other.org()).isEqualTo("other");
        assertThat(other.requests()).isEqualTo(50);
        assertThat(rows().stream().filter(t -> t.route().equals("route0")).findFirst().orElseThrow().requests()).isEqualTo(2);
    }

    @Test
    void twoNodesWriteTheirOwnRowsAndReadsSumThem() {
        StatsRecorder a = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
        StatsRecorder b = new StatsRecorder(store.stats(), "n2", clock, Duration.ofDays(400));
        for (int i = 0; i < 3; i++) finish(a, exchange("acme", "api", 200), 1_000);
        for (int i = 0; i < 4; i++) finish(b, exchange("acme", "api", 200), 9_000);
        a.flush(true);
        b.flush(true);
        TrafficSums.Sum s = TrafficSums.total(store.stats().traffic(T0, T0 + 60_000, "acme", "api"), t -> true);
        assertThat(s.requests).isEqualTo(7);
        assertThat(s.latency.percentileMs(0.5)).as("the 4th of 7 is one of node b's 9 ms").isCloseTo(9, org.assertj.core.api.Assertions.within(0.6));
        assertThat(store.stats().traffic(T0, T0 + 60_000, "globex", null)).isEmpty();
    }

    @Test
    void usageIsAddedByTheHourAcrossFlushes() {
        StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
        Exchange ex = exchange("acme", "chat", 200);
        ex.attribute(MeteredCall.class, new MeteredCall("gpt-4o", 12, 30, 4_500));
        finish(r, ex, 100);
        r.flush(true);
        now.addAndGet(120_000); // two minutes on, same hour
        Exchange again = exchange("acme", "chat", 200);
        again.attribute(MeteredCall.class, new MeteredCall("gpt-4o", 8, 10, 1_500));
        finish(r, again, 100);
        r.flush(false);
        now.addAndGet(60_000);
        r.flush(false);
        List<StatsRepository.Usage> usage = store.stats().usage(T0, T0 + 3_600_000, "acme", null, null);
        assertThat(usage).containsExactly(new StatsRepository.Usage(T0, "acme", "key:key_acme", "gpt-4o", 20, 40, 6_000, 2));
        assertThat(store.stats().activeKeys(T0, T0 + 3_600_000, "acme")).isEqualTo(1);
    }

    @Test
    void theFlushDeletesTrafficPastFiveWeeksAndUsagePastRetentionUsage() {
        long day = 86_400_000L;
        store.stats().insertTraffic("n0", List.of(new StatsRepository.Traffic(T0 - 36 * day, "acme", "api", "", 1, 0, "{}", "{}", "{}", ""),
                new StatsRepository.Traffic(T0 - 34 * day, "acme", "api", "", 1, 0, "{}", "{}", "{}", "")));
        store.stats().addUsage("n0", List.of(new StatsRepository.Usage(T0 - 91 * day, "acme", "key:k", "m", 1, 1, 1, 1),
                new StatsRepository.Usage(T0 - 89 * day, "acme", "key:k", "m", 1, 1, 1, 1)));
        new StatsRecorder(store.stats(), "n1", clock, null).flush(false);
        assertThat(store.stats().usage(0, Long.MAX_VALUE, null, null, null)).as("retention.usage off: kept").hasSize(2);
        assertThat(rows()).extracting(StatsRepository.Traffic::minuteTs).containsExactly(T0 - 34 * day);
        new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(90)).flush(false);
        assertThat(store.stats().usage(0, Long.MAX_VALUE, null, null, null)).extracting(StatsRepository.Usage::hourTs).containsExactly(T0 - 89 * day);
    }

    @Test
    void aMinuteTheStoreRefusesIsDroppedNotThrown() {
        StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
        finish(r, exchange("acme", "api", 200), 10);
        store.close(); // the store is gone: the flush logs and drops, the event loop never sees it
        assertThat(r.flush(true)).isEqualTo(1);
        finish(r, exchange("acme", "api", 200), 10);
        assertThat(r.flush(true)).as("the next minute is counted afresh").isEqualTo(1);
        open();
    }

    @Test
    void nothingIsLostOrCountedTwiceWhileFlushesRaceTheEventLoops() throws Exception {
        StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, null);
        int threads = 4, each = 20_000;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> loops = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    Exchange ex = exchange("org" + (i % 3), "route" + (id % 2), 200);
                    ex.attribute(MeteredCall.class, new MeteredCall("m", 1, 2, 3));
                    finish(r, ex, 10);
                }
            });
            th.start();
            loops.add(th);
        }
        go.countDown();
        // the shutdown flush, taking the open minute again and again while the loops count into it
        while (loops.stream().anyMatch(Thread::isAlive)) r.flush(true);
        r.flush(true);
        long requests = rows().stream().mapToLong(StatsRepository.Traffic::requests).sum();
        assertThat(requests).isEqualTo((long) threads * each);
        long calls = store.stats().usage(0, Long.MAX_VALUE, null, null, null).stream().mapToLong(StatsRepository.Usage::requests).sum();
        assertThat(calls).isEqualTo((long) threads * each);
    }

    @Test
    void aFlushIsLinearInTheKeysItWrites() {
        Scaling.assertLinear("stats flush", 60, n -> n, n -> {
            StatsRecorder r = new StatsRecorder(store.stats(), "n1", clock, Duration.ofDays(400));
            for (int i = 0; i < n; i++) finish(r, exchange("acme", "route" + i, 200), i * 10L);
            return r.flush(true);
        });
    }
}
