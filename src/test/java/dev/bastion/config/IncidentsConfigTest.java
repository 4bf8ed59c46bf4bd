package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code incidents:} (R2) read from YAML: its defaults, and the broken values refused with their YAML path. */
class IncidentsConfigTest {
    static BastionConfig parse(String incidents) {
        return new ConfigLoader().parse(ConfigLoaderTest.VALID + incidents, "t.yaml");
    }

    @Test
    void absentMeansThirtyDaysAtMostAndASecondPoll() {
        IncidentsConfig c = parse("").incidents();
        assertThat(c.maxFor()).isEqualTo(Duration.ofDays(30));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        IncidentsConfig set = parse("incidents: { max_for: 90d, poll_interval: 500ms }\n").incidents();
        assertThat(set.maxFor()).isEqualTo(Duration.ofDays(90));
        assertThat(set.pollInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "longer than a year | incidents: { max_for: 366d } | max_for: 366d (expected: at most 365d)",
            "zero max_for       | incidents: { max_for: 0s }   | max_for",
            "zero poll          | incidents: { poll_interval: 0s } | poll_interval",
            "the removed key    | 'incidents: { operator_orgs: [platform] }' | operator_orgs' is gone: the operator scope replaced it"})
    void brokenValuesAreRefusedWithTheirPath(String name, String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml + "\n")).isInstanceOf(ConfigException.class).hasMessageContaining("incidents").hasMessageContaining(message);
    }
}
