package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertex deployments through the catalogue over real HTTP: Bastion gets an OAuth2 token from the stand-in's
 * {@code POST /token} with a JWT-bearer grant signed by the service account's key (the stand-in verifies it with
 * the account's public key), and sends Gemini's body on Vertex's path, which takes only the tokens it issued.
 */
class VertexGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL = "bastion@my-project-1.iam.gserviceaccount.com";
    @TempDir
    static Path dir;
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static String key;
    static String strangerPem;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair account = g.generateKeyPair();
        KeyPair stranger = g.generateKeyPair(); // a key Google does not know for this account
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String tokenUri = "http://127.0.0.1:" + mock.port() + "/token";
        mock.vertexAccount(EMAIL, (RSAPublicKey) account.getPublic(), tokenUri, 3599);
        Files.writeString(dir.resolve("sa.json"), keyJson(account, tokenUri));
        strangerPem = pem(stranger);
        Files.writeString(dir.resolve("stranger.json"), keyJson(stranger, tokenUri));
        String url = "\"http://127.0.0.1:" + mock.port() + "\"";
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                  - id: embed
                    match: { methods: [POST], path: /v1/embeddings }
                    auth: { methods: [api_key] }
                    llm: embeddings
                models:
                  embedding:
                    deployments:
                      - { upstream: vertex, provider: vertex, model: text-embedding-005, project: my-project-1, location: us-central1 }
                  flash:
                    deployments:
                      - { upstream: vertex, provider: vertex, model: gemini-2.5-flash, project: my-project-1, location: us-central1 }
                  flash-stranger:
                    deployments:
                      - { upstream: vertex-stranger, provider: vertex, model: gemini-2.5-flash, project: my-project-1, location: us-central1 }
                  flash-with-fallback:
                    deployments:
                      - { upstream: vertex-stranger, provider: vertex, model: gemini-2.5-flash, project: my-project-1, location: us-central1 }
                    fallbacks: [flash]
                """).replace("upstreams:\n", "upstreams:\n"
                + "  vertex: { url: " + url + ", kind: ai, google_service_account_key: \"file:" + dir.resolve("sa.json") + "\" }\n"
                + "  vertex-stranger: { url: " + url + ", kind: ai, google_service_account_key: \"file:" + dir.resolve("stranger.json") + "\" }\n"));
        key = gw.createKey("acme", "invoke");
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    static String keyJson(KeyPair pair, String tokenUri) {
        return "{\"type\":\"service_account\",\"project_id\":\"my-project-1\",\"private_key_id\":\"kid-1\",\"private_key\":\""
                + pem(pair).replace("\n", "\\n") + "\",\"client_email\":\"" + EMAIL + "\",\"token_uri\":\"" + tokenUri + "\"}";
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> chat(String model, String extra) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"Say hello\"}]" + extra + "}")).build());
    }

    @Test
    void embeddingsGoToVertexsPredictWithTheTokenAndComeBackAsOpenAisList() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/embeddings").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"embedding\",\"input\":[\"hello there\",\"general\"],\"dimensions\":64,"
                        + "\"encoding_format\":\"base64\"}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("model").asText()).isEqualTo("text-embedding-005");
        assertThat(answer.get("data")).hasSize(2);
        assertThat(Base64.getDecoder().decode(answer.at("/data/1/embedding").asText())).as("64 float32 values").hasSize(64 * 4);
        // Vertex's own token counts, summed.
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(new dev.bastion.llm.TokenCounter().count("text-embedding-3-small", "hello there")
                + new dev.bastion.llm.TokenCounter().count("text-embedding-3-small", "general"));
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"vertex/text-embedding-005\"").doesNotContain("ya29.").doesNotContain("Bearer");
    }

    @Test
    void aRequestGetsATokenOnceAndIsAnsweredInOpenAisFormat() throws Exception {
        HttpResponse<String> r = chat("flash", ",\"max_tokens\":50");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith("Hello from Bastion's mock model.");
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isPositive();
        int grants = mock.googleGrants();
        for (int i = 0; i < 3; i++) assertThat(chat("flash", "").statusCode()).isEqualTo(200);
        assertThat(mock.googleGrants()).as("the token is kept until shortly before it expires").isEqualTo(grants);
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"vertex/gemini-2.5-flash\"").doesNotContain("Bearer ya29").doesNotContain("PRIVATE KEY");
    }

    @Test
    void aStreamArrivesAsOpenAiChunksEndedByDone() throws Exception {
        HttpResponse<String> r = chat("flash", ",\"stream\":true");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String l : r.body().split("\n")) {
            if (!l.startsWith("data: ") || l.equals("data: [DONE]")) continue;
            text.append(JSON.readTree(l.substring(6)).at("/choices/0/delta/content").asText(""));
        }
        assertThat(text.toString()).startsWith("Hello from Bastion's mock model.");
        assertThat(r.body().trim()).endsWith("data: [DONE]");
    }

    @Test
    void anAccountGoogleRefusesIsNeverSentWithoutATokenAndNothingSecretComesBack() throws Exception {
        HttpResponse<String> r = chat("flash-stranger", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_unavailable");
        assertThat(r.body()).doesNotContain("PRIVATE KEY").doesNotContain("assertion").doesNotContain(EMAIL);
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).doesNotContain("PRIVATE KEY").doesNotContain(strangerPem.substring(40, 80)).doesNotContain("assertion=");
    }

    @Test
    void aDeploymentWithoutATokenFailsOverToTheFallback() throws Exception {
        // Nothing reached the provider (class unavailable): safe to move on, and the answer names who answered.
        HttpResponse<String> r = chat("flash-with-fallback", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Bastion-Model").orElse("")).isEqualTo("flash");
        assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).startsWith("Hello from Bastion's mock model.");
    }
}
