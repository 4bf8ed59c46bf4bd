package dev.bastion.stats;

import java.util.Arrays;

/**
 * A latency histogram with fixed log-linear buckets, so histograms of any node and any minute merge by adding counts
 * and percentiles of the sum are as good as those of one. Values are microseconds; below 8 µs each value is its own
 * bucket, above it every power of two is split into 8 equal buckets, so a bucket is at most 12.5% wide relative to its
 * lower bound. Values from about 19 hours up share the last bucket. Not thread-safe: its owner synchronises.
 */
public final class LatencyHistogram {
    /** 8 exact buckets, then 8 per power of two from 2^3 to 2^35 µs. */
    static final int BUCKETS = 8 * 34;
    private static final long MAX = (1L << 36) - 1;

    private final long[] counts = new long[BUCKETS];
    private long total;

    /** The bucket of a value in µs: log-linear, computed from its leading bit without a logarithm. */
    static int bucket(long micros) {
        long v = Math.min(Math.max(micros, 0), MAX);
        if (v < 8) return (int) v;
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (e - 3)) & 7;
        return 8 * (e - 2) + sub;
    }

    /** The smallest value in µs that falls in bucket {@code i}. */
    static long lower(int i) {
        if (i < 8) return i;
        int e = i / 8 + 2;
        return (long) (8 + i % 8) << (e - 3);
    }

    /** The largest value in µs that falls in bucket {@code i}. */
    static long upper(int i) {
        return i + 1 >= BUCKETS ? MAX : lower(i + 1) - 1;
    }

    public void record(long micros) {
        counts[bucket(micros)]++;
        total++;
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) counts[i] += other.counts[i];
        total += other.total;
    }

    public long total() {
        return total;
    }

    /**
     * The q-quantile (0 &lt; q ≤ 1) in milliseconds: the middle of the bucket holding the ⌈q·n⌉-th smallest value, so
     * within half a bucket (≤ 6.25%) of the true value; 0 when empty.
     */
    public double percentileMs(double q) {
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.round((lower(i) + upper(i)) / 2.0) / 1000.0;
        }
        return upper(BUCKETS - 1) / 1000.0;
    }

    /** The stored form: {@code "index:count"} for each non-empty bucket, space separated. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] == 0) continue;
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(i).append(':').append(counts[i]);
        }
        return sb.toString();
    }

    /** Adds a stored histogram to this one; a malformed one (not written by {@link #encode}) is refused. */
    public LatencyHistogram addEncoded(String encoded) {
        if (encoded == null || encoded.isEmpty()) return this;
        for (String cell : encoded.split(" ")) {
            int colon = cell.indexOf(':');
            int i = Integer.parseInt(cell, 0, colon, 10);
            long n = Long.parseLong(cell, colon + 1, cell.length(), 10);
            if (i < 0 || i >= BUCKETS || n < 0) throw new IllegalArgumentException("latency histogram: bucket out of range");
            counts[i] += n;
            total += n;
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }
}
