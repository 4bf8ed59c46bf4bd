package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The substitution of an org into a reference: only a safe segment goes in, so no org id reaches another org's secret. */
class OrgSecretsTest {
    @TempDir Path dir;

    static final List<String> HOSTILE = List.of("../other", "..", ".", "a/b", "a%2f..%2fb", "%2e%2e", "acme\u0000", "acme/../other",
            "acme\\..\\other", "", " acme", "acme\n", "-rf", "acme.corp", "ac me", "a?b", "a#b", "{org}", "acme%00");

    @Test
    void onlyASafeOrgIdIsSubstituted() {
        SecretRef t = SecretRef.parse("vault:secret/data/{env}/{org}/openai#api_key");
        assertThat(t.templated()).isTrue();
        assertThat(t.forOrg("acme", "prod").toString()).isEqualTo("vault:secret/data/prod/acme/openai#api_key");
        assertThat(t.forOrg("org_7-B", "prod").vaultPath().path()).isEqualTo("prod/org_7-B/openai");
        for (String org : HOSTILE) {
            assertThatThrownBy(() -> t.forOrg(org, "prod")).as(org).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(org.isEmpty() ? "\u0001" : org);
        }
        assertThatThrownBy(() -> SecretRef.parse("file:/run/{user}/key")).hasMessageContaining("only {org} and {env}");
        assertThat(SecretRef.parse("aws-sm:bastion/{env}/{org}/openai#k").forOrg("acme", "dev").awsSecretId()).isEqualTo("bastion/dev/acme/openai");
    }

    @Test
    void aHostileOrgNeverReadsAnotherOrgsFile() throws Exception {
        Files.createDirectories(dir.resolve("orgs/acme"));
        Files.writeString(dir.resolve("orgs/acme/openai"), "sk-acme-file-key-555555555555");
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/openai"), "sk-other-file-key-66666666666");
        Files.writeString(dir.resolve("orgs/openai"), "sk-shared-file-key-7777777777");
        OrgSecrets orgs = new OrgSecrets(new SecretResolver(Map.of()), new SecretsConfig.OrgKeys(Duration.ofMinutes(5), 100, null), "prod");
        OrgSecrets.Handle h = orgs.handle(SecretRef.parse("file:" + dir.resolve("orgs") + "/{org}/openai"), "upstreams.byok.api_key");
        assertThat(h.get("acme").get().reveal()).isEqualTo("sk-acme-file-key-555555555555");
        long reads = orgs.reads();
        for (String org : HOSTILE) {
            assertThatThrownBy(() -> h.get(org).get()).as(org).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(OrgSecrets.KeyProblem.class, p -> assertThat(p.problem()).isEqualTo(OrgSecrets.Problem.MISSING));
        }
        assertThat(orgs.reads()).as("no hostile id was read at all").isEqualTo(reads);
        // an org without a file is missing, never the shared or another org's key
        assertThatThrownBy(() -> h.get("globex").get()).cause().isInstanceOfSatisfying(OrgSecrets.KeyProblem.class,
                p -> assertThat(p.problem()).isEqualTo(OrgSecrets.Problem.MISSING));
    }

    @Test
    void theCacheIsPerReferenceAndOrgAndBounded() throws Exception {
        for (String org : List.of("a", "b", "c")) {
            Files.createDirectories(dir.resolve(org));
            Files.writeString(dir.resolve(org).resolve("k"), "sk-key-of-org-" + org + "-8888888888");
        }
        OrgSecrets orgs = new OrgSecrets(new SecretResolver(Map.of()), new SecretsConfig.OrgKeys(Duration.ofMinutes(5), 2, null), "prod");
        OrgSecrets.Handle h = orgs.handle(SecretRef.parse("file:" + dir + "/{org}/k"), "p");
        for (String org : List.of("a", "b", "c", "a", "b", "c")) assertThat(h.get(org).get().reveal()).isEqualTo("sk-key-of-org-" + org + "-8888888888");
        assertThat(orgs.reads()).as("a bounded cache reads again what it evicted").isGreaterThan(3);
    }
}
