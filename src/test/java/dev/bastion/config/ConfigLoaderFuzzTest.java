package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link ConfigLoader#parse} with arbitrary YAML. Properties: it either returns a config or throws a
 * {@link ConfigException} — never a NullPointerException, ClassCastException, StackOverflowError or
 * OutOfMemoryError — whose every line starts with the source's name; and loading is deterministic (the same
 * text gives an equal config, or the same problems).
 */
class ConfigLoaderFuzzTest {
    private static final ConfigLoader LOADER = new ConfigLoader();

    @FuzzTest(maxDuration = "10s")
    void onlyConfigExceptionsEscape(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        BastionConfig config;
        try {
            config = LOADER.parse(yaml, "fuzz.yaml");
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            for (String problem : e.problems()) assertThat(problem).startsWith("fuzz.yaml: ");
            assertThatThrownBy(() -> LOADER.parse(yaml, "fuzz.yaml")).isInstanceOf(ConfigException.class)
                    .extracting(t -> ((ConfigException) t).problems()).isEqualTo(e.problems());
            return;
        }
        assertThat(config).isNotNull();
        assertThat(LOADER.parse(yaml, "fuzz.yaml")).isEqualTo(config);
    }
}
