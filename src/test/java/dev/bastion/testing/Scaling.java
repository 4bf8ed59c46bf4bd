package dev.bastion.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Guards against super-linear blowups (a backtracking regex, a quadratic loop, an exponential expansion)
 * without trusting the machine's speed: a slow machine makes every run slower, but not an input eight
 * times as large slower than eight times. What is timed is the thread's CPU time, which other processes
 * on a busy machine do not inflate (wall time did: a run preempted midway counts the other process's
 * turn, and the longer run is preempted more often). Both sizes are timed several times, interleaved,
 * and the fastest run of each counts. Linear work gives a ratio near 8, quadratic 64.
 * Absolute speed is measured by the JMH benchmarks (bench/jmh), never asserted in tests.
 */
public final class Scaling {
    /** Linear is ~8; quadratic is 64. The margin absorbs warm-up, GC and cache effects at the larger size. */
    public static final double LINEAR_BOUND = 40;
    private static final int RUNS = 5;
    private static final int ATTEMPTS = 3;
    private static final long NOISE_FLOOR_NANOS = 100_000;
    /** Where results go, so the JIT cannot drop the work that made them. */
    private static volatile Object sink;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private Scaling() {}

    /**
     * Asserts that {@code work} on the input of {@code 8 × n} units takes less than {@link #LINEAR_BOUND}
     * times as long as on {@code n} units.
     *
     * @param input the input of a given number of units (repetitions of a hostile pattern, nesting levels…)
     * @param work  what is timed
     */
    public static <T> void assertLinear(String what, int n, IntFunction<T> input, Function<T, ?> work) {
        T small = input.apply(n), large = input.apply(8 * n);
        // A blowup is there on every attempt; a compile still queued behind a busy machine's other work, or a
        // deoptimisation, is not: an attempt within the bound passes, three over it fail.
        String seen = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long[] t = measure(small, large, work);
            double ratio = (double) t[1] / Math.max(t[0], NOISE_FLOOR_NANOS);
            if (ratio < LINEAR_BOUND) return;
            seen += String.format("%s[%d units %.3f ms, %d units %.3f ms]", seen.isEmpty() ? "" : ", ", n, t[0] / 1e6, 8 * n, t[1] / 1e6);
        }
        assertThat(Double.POSITIVE_INFINITY).as("%s: eight times the input took more than %.0f times as long on every attempt: %s",
                what, LINEAR_BOUND, seen).isLessThan(LINEAR_BOUND);
    }

    /** The best times of {@code small} and {@code large}, after a warm-up. */
    private static <T> long[] measure(T small, T large, Function<T, ?> work) {
        for (int i = 0; i < RUNS; i++) sink = work.apply(small); // warm-up: the first runs are interpreted, then compiled
        for (int i = 0; i < 2; i++) sink = work.apply(large); // and the large input's paths (bigger buffers, other branches) too
        long tSmall = Long.MAX_VALUE, tLarge = Long.MAX_VALUE;
        for (int i = 0; i < RUNS; i++) {
            // Interleaved, so a burst of load or a compilation hits both sizes alike.
            long t0 = now();
            sink = work.apply(small);
            long t1 = now();
            sink = work.apply(large);
            long t2 = now();
            tSmall = Math.min(tSmall, t1 - t0);
            tLarge = Math.min(tLarge, t2 - t1);
        }
        // Runs shorter than the floor are mostly timer and call overhead; what they would show is no blowup anyway.
        return new long[] {tSmall, tLarge};
    }

    private static long now() {
        return CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
