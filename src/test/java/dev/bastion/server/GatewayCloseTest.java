package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.TestGateway;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Gateway.close()} completes only when its services are closed: the audit queue is drained into the store
 * and the last checkpoint signed. The flush interval is a minute, so only the close can have written the event.
 */
class GatewayCloseTest {
    @Test
    void closeCompletesAfterTheAuditQueueIsStoredAndCheckpointed() throws Exception {
        TestGateway gw = TestGateway.start(TestGateway.config("""
                  - id: models
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                """) + "audit: { flush_interval: 60s, node: close-test }\n");
        try {
            assertThat(gw.get("/v1/models", "bst_not-a-real-key-0000000000000000").statusCode()).isEqualTo(401);
            gw.gateway.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            List<AuditRow> rows = gw.store.audit().search(AuditRepository.Filter.ALL, 100, true, false);
            assertThat(rows).extracting(AuditRow::type).contains("auth.failure");
            assertThat(gw.store.audit().lastCheckpoint("close-test")).hasValueSatisfying(cp -> assertThat(cp.seq()).isEqualTo(rows.getLast().seq()));
        } finally {
            gw.upstream.close();
            gw.store.close();
            gw.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
