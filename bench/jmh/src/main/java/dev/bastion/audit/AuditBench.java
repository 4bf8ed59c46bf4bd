package dev.bastion.audit;

import dev.bastion.config.AuditConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The audit trail's cost. On the request path ({@code legacyEvent}, {@code typedEvent}): what an emitter
 * pays — an id, a shallow copy of the fields, a non-blocking offer — with the writer's queue emptied every
 * 4096 events so the offer never meets a full queue. Baseline: {@code fieldsMap}, building the 5-field map
 * every emitter builds anyway. On the writer's thread ({@code storeBatchOf100}): checking 100 events and
 * appending them, chained, to a real SQLite store in one transaction — ×100 is the writer's events per ms
 * per node.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AuditBench {
    private Path dir;
    private Store store;
    private AuditWriter writer;
    private AuditTrail trail;
    private int n;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("audit-bench");
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()));
        AuditConfig c = new AuditConfig(true, "bench", 1 << 16, 500, Duration.ofMillis(200), null, null, false, null,
                new AuditConfig.Spool(dir.resolve("spool").toString(), null), null, null);
        writer = new AuditWriter(store, c, new Spool(dir.resolve("spool"), 1 << 20), () -> null, List.of(), new SimpleMeterRegistry()); // not started
        trail = AuditTrail.over(writer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    private Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("request_id", "4f1c2a9be0d34a7c9e21b6f0a8d3c5e7");
        f.put("route", "chat");
        f.put("org", "acme");
        f.put("rule", "941100");
        f.put("score", 5);
        return f;
    }

    @Benchmark
    public Object fieldsMap() {
        return fields();
    }

    @Benchmark
    public boolean legacyEvent() {
        trail.event("waf.block", fields());
        if ((++n & 4095) == 0) writer.discardQueued();
        return true;
    }

    @Benchmark
    public boolean typedEvent() {
        trail.record(new AuditEvent(System.currentTimeMillis(), AuditType.AUTH_FAILURE, null, AuditEvent.Actor.ANONYMOUS, "authenticate", "chat",
                null, "invalid_api_key", "4f1c2a9be0d34a7c9e21b6f0a8d3c5e7", null, "198.51.100.7", Map.of("route", "chat")));
        if ((++n & 4095) == 0) writer.discardQueued();
        return true;
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public Object storeBatchOf100() {
        List<AuditRow.Unchained> rows = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
            rows.add(AuditRecords.toRow(AuditRecords.newId(), AuditRecords.fromLegacy("waf.block", fields())));
        }
        seq += 100;
        return store.audit().append("bench", rows, false);
    }
}
