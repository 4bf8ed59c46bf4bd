package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.AuditConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.testing.Eventually;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit.checkpoint.url}: each checkpoint POSTed, through the outbound connector, to a witness that can hold the trail to it. */
class AuditHttpWitnessTest {
    @Test
    void checkpointsArePostedToTheWitnessAndVerifyAgainstWhatItKept(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            if (req.method().name().equals("POST") && req.path().equals("/witness")) received.add(b.toString());
            req.response().setStatusCode(204).end();
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        OutboundConnector connector = new OutboundConnector(vertx, EgressPolicy.of(List.of("127.0.0.1"), List.of()), (e, f) -> {},
                new SimpleMeterRegistry());
        MasterKey mk = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()))) {
            AuditConfig c = new AuditConfig(true, "gw-http", 1024, 10, Duration.ofMillis(20), null, null, false, null,
                    new AuditConfig.Spool(dir.resolve("spool").toString(), null),
                    new AuditConfig.Checkpoint(10, null, null, "http://127.0.0.1:" + server.actualPort() + "/witness"), null);
            AuditTrail trail = AuditTrail.start(c, store, () -> mk, new SimpleMeterRegistry(), null);
            trail.witnessOver(connector);
            for (int i = 0; i < 30; i++) trail.event("egress_fetch", Map.of("i", i));
            assertThat(trail.writer().drain(10_000)).isTrue();
            trail.close();
            Eventually.until("three checkpoints witnessed", () -> received.size() >= 3);
            JsonObject first = new JsonObject(received.getFirst());
            assertThat(first.getString("kind")).isEqualTo("checkpoint");
            assertThat(first.getString("public_key")).isNotBlank();
            Path witness = dir.resolve("witnessed.jsonl");
            Files.write(witness, received);
            assertThat(AuditSource.fromStore(store, "gw-http", null, null).verify(AuditSource.witnessed(witness)).problems()).isEmpty();
        } finally {
            connector.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
