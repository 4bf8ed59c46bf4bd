package dev.bastion.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code audit.log_lines}: on in development (lines on stdout to watch), off in prod (the trail and its sinks are the record); the config's word wins. */
class AuditConfigDefaultsTest {
    private static BastionConfig parse(String environment, String audit) {
        return new ConfigLoader().parse("""
                environment: %s
                store: { url: "postgresql://db.internal:5432/bastion?sslmode=verify-full", username: bastion, password: env:DB }
                tokens: { master_key: env:MASTER }
                %s
                upstreams:
                  app: { url: "https://api.example.com" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(environment, audit), "t.yaml");
    }

    @Test
    void logLinesDefaultByEnvironmentAndTheConfigWins() {
        assertThat(parse("dev", "").audit().writesLogLines()).isTrue();
        assertThat(parse("prod", "").audit().writesLogLines()).isFalse();
        assertThat(parse("prod", "audit: { node: n1 }").audit().writesLogLines()).isFalse();
        assertThat(parse("prod", "audit: { log_lines: true }").audit().writesLogLines()).isTrue();
        assertThat(parse("dev", "audit: { log_lines: false }").audit().writesLogLines()).isFalse();
    }
}
