package dev.bastion.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fixed log-linear buckets: contiguous, narrow, mergeable, and percentiles of a merge that equal the union's. */
class LatencyHistogramTest {
    @Test
    void bucketsAreContiguousAndAtMostAnEighthWide() {
        for (int i = 0; i < LatencyHistogram.BUCKETS - 1; i++) {
            assertThat(LatencyHistogram.upper(i) + 1).as("bucket %d ends where %d starts", i, i + 1).isEqualTo(LatencyHistogram.lower(i + 1));
            assertThat(LatencyHistogram.bucket(LatencyHistogram.lower(i))).isEqualTo(i);
            assertThat(LatencyHistogram.bucket(LatencyHistogram.upper(i))).isEqualTo(i);
            if (i >= 8) assertThat((double) (LatencyHistogram.upper(i) - LatencyHistogram.lower(i) + 1) / LatencyHistogram.lower(i)).isLessThanOrEqualTo(0.125);
        }
        assertThat(LatencyHistogram.bucket(-5)).as("a clock step back is 0, not an exception").isZero();
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void percentilesOfAKnownDistributionAreWithinHalfABucket() {
        LatencyHistogram h = new LatencyHistogram();
        // 1..1000 ms, one request each: p50 = 500 ms, p95 = 950 ms, p99 = 990 ms
        for (int ms = 1; ms <= 1000; ms++) h.record(ms * 1000L);
        assertThat(h.percentileMs(0.50)).isCloseTo(500, within(500 * 0.0625));
        assertThat(h.percentileMs(0.95)).isCloseTo(950, within(950 * 0.0625));
        assertThat(h.percentileMs(0.99)).isCloseTo(990, within(990 * 0.0625));
        // a bimodal one: 90 fast (2 ms), 10 slow (800 ms): p50 is fast, p95 and p99 slow
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 90; i++) b.record(2_000);
        for (int i = 0; i < 10; i++) b.record(800_000);
        assertThat(b.percentileMs(0.5)).isCloseTo(2, within(2 * 0.0625));
        assertThat(b.percentileMs(0.95)).isCloseTo(800, within(800 * 0.0625));
        assertThat(new LatencyHistogram().percentileMs(0.5)).isZero();
    }

    @Test
    void mergedHistogramsOfNodesAndMinutesAreTheHistogramOfAllTheirRequests() {
        Random random = new Random(7);
        LatencyHistogram all = new LatencyHistogram();
        LatencyHistogram merged = new LatencyHistogram();
        long[] values = new long[6000];
        for (int part = 0; part < 3; part++) { // three nodes (or minutes), each its own distribution
            LatencyHistogram one = new LatencyHistogram();
            for (int i = 0; i < 2000; i++) {
                long v = (long) Math.exp(random.nextGaussian() * (part + 1) + 8 + part); // log-normal, µs
                values[part * 2000 + i] = v;
                one.record(v);
                all.record(v);
            }
            merged.addEncoded(one.encode()); // through the stored form, as the store merges them
        }
        assertThat(merged).isEqualTo(all);
        assertThat(merged.total()).isEqualTo(6000);
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            double exact = values[(int) Math.ceil(q * values.length) - 1] / 1000.0;
            assertThat(merged.percentileMs(q)).as("p%s", q).isCloseTo(exact, within(exact * 0.0625 + 0.001));
        }
    }

    @Test
    void aStoredHistogramThatIsNotOursIsRefused() {
        assertThatThrownBy(() -> new LatencyHistogram().addEncoded("999:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram().addEncoded("x")).isInstanceOf(RuntimeException.class);
    }
}
