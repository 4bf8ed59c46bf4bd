package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The public listener's instances each serve on an event loop of their own — as {@code serve} runs them,
 * one per core on a pool of one loop per core. Deployed one at a time, both instances of a two-core
 * machine once landed on the same loop and every request was served by one core.
 */
class GatewayEventLoopsTest {
    @Test
    void eachInstanceHasItsOwnEventLoopAndAllShareTheRandomPort() throws Exception {
        String config = TestGateway.config("""
                  - id: open
                    match: { methods: [GET], path: /open }
                    upstream: app
                    public: true
                """);
        try (TestGateway gw = TestGateway.start(config, 2, Map.of(), new VertxOptions().setEventLoopPoolSize(2))) {
            assertThat(gw.gateway.eventLoops()).as("two instances, two loops").hasSize(2);
            assertThat(gw.gateway.publicPort()).as("port 0: one random port, shared by both").isPositive();
            // Many connections at once, all answered on that one port (each client is its own connection).
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.gateway.publicPort() + "/open")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) assertThat(a.get().statusCode()).isEqualTo(200);
        }
    }
}
