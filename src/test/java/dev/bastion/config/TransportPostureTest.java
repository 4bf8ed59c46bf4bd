package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * D4: in {@code environment: prod} the store and Redis are reached over verified TLS (and Redis with AUTH), or the
 * config says in so many words that they are not. Development configs are not held to it.
 */
class TransportPostureTest {
    private static BastionConfig parse(String environment, String store, String redis) {
        return new ConfigLoader().parse("""
                environment: %s
                store: %s
                tokens: { master_key: env:MASTER }
                %s
                upstreams:
                  app: { url: "https://api.example.com" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(environment, store, redis), "t.yaml");
    }

    private static final String PG = "{ url: \"postgresql://db.internal:5432/bastion%s\", username: bastion, password: env:DB }";

    @Test
    void prodRefusesAStoreOrRedisWithoutVerifiedTls() {
        assertThatThrownBy(() -> parse("prod", PG.formatted(""), "")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.url: prod reaches PostgreSQL over TLS").hasMessageContaining("sslmode=verify-full");
        assertThatThrownBy(() -> parse("prod", PG.formatted("?sslmode=require"), "")).isInstanceOf(ConfigException.class)
                .as("require encrypts but does not verify the server").hasMessageContaining("store.url");
        String verified = PG.formatted("?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem");
        assertThat(parse("prod", verified, "").store().verifiesTls()).isTrue();

        assertThatThrownBy(() -> parse("prod", verified, "redis: { url: \"redis://cache.internal:6379\", password: env:REDIS }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.url: prod reaches Redis over TLS");
        assertThatThrownBy(() -> parse("prod", verified, "redis: { url: \"rediss://cache.internal:6380\" }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.password: prod needs Redis AUTH");
        BastionConfig ok = parse("prod", verified, "redis: { url: \"rediss://cache.internal:6380\", password: env:REDIS, ca_file: /etc/ssl/redis-ca.pem }");
        assertThat(ok.redis().caFile()).hasToString("/etc/ssl/redis-ca.pem");
    }

    @Test
    void anExplicitWaiverIsAcceptedAndDevelopmentIsNotHeldToIt() {
        BastionConfig waived = parse("prod", "{ url: \"postgresql://db.internal:5432/bastion\", username: bastion, password: env:DB, insecure_transport: true }",
                "redis: { url: \"redis://cache.internal:6379\", insecure_transport: true }");
        assertThat(waived.store().insecureTransport()).isTrue();
        assertThat(waived.redis().insecureTransport()).isTrue();
        BastionConfig dev = parse("dev", PG.formatted(""), "redis: { url: \"redis://cache.internal:6379\" }");
        assertThat(dev.store().verifiesTls()).isFalse();
        assertThatThrownBy(() -> parse("dev", PG.formatted(""), "redis: { url: \"redis://cache.internal:6379\", ca_file: /x.pem }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ca_file");
    }
}
