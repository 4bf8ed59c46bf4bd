package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.BotsConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.testing.TestGateway;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bots block and an issuer's machine rule as YAML: defaults, and a precise message for each mistake. */
class BotsConfigTest {
    private static BastionConfig parse(String top) {
        String yaml = top + "\n" + TestGateway.config("""
                  - { id: r, match: { methods: [GET], path: /r }, upstream: app, public: true }
                """).replace("{{store}}", "sqlite:/tmp/unused.db").replace("{{upstream}}", "http://127.0.0.1:9");
        return new ConfigLoader().parse(yaml, "t.yaml");
    }

    @Test
    void defaultsAreAProofOfWorkOf16BitsAndAHalfHourWindow() {
        BotsConfig b = parse("bots: {}").bots();
        assertThat(b.challenge()).isEqualTo(BotsConfig.Challenge.POW);
        assertThat(b.powDifficulty()).isEqualTo(16);
        assertThat(b.navigationWindow()).isEqualTo(Duration.ofMinutes(30));
        BotsConfig set = parse("bots: { challenge: cookie, pow_difficulty: 20, navigation_window: 2h }").bots();
        assertThat(set.challenge()).isEqualTo(BotsConfig.Challenge.COOKIE);
        assertThat(set.powDifficulty()).isEqualTo(20);
        assertThat(set.navigationWindow()).isEqualTo(Duration.ofHours(2));
        // written bare, YAML 1.1 reads off as false: it still means off
        assertThat(parse("bots: { mode: off }").bots().mode()).isEqualTo(BotsConfig.Mode.OFF);
        assertThat(parse("bots: { mode: block }").bots().mode()).isEqualTo(BotsConfig.Mode.BLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bots: { pow_difficulty: 7 }|pow_difficulty: 7 (expected: 8 to 24)",
            "bots: { pow_difficulty: 25 }|pow_difficulty: 25 (expected: 8 to 24)",
            "bots: { navigation_window: 25h }|navigation_window",
            "bots: { challenge: captcha }|challenge",
            "'identity: { issuers: [ { name: a, issuer: \"https://idp.example\", audiences: [x], machine: { claim: gty } } ] }'|machine.values",
            "'identity: { issuers: [ { name: a, issuer: \"https://idp.example\", audiences: [x], machine: { values: [app] } } ] }'|machine.claim"})
    void mistakesAreRefusedWithTheKey(String yaml, String expected) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
