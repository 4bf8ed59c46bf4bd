package dev.bastion.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The blowup guard itself: it passes linear work and catches quadratic work. */
class ScalingTest {
    /** Counts equal pairs: n² comparisons. */
    private static long equalPairs(String s) {
        long pairs = 0;
        for (int i = 0; i < s.length(); i++) for (int j = i + 1; j < s.length(); j++) if (s.charAt(i) == s.charAt(j)) pairs++;
        return pairs;
    }

    private static long vowels(String s) {
        return s.chars().filter(c -> "aeiou".indexOf(c) >= 0).count();
    }

    @Test
    void linearWorkPasses() {
        Scaling.assertLinear("vowels", 100_000, n -> "abcde".repeat(n), ScalingTest::vowels);
    }

    @Test
    void quadraticWorkFails() {
        // Large enough that the small input takes well over the noise floor (at 600 its ~0.1 ms met the floor, and a fast
        // run's ratio came out under the bound: this test failed once in a full suite).
        assertThatThrownBy(() -> Scaling.assertLinear("equal pairs", 1000, n -> "ab".repeat(n), ScalingTest::equalPairs))
                .isInstanceOf(AssertionError.class).hasMessageContaining("equal pairs");
    }
}
