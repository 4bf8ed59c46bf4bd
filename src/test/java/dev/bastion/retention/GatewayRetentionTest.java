package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The gateway runs the retention job on its schedule: a usage record past its retention goes without anyone
 * asking, the purge is counted on {@code /metrics} and recorded in the audit trail as {@code data.purge}.
 */
class GatewayRetentionTest {
    @Test
    void theGatewayPurgesOnItsScheduleCountsItAndAuditsIt() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.config("""
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """).replace("routes:\n", "retention: { interval: 100ms }\nroutes:\n"))) {
            Instant now = Instant.now();
            gw.store.orgs().ensure("acme");
            gw.store.usage().add("r1", "old", "acme", now.minus(Duration.ofDays(460)), 5, 0, now.minus(Duration.ofDays(450)));
            gw.store.usage().add("r1", "recent", "acme", now.minus(Duration.ofDays(1)), 5, 0, now.minus(Duration.ofHours(1)));
            while (gw.store.usage().forOrg("acme", Instant.EPOCH).size() > 1) Thread.sleep(20); // the default test timeout (junit-platform.properties) bounds a job that never runs
            assertThat(gw.store.usage().forOrg("acme", Instant.EPOCH)).extracting(u -> u.subject()).containsExactly("recent");

            String metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
            assertThat(metrics).contains("bastion_retention_deleted_total{class=\"usage\"} 1.0").contains("bastion_retention_last_run_seconds");
            AuditRepository.Filter purges = new AuditRepository.Filter(null, null, null, "data.purge", null, null, null);
            while (gw.store.audit().search(purges, 10, true, false).isEmpty()) Thread.sleep(20); // the writer stores in batches
            assertThat(gw.store.audit().search(purges, 10, true, false)).singleElement()
                    .satisfies(e -> assertThat(e.target()).isEqualTo("usage"))
                    .satisfies(e -> assertThat(e.fields()).contains("\"deleted\":1"));
        }
    }
}
