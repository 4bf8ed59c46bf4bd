package dev.bastion.authn.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NumericDatesTest {
    @Test
    void datesInstantCanHoldAreExact() {
        assertThat(NumericDates.toInstant(1_700_000_000L)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(NumericDates.toInstant(40_000_000_000L)).isEqualTo(Instant.ofEpochSecond(40_000_000_000L));
        assertThat(NumericDates.toInstant(1.7e9)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(NumericDates.toInstant(-1L)).isEqualTo(Instant.ofEpochSecond(-1));
    }

    @Test
    void datesBeyondInstantAreTheFarthestInstantOnTheirSide() {
        for (Number far : new Number[] {1e30, Long.MAX_VALUE, Double.MAX_VALUE, new BigInteger("1" + "0".repeat(40)), new BigDecimal("1e400")}) {
            assertThat(NumericDates.toInstant(far)).as("%s", far).isEqualTo(Instant.MAX);
        }
        for (Number far : new Number[] {-1e30, Long.MIN_VALUE, -Double.MAX_VALUE, new BigInteger("-1" + "0".repeat(40))}) {
            assertThat(NumericDates.toInstant(far)).as("%s", far).isEqualTo(Instant.MIN);
        }
    }
}
