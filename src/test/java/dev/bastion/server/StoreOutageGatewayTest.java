package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.BastionProcess;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import dev.bastion.tokens.ClientService;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL, the store API keys are looked up in, stopped under a running gateway: a request whose key is not cached
 * is answered 503 {@code store_unavailable} with {@code Retry-After} — naming the dependency that failed, never the
 * driver's text, the host or the port, in the answer or the log (Caffeine's own JUL warning included); so is the
 * token endpoint's client lookup; and 200 again once PostgreSQL is back. A store that
 * answers but whose query fails is still a {@code control_fault}: only an unreachable store is called unavailable.
 */
class StoreOutageGatewayTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @TempDir
    Path dir;

    static EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** A PostgreSQL store keeps no development key beside it: the gateway is given a master key. */
    static TestGateway start(String yaml) throws Exception {
        return TestGateway.start(yaml, 1, java.util.Map.of("MASTER_KEY", dev.bastion.tokens.MasterKey.generateKeysetJson()));
    }

    static String config(int port) {
        return TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                tokens: { master_key: env:MASTER_KEY, issuer: https://bastion.test, audiences: [bastion] }
                """).replace("\"{{store}}\"", "\"postgresql://127.0.0.1:" + port + "/postgres\", username: postgres, pool_size: 2");
    }

    @Test
    void anUnreachableStoreIsNamedInTheAnswerAndTheGatewayRecoversWhenItReturns() throws Exception {
        int port = BastionProcess.freePort();
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = start(data, port);
        // java.util.logging too: libraries (Caffeine's failed loads) write there, beside logback
        List<LogRecord> jul = new CopyOnWriteArrayList<>();
        Handler julCapture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) jul.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger.getLogger("").addHandler(julCapture);
        try (LogCapture logs = LogCapture.capture(); TestGateway gw = start(config(port))) {
            gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end("{\"choices\":[]}"));
            String key = gw.createKey("acme", "invoke");
            ClientService.CreatedClient client = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), "ci", null);
            assertThat(gw.postJson("/v1/chat/completions", key, CHAT).statusCode()).isEqualTo(200);

            pg.close(); // the store goes away; the key's cache entry (300 ms) runs out
            Thread.sleep(600);
            for (String credential : new String[] {key, dev.bastion.authn.ApiKeys.generate()}) { // a known key, and one no key matches: only the store can tell
                HttpResponse<String> r = gw.postJson("/v1/chat/completions", credential, CHAT);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                JsonObject error = new JsonObject(r.body()).getJsonObject("error");
                assertThat(error.getString("code")).isEqualTo("store_unavailable");
                assertThat(error.getString("message")).isEqualTo("The gateway's store is unavailable; try again.");
                String id = r.headers().firstValue("X-Request-Id").orElseThrow();
                assertThat(error.getString("request_id")).isEqualTo(id);
                assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 30));
                assertThat(r.body()).doesNotContainIgnoringCase("jdbc").doesNotContainIgnoringCase("postgres").doesNotContainIgnoringCase("hikari")
                        .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(port)).doesNotContainIgnoringCase("connection")
                        .doesNotContain(credential);
                assertThat(gw.accessLine(id)).contains("\"status\":503", "\"error\":\"store_unavailable\"", "\"refused_by\":\"authenticate\"");
                // the warning names the step and the request; the driver's message (host, port) stays out of every line
                assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("could not reach the store", id));
            }
            // Bastion's own endpoint reads the store too: the token endpoint's client lookup
            HttpResponse<String> token = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client.client().id() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(503);
            assertThat(new JsonObject(token.body()).getJsonObject("error").getString("code")).isEqualTo("store_unavailable");
            assertThat(token.headers().firstValue("Retry-After")).isPresent();
            assertThat(token.body()).doesNotContain(Integer.toString(port)).doesNotContain(client.secret());
            assertThat(logs.errors()).as("an outage is not a bug").noneMatch(l -> l.contains("dev.bastion.server.ChainRunner"));
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("dev.bastion"))
                    .noneMatch(l -> l.contains("127.0.0.1:" + port) || l.contains("jdbc:postgresql") || l.contains("Connection to"))
                    .noneMatch(l -> l.contains(key));
            assertThat(jul).noneSatisfy(r -> assertThat(julText(r)).contains(Integer.toString(port)));

            pg = start(data, port); // back, with its data: the same key answers again without a restart
            Eventually.until("200 again", () -> gw.postJson("/v1/chat/completions", key, CHAT).statusCode() == 200);
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(julCapture);
            pg.close();
        }
    }

    /** A JUL record's message and every message of its causes. */
    private static String julText(LogRecord r) {
        StringBuilder sb = new StringBuilder(String.valueOf(r.getMessage()));
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) sb.append('\n').append(t);
        return sb.toString();
    }

    @Test
    void aQueryThatFailsOnAStoreThatAnswersIsStillAFault() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); TestGateway gw = start(config(pg.getPort()))) {
            String key = gw.createKey("acme", "invoke");
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE api_keys RENAME TO api_keys_elsewhere"); // the lookup's query fails: 42P01, not a connection state
            }
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, CHAT);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("control_fault");
            assertThat(r.headers().firstValue("Retry-After")).isEmpty();
        }
    }
}
