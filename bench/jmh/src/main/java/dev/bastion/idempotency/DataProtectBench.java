package dev.bastion.idempotency;

import dev.bastion.config.DataProtectionConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.dataprotect.AuditFieldSealer;
import dev.bastion.dataprotect.DataKeys;
import dev.bastion.dataprotect.Keks;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of envelope encryption per stored entry, with the data key in memory (as it is after an org's first
 * request). Baseline: {@code encodeEntry}, the text form of a typical idempotency entry (a 2 KiB chat completion,
 * five headers) that is stored anyway. {@code sealEntry}: encoded and sealed with the org's data key (what a
 * completion pays); {@code sealAndOpenEntry}: sealed, opened and decoded (a completion and its replay).
 * {@code sealAuditMembers}: an audit event's user id (with its blind index) and client IP sealed, on the
 * writer's thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DataProtectBench {
    private static final String KEY = "bastion:idem:chat:5d41402abc4b2a76b9719d911017c592ae5f4a3c3e0b7f2d1c6a9e8b7d6c5f4e";
    private Path dir;
    private Store store;
    private DataKeys keys;
    private AuditFieldSealer sealer;
    private Entry.Done entry;
    private AuditRow.Unchained row;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("dp-bench");
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()));
        DataProtectionConfig config = new DataProtectionConfig(null, null, null, null,
                Set.of(DataProtectionConfig.AuditField.IP, DataProtectionConfig.AuditField.ACTOR), null);
        keys = new DataKeys(store.dataKeys(), Keks.of(Keks.master(MasterKey.fromKeysetJson(MasterKey.generateKeysetJson()))), config, Clock.systemUTC());
        sealer = new AuditFieldSealer(keys);
        StringBuilder body = new StringBuilder("{\"id\":\"chatcmpl-9f8e7d\",\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"");
        while (body.length() < 2000) body.append("The quick brown fox jumps over the lazy dog. ");
        body.append("\"}}],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":380}}");
        entry = new Entry.Done("3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed", 200,
                List.of(Map.entry("Content-Type", "application/json"), Map.entry("openai-model", "gpt-4o-mini"), Map.entry("openai-processing-ms", "812"),
                        Map.entry("x-ratelimit-remaining-tokens", "149620"), Map.entry("Location", "/v1/chat/completions/chatcmpl-9f8e7d")),
                body.toString().getBytes(StandardCharsets.UTF_8));
        row = new AuditRow.Unchained("k3x-1", System.currentTimeMillis(), "budget.threshold", "notice", "principal", "usr_4hG7kL2mN9pQ1rS3", "acme",
                "threshold", "monthly", "success", null, "4f1c2a9be0d34a7c9e21b6f0a8d3c5e7", null, "203.0.113.7", "{\"percent\":80}");
        keys.seal("org:acme", "warm", new byte[1]); // the org's key made and in memory
        sealer.seal(row);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public byte[] encodeEntry() {
        return entry.encode().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] sealEntry() {
        return keys.seal("org:acme", KEY, entry.encode().getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public Entry sealAndOpenEntry() {
        byte[] sealed = keys.seal("org:acme", KEY, entry.encode().getBytes(StandardCharsets.UTF_8));
        return Entry.decode(new String(keys.open(KEY, sealed), StandardCharsets.UTF_8));
    }

    @Benchmark
    public AuditRow.Unchained sealAuditMembers() {
        return sealer.seal(row);
    }
}
