package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code data_protection:} maps 1:1 to its record, with defaults, and a KEK that could not be used is refused at load. */
class DataProtectionConfigTest {
    static BastionConfig parse(String dataProtection) {
        return new ConfigLoader().parse(ConfigLoaderTest.VALID + dataProtection, "t.yaml");
    }

    @Test
    void absentMeansTheMasterKeyNinetyDayRotationAndNothingSealedInTheTrail() {
        DataProtectionConfig c = parse("").dataProtection();
        assertThat(c.kek()).isEqualTo("master");
        assertThat(c.rotateEvery()).isEqualTo(Duration.ofDays(90));
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.auditEncrypt()).isEmpty();
    }

    @Test
    void aKmsKekWithItsSettingsMaps() {
        DataProtectionConfig c = parse("""
                data_protection:
                  kek: aws-kms:alias/bastion-prod
                  rotate_every: 30d
                  audit_encrypt: [ip, actor]
                  aws:
                    region: eu-west-1
                    endpoint: https://kms.eu-west-1.amazonaws.com
                    credentials: { access_key_id: env:AWS_ACCESS_KEY_ID, secret_access_key: env:AWS_SECRET_ACCESS_KEY }
                """).dataProtection();
        assertThat(c.kek()).isEqualTo("aws-kms:alias/bastion-prod");
        assertThat(c.rotateEvery()).isEqualTo(Duration.ofDays(30));
        assertThat(c.seals(DataProtectionConfig.AuditField.IP)).isTrue();
        assertThat(c.seals(DataProtectionConfig.AuditField.ACTOR)).isTrue();
        assertThat(c.aws().region()).isEqualTo("eu-west-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not a KEK kind | kek: vault:transit/bastion | expected: master, aws-kms:ARN",
            "not a KMS key id | kek: aws-kms:my-key | is not a KMS key ARN",
            "an alias without a region | kek: aws-kms:alias/bastion | names no region",
            "rotation of zero | rotate_every: 0s | rotate_every",
            "an unknown audit member | 'audit_encrypt: [email]' | audit_encrypt",
            "credentials from a secret store | 'aws: { credentials: { access_key_id: vault:secret/data/aws#id, secret_access_key: env:Y } }' | must be env: or file:"})
    void aKekThatCouldNotBeUsedIsRefusedAtLoad(String name, String line, String message) {
        assertThatThrownBy(() -> parse("data_protection:\n  " + line + "\n")).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
