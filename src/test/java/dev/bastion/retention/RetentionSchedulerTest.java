package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.CheckpointSigner;
import dev.bastion.config.RetentionConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule runs the job off the caller's thread, again and again, and counts what it removed per class. */
class RetentionSchedulerTest {
    @Test
    void theScheduleRunsTheJobRepeatedlyAndCountsPerClass(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()))) {
            store.orgs().ensure("acme");
            Instant now = Instant.now();
            store.usage().add("r1", "old-1", "acme", now.minus(Duration.ofDays(500)), 1, 0, now.minus(Duration.ofDays(450)));
            MasterKey master = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
            RetentionJob job = new RetentionJob(store, RetentionConfig.DEFAULTS, Clock.systemUTC(),
                    () -> CheckpointSigner.load(store, master, "gw", System.currentTimeMillis()), "gw", e -> {}, null, registry);
            try (RetentionScheduler ignored = RetentionScheduler.start(job, Duration.ZERO, Duration.ofMillis(20))) {
                waitFor(() -> registry.get("bastion.retention.deleted").tag("class", "usage").counter().count() == 1);
                // a row that becomes due later is taken by a later run
                store.usage().add("r1", "old-2", "acme", now.minus(Duration.ofDays(500)), 1, 0, now.minus(Duration.ofDays(450)));
                waitFor(() -> registry.get("bastion.retention.deleted").tag("class", "usage").counter().count() == 2);
            }
            assertThat(store.usage().forOrg("acme", Instant.EPOCH)).isEmpty();
            assertThat(registry.get("bastion.retention.last.run").gauge().value()).isGreaterThanOrEqualTo(now.getEpochSecond());
            assertThat(registry.get("bastion.retention.deleted").tag("class", "audit").counter().count()).isZero();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) Thread.sleep(10); // the default test timeout (junit-platform.properties) bounds a schedule that never runs
    }
}
