package dev.bastion.waf;

import dev.bastion.observe.AuditLog;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sampled decision records of refused requests (W6): at most {@code perSecond} {@code waf.block} events a
 * second for the whole instance, the rest counted ({@code bastion_waf_blocks_unrecorded_total}) and the
 * count carried by the next record ({@code unrecorded_before}). An attacker sending ten thousand
 * payloads a second gets ten thousand 403s, not ten thousand audit lines. Every refusal still has its
 * access line and its per-rule counter; records carry rule ids, targets and the score, never a value.
 */
public final class BlockedRequestLog {
    private final AuditLog audit;
    private final Bucket bucket;
    private final AtomicLong unrecorded = new AtomicLong();
    private final Counter dropped;

    public BlockedRequestLog(AuditLog audit, int perSecond, MeterRegistry registry) {
        this.audit = audit;
        this.bucket = perSecond == 0 ? null
                : Bucket.builder().addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build()).build();
        this.dropped = Counter.builder("bastion.waf.blocks.unrecorded").description("Refused requests beyond the sampled waf.block records")
                .register(registry);
    }

    /** Records the event, or counts it when this second's records are spent. */
    public void record(Map<String, Object> event) {
        if (bucket == null || !bucket.tryConsume(1)) {
            unrecorded.incrementAndGet();
            dropped.increment();
            return;
        }
        long before = unrecorded.getAndSet(0);
        if (before > 0) event.put("unrecorded_before", before);
        audit.event("waf.block", event);
    }
}
