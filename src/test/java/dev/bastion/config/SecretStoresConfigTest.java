package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code secrets.vault}, {@code secrets.aws}, {@code secrets.org_keys} and the new reference schemes, as YAML maps them. */
class SecretStoresConfigTest {
    static final String BASE = """
            store: { url: "sqlite:./data/bastion.db" }
            %s
            upstreams:
              openai: { url: https://api.openai.com, api_key: "%s" }
            routes:
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: openai
                auth: { methods: [api_key] }
            """;

    static BastionConfig parse(String secrets, String key) {
        return new ConfigLoader().parse(BASE.formatted(secrets, key), "t.yaml");
    }

    @Test
    void vaultAwsAndOrgKeysMapToTypedRecordsWithDefaults() {
        BastionConfig c = parse("""
                secrets:
                  remote_poll_interval: 30s
                  env: staging
                  org_keys: { cache_ttl: 2m }
                  vault:
                    address: https://vault.internal:8200
                    namespace: team-a
                    ca_file: /etc/bastion/vault-ca.pem
                    auth: { approle: { role_id: r-1, secret_id: file:/run/secrets/vault-secret-id } }
                  aws: { region: eu-west-1, endpoint: "https://vpce.example:443" }
                """, "vault:secret/data/{env}/{org}/openai#api_key");
        SecretsConfig s = c.secrets();
        assertThat(s.remotePollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.envOr(c.environment())).isEqualTo("staging");
        assertThat(s.orgKeys()).isEqualTo(new SecretsConfig.OrgKeys(Duration.ofMinutes(2), 10_000, Duration.ofSeconds(30)));
        assertThat(s.vault().address()).isEqualTo(URI.create("https://vault.internal:8200"));
        assertThat(s.vault().namespace()).isEqualTo("team-a");
        assertThat(s.vault().caFile()).isEqualTo(Path.of("/etc/bastion/vault-ca.pem"));
        assertThat(s.vault().auth().approle()).isEqualTo(new SecretsConfig.AppRole("r-1", SecretRef.parse("file:/run/secrets/vault-secret-id"), "approle"));
        assertThat(s.aws().region()).isEqualTo("eu-west-1");
        assertThat(s.aws().credentials()).isNull();
        SecretRef key = c.upstreams().get("openai").apiKey();
        assertThat(key.kind()).isEqualTo(SecretRef.Kind.VAULT);
        assertThat(key.forOrg("acme", "staging").vaultPath()).isEqualTo(new SecretRef.VaultPath("secret", "staging/acme/openai", "api_key"));
        assertThat(parse("", "env:K").secrets().envOr(Environment.PROD)).isEqualTo("prod");
    }

    @Test
    void badSecretStoreConfigStopsTheStartWithItsPlace() {
        assertThatThrownBy(() -> parse("", "vault:secret/data/x")).hasMessageContaining("upstreams.openai.api_key: a vault: reference needs secrets.vault");
        assertThatThrownBy(() -> parse("", "aws-sm:x")).hasMessageContaining("an aws-sm: reference needs secrets.aws");
        assertThatThrownBy(() -> parse("", "vault:secret/prod/openai")).hasMessageContaining("MOUNT/data/PATH");
        assertThatThrownBy(() -> parse("", "vault:secret/data/../x")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> parse("", "file:/run/{user}/k")).hasMessageContaining("only {org} and {env}");
        assertThatThrownBy(() -> parse("secrets: { vault: { address: https://v:8200, auth: {} } }", "env:K")).hasMessageContaining("exactly one of token and approle");
        assertThatThrownBy(() -> parse("secrets: { vault: { address: https://v:8200, auth: { token: \"vault:secret/data/t\" } } }", "env:K"))
                .hasMessageContaining("must be an env: or file: reference");
        assertThatThrownBy(() -> parse("secrets: { env: \"../x\" }", "env:K")).hasMessageContaining("secrets.env");
        assertThatThrownBy(() -> new ConfigLoader().parse(BASE.formatted("", "env:K").replace("store: { url: \"sqlite:./data/bastion.db\" }",
                "store: { url: \"postgresql://db/b\", password: \"file:/run/{org}/pw\" }"), "t.yaml"))
                .hasMessageContaining("store.password: {org} and {env} may only be used in an upstream's api_key or api_keys");
    }
}
