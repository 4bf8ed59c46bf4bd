package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** D2: the {@code retention:} section, 1:1 with YAML, its defaults, {@code off}, and the floors (prod's year of audit). */
class RetentionConfigTest {
    private static BastionConfig parse(String environment, String retention) {
        return new ConfigLoader().parse("""
                environment: %s
                store: { url: "sqlite:./data/bastion.db" }
                tokens: { master_key: env:MASTER }
                %s
                upstreams:
                  app: { url: "https://api.example.com" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(environment, retention), "t.yaml");
    }

    @Test
    void defaultsComeFromTheSeedsAndEveryKeyMapsOneToOne() {
        RetentionConfig d = parse("dev", "").retention();
        assertThat(d.enabled()).isTrue();
        assertThat(d.interval()).isEqualTo(Duration.ofHours(1));
        assertThat(d.batchSize()).isEqualTo(1000);
        assertThat(d.audit().keep()).isEqualTo(Duration.ofDays(365));
        assertThat(d.usage().keep()).isEqualTo(Duration.ofDays(400));
        assertThat(d.usersInactive().keep()).isEqualTo(Duration.ofDays(365));
        assertThat(d.accessLogs().keep()).as("the seeds' logs: 30 days").isEqualTo(Duration.ofDays(30));
        assertThat(parse("dev", "").accessLog().dir()).as("stdout by default").isNull();
        assertThat(parse("dev", "access_log: { dir: /var/log/bastion }").accessLog().dir()).isEqualTo("/var/log/bastion");

        RetentionConfig c = parse("dev", """
                retention: { enabled: false, interval: 15m, batch_size: 200, audit: off, usage: 40d, users_inactive: 90d, access_logs: 7d }
                """).retention();
        assertThat(c.enabled()).isFalse();
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.batchSize()).isEqualTo(200);
        assertThat(c.audit().enabled()).as("off keeps the class for ever").isFalse();
        assertThat(c.usage().keep()).isEqualTo(Duration.ofDays(40));
        assertThat(c.usersInactive().keep()).isEqualTo(Duration.ofDays(90));
        assertThat(c.accessLogs().keep()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void brokenRetentionIsRefusedAtLoad() {
        assertThatThrownBy(() -> parse("dev", "retention: { usage: 7d }")).isInstanceOf(ConfigException.class)
                .as("a month's budget must not lose its usage mid-period").hasMessageContaining("retention.usage: 7d (expected: at least 32d, or off)");
        assertThatThrownBy(() -> parse("dev", "retention: { audit: 12h }")).isInstanceOf(ConfigException.class).hasMessageContaining("retention.audit");
        assertThatThrownBy(() -> parse("dev", "retention: { audit: forever }")).isInstanceOf(ConfigException.class).hasMessageContaining("forever");
        assertThatThrownBy(() -> parse("dev", "retention: { conversations: 90d }")).isInstanceOf(ConfigException.class).hasMessageContaining("conversations");
        assertThatThrownBy(() -> parse("dev", "retention: { revocations: 1d }")).as("the revocation feed removes them at expiry")
                .isInstanceOf(ConfigException.class).hasMessageContaining("revocations");
        assertThatThrownBy(() -> parse("dev", "retention: { batch_size: 0 }")).isInstanceOf(ConfigException.class).hasMessageContaining("retention.batch_size");
    }

    @Test
    void onPostgresqlTheJobNeedsAConnectionBesidesItsLock() {
        String pg = "store: { url: \"postgresql://db.internal:5432/bastion\", username: bastion, password: env:DB, pool_size: 1 }";
        assertThatThrownBy(() -> new ConfigLoader().parse(pg + "\n" + MINIMAL_ROUTES, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.pool_size: 1 leaves the retention job no connection");
        assertThat(new ConfigLoader().parse(pg + "\nretention: { enabled: false }\n" + MINIMAL_ROUTES, "t.yaml").store().poolSize()).isEqualTo(1);
    }

    private static final String MINIMAL_ROUTES = """
            upstreams:
              app: { url: "https://api.example.com" }
            routes:
              - id: app
                match: { methods: [GET], path: /app }
                upstream: app
                auth: { methods: [api_key] }
            """;

    @Test
    void prodKeepsTheAuditTrailAYearAtLeast() {
        assertThatThrownBy(() -> parse("prod", "retention: { audit: 90d }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("retention.audit: 90d is below the year prod keeps the audit trail");
        assertThat(parse("prod", "retention: { audit: 365d }").retention().audit().keep()).isEqualTo(Duration.ofDays(365));
        assertThat(parse("prod", "retention: { audit: off }").retention().audit().enabled()).isFalse();
        assertThat(parse("dev", "retention: { audit: 90d }").retention().audit().keep()).as("development is not held to it").isEqualTo(Duration.ofDays(90));
    }
}
