package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ChallengeTokensTest {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";

    private final MovableClock clock = new MovableClock();
    private final ChallengeTokens tokens = ChallengeTokens.generated(clock, Duration.ofMinutes(30));

    @Test
    void aTokenIsValidForTheAddressAndUserAgentItWasIssuedTo() {
        String t = tokens.issue("203.0.113.5", UA);
        assertThat(tokens.valid(t, "203.0.113.5", UA)).isTrue();
        assertThat(t).startsWith("v1.").doesNotContain("203.0.113.5").doesNotContain("Firefox");
    }

    @Test
    void aTokenMovedToAnotherAddressOrUserAgentIsRefused() {
        String t = tokens.issue("203.0.113.5", UA);
        assertThat(tokens.valid(t, "203.0.113.6", UA)).isFalse();
        assertThat(tokens.valid(t, "203.0.113.5", UA.replace("133", "134"))).isFalse();
        assertThat(tokens.valid(t, "203.0.113.5", null)).isFalse();
    }

    @Test
    void anExpiredTokenIsRefused() {
        String t = tokens.issue("203.0.113.5", UA);
        clock.advance(Duration.ofMinutes(29));
        assertThat(tokens.valid(t, "203.0.113.5", UA)).as("just inside").isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.valid(t, "203.0.113.5", UA)).as("at expiry").isFalse();
    }

    @Test
    void aForgedOrAlteredTokenIsRefused() throws Exception {
        String t = tokens.issue("203.0.113.5", UA);
        String[] p = t.split("\\.");
        long later = Long.parseLong(p[1]) + 86_400;
        assertThat(tokens.valid("v1." + later + "." + p[2], "203.0.113.5", UA)).as("expiry pushed out, old MAC").isFalse();
        char last = p[2].charAt(p[2].length() - 2);
        String flipped = p[2].substring(0, p[2].length() - 2) + (last == 'A' ? 'B' : 'A') + p[2].charAt(p[2].length() - 1);
        assertThat(tokens.valid(p[0] + "." + p[1] + "." + flipped, "203.0.113.5", UA)).as("MAC altered").isFalse();
        ChallengeTokens otherKey = ChallengeTokens.fromKeyset(ChallengeTokens.newKeysetJson(), clock, Duration.ofMinutes(30));
        assertThat(tokens.valid(otherKey.issue("203.0.113.5", UA), "203.0.113.5", UA)).as("signed with another key").isFalse();
        for (String junk : new String[] {"", "v1", "v1..", "v2." + later + "." + p[2], "v1.-5." + p[2], "v1.99999999999999999999." + p[2], "v1.1.%%%"}) {
            assertThat(tokens.valid(junk, "203.0.113.5", UA)).as(junk).isFalse();
        }
        assertThat(tokens.valid(null, "203.0.113.5", UA)).isFalse();
    }

    @Test
    void aKeyDerivedFromTheMasterKeyIsTheSameOnEveryNodeAndChangesWithANewPrimary() throws Exception {
        String purpose = "bastion bots challenge key v1";
        String master = dev.bastion.tokens.MasterKey.generateKeysetJson();
        ChallengeTokens one = ChallengeTokens.fromSecret(dev.bastion.tokens.MasterKey.derive(master, purpose, 32), clock, Duration.ofMinutes(30));
        ChallengeTokens two = ChallengeTokens.fromSecret(dev.bastion.tokens.MasterKey.derive(master, purpose, 32), clock, Duration.ofMinutes(30));
        String t = one.issue("203.0.113.5", UA);
        assertThat(two.valid(t, "203.0.113.5", UA)).as("another node with the same master key").isTrue();
        assertThat(dev.bastion.tokens.MasterKey.derive(master, "another purpose", 32)).isNotEqualTo(dev.bastion.tokens.MasterKey.derive(master, purpose, 32));

        var handle = com.google.crypto.tink.TinkJsonProtoKeysetFormat.parseKeyset(master, com.google.crypto.tink.InsecureSecretKeyAccess.get());
        var aes = com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM;
        String added = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(com.google.crypto.tink.KeysetHandle.newBuilder(handle)
                .addEntry(com.google.crypto.tink.KeysetHandle.generateEntryFromParameters(aes).withRandomId()).build(), com.google.crypto.tink.InsecureSecretKeyAccess.get());
        ChallengeTokens sameKey = ChallengeTokens.fromSecret(dev.bastion.tokens.MasterKey.derive(added, purpose, 32), clock, Duration.ofMinutes(30));
        assertThat(sameKey.valid(t, "203.0.113.5", UA)).as("a key added beside the same primary changes nothing").isTrue();
        String rotated = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(com.google.crypto.tink.KeysetHandle.newBuilder(handle)
                .addEntry(com.google.crypto.tink.KeysetHandle.generateEntryFromParameters(aes).withRandomId().makePrimary()).build(),
                com.google.crypto.tink.InsecureSecretKeyAccess.get());
        ChallengeTokens newKey = ChallengeTokens.fromSecret(dev.bastion.tokens.MasterKey.derive(rotated, purpose, 32), clock, Duration.ofMinutes(30));
        assertThat(newKey.valid(t, "203.0.113.5", UA)).as("a new primary: browsers are challenged once more").isFalse();
    }
}
