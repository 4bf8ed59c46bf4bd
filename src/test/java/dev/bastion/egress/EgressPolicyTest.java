package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The allow-list is the config: its hosts may be private (never metadata), egress.allow_private opens ranges to every call. */
class EgressPolicyTest {
    private static final byte[] TEN_0_0_5 = {10, 0, 0, 5};
    private static final byte[] TEN_20_1_1 = {10, 20, 1, 1};
    private static final byte[] METADATA = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};

    private static BastionConfig config(String egress) {
        return new ConfigLoader().parse("""
                listeners: { public: { port: 8080 } }
                upstreams:
                  internal: { url: "http://LLM.Internal:8000" }
                  literal: { url: "http://10.0.0.5" }
                identity:
                  issuers:
                    - { name: a, issuer: "just-a-name", jwks_uri: "https://keys.corp.example/jwks.json", audiences: [x] }
                    - { name: b, issuer: "https://idp.corp.example/realms/x", audiences: [y] }
                routes:
                  - { id: r, match: { methods: [POST], path: /v1 }, upstream: internal, auth: { methods: [jwt] } }
                """ + egress, "t.yaml");
    }

    @Test
    void theConfigsHostsMayBePrivateInAnySpellingButNeverMetadata() {
        EgressPolicy policy = EgressPolicy.from(config(""));
        assertThat(policy.refusal("llm.internal", TEN_0_0_5)).isNull();
        assertThat(policy.refusal("10.0.0.5", TEN_0_0_5)).isNull();
        assertThat(policy.refusal("keys.corp.example", TEN_20_1_1)).isNull();
        assertThat(policy.refusal("idp.corp.example", TEN_20_1_1)).isNull();
        assertThat(policy.refusal("llm.internal", METADATA)).isEqualTo(AddressClass.METADATA);
        assertThat(policy.refusal("elsewhere.corp.example", TEN_20_1_1)).isEqualTo(AddressClass.PRIVATE);
    }

    @Test
    void allowPrivateOpensItsRangesToEveryCall() {
        EgressPolicy policy = EgressPolicy.from(config("egress: { allow_private: [10.20.0.0/16] }\n"));
        assertThat(policy.refusal("elsewhere.corp.example", TEN_20_1_1)).isNull();
        assertThat(policy.refusal("elsewhere.corp.example", new byte[] {10, 21, 0, 1})).isEqualTo(AddressClass.PRIVATE);
    }

    @Test
    void aMalformedRangeIsAConfigError() {
        assertThatThrownBy(() -> config("egress: { allow_private: [10.20.0.1/16] }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("allow_private[0]");
        assertThatThrownBy(() -> config("egress: { deny: [10.0.0.0/8] }\n")).isInstanceOf(ConfigException.class);
    }
}
