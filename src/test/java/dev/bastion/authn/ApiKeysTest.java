package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void generatedKeysHaveThePrefixChecksumAndAtLeast128BitsOfRandomness() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String k = ApiKeys.generate();
            assertThat(k).startsWith("bst_").hasSize(ApiKeys.LENGTH);
            assertThat(ApiKeys.wellFormed(k)).isTrue();
            assertThat(seen.add(k)).isTrue();
        }
        // 32 characters from a 62-letter alphabet: 32 * log2(62) ≈ 190 bits.
        assertThat(ApiKeys.RANDOM_CHARS * Math.log(62) / Math.log(2)).isGreaterThan(128);
    }

    @Test
    void anySingleCharacterChangeBreaksTheChecksum() {
        String k = ApiKeys.generate();
        for (int i = 4; i < k.length(); i++) {
            char c = k.charAt(i);
            String changed = k.substring(0, i) + (c == 'x' ? 'y' : 'x') + k.substring(i + 1);
            assertThat(ApiKeys.wellFormed(changed)).as("changed at %d", i).isFalse();
        }
        assertThat(ApiKeys.wellFormed("bst_short")).isFalse();
        assertThat(ApiKeys.wellFormed("sk-" + k.substring(3))).isFalse();
        assertThat(ApiKeys.wellFormed(k.substring(0, k.length() - 1) + "!")).isFalse();
    }

    @Test
    void onlyTheHashIsKeptAndItIsStable() {
        String k = ApiKeys.generate();
        assertThat(ApiKeys.hash(k)).hasSize(64).matches("[0-9a-f]+").isEqualTo(ApiKeys.hash(k)).doesNotContain(k.substring(4));
        assertThat(ApiKeys.hash(k)).isNotEqualTo(ApiKeys.hash(ApiKeys.generate()));
        assertThat(ApiKeys.newId()).startsWith("key_").hasSize(20);
    }

    @Test
    void bearerParsing() {
        assertThat(ApiKeyAuthenticator.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(ApiKeyAuthenticator.bearer("bearer  abc ")).isEqualTo("abc");
        assertThat(ApiKeyAuthenticator.bearer("Basic abc")).isNull();
        assertThat(ApiKeyAuthenticator.bearer("Bearer ")).isNull();
    }
}
