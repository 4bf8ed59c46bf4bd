package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretResolverTest {
    @Test
    void resolvesEnvAndFileReferences(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key");
        Files.writeString(f, "sk-from-file-0123456789\n");
        SecretResolver r = new SecretResolver(Map.of("K", "sk-from-env-0123456789"));
        assertThat(r.resolve(SecretRef.parse("env:K"), "x").reveal()).isEqualTo("sk-from-env-0123456789");
        assertThat(r.resolve(SecretRef.parse("file:" + f), "x").reveal()).isEqualTo("sk-from-file-0123456789");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"REPLACE_ME", "replace-me", "changeme", "<your-api-key>", "${OPENAI_KEY}", "xxxxxxxx", "sk-REPLACE_ME-1234", "your-api-key-here"})
    void placeholdersRefuseToStartWithoutEchoingTheValue(String placeholder) {
        SecretResolver r = new SecretResolver(Map.of("K", placeholder));
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("env:K"), "upstreams.openai.api_key"))
                .isInstanceOf(SecretResolver.SecretException.class)
                .hasMessageContaining("upstreams.openai.api_key: env:K holds a placeholder")
                .message().doesNotContain(placeholder);
    }

    @Test
    void missingReferencesAreNamed() {
        SecretResolver r = new SecretResolver(Map.of());
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("env:NOPE"), "a.b")).hasMessage("a.b: environment variable NOPE is not set");
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("file:/no/such/file"), "a.b")).hasMessageContaining("a.b: cannot read /no/such/file");
    }

    @Test
    void secretNeverPrintsItsValue() {
        Secret s = Secret.of("sk-very-secret");
        assertThat(s.toString()).isEqualTo("Secret[redacted]");
        assertThat("" + s).doesNotContain("sk-very-secret");
    }
}
