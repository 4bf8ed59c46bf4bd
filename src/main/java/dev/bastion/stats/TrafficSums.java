package dev.bastion.stats;

import dev.bastion.store.StatsRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Sums of stored traffic rows — of every node, minute and key that falls in a point — for the admin API: counts add,
 * histograms merge, so a fleet's p95 over an hour is the p95 of all its requests in that hour.
 */
public final class TrafficSums {
    /** One point's sums. */
    public static final class Sum {
        public long requests;
        public long errors;
        public final Counts refused = new Counts();
        public final Counts errorCodes = new Counts();
        public final Counts decisions = new Counts();
        public final LatencyHistogram latency = new LatencyHistogram();

        public void add(StatsRepository.Traffic row) {
            requests += row.requests();
            errors += row.errors();
            refused.addEncoded(row.refused());
            errorCodes.addEncoded(row.errorCodes());
            decisions.addEncoded(row.decisions());
            latency.addEncoded(row.latency());
        }

        /** Refused requests of every step. */
        public long refusedTotal() {
            return refused.asMap().values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private TrafficSums() {}

    /**
     * The rows summed into {@code count} points of {@code stepMs} from {@code start}; a point without rows is zero.
     * One pass over the rows, whatever the number of points.
     */
    public static List<Sum> series(List<StatsRepository.Traffic> rows, long start, long stepMs, int count) {
        List<Sum> points = new ArrayList<>(count);
        for (int i = 0; i < count; i++) points.add(new Sum());
        for (StatsRepository.Traffic r : rows) {
            long i = Math.floorDiv(r.minuteTs() - start, stepMs);
            if (i >= 0 && i < count) points.get((int) i).add(r);
        }
        return points;
    }

    /** Every row that {@code which} selects, summed. */
    public static Sum total(List<StatsRepository.Traffic> rows, Predicate<StatsRepository.Traffic> which) {
        Sum s = new Sum();
        for (StatsRepository.Traffic r : rows) if (which.test(r)) s.add(r);
        return s;
    }
}
