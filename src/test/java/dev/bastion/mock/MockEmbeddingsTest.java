package dev.bastion.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stand-ins' embeddings endpoints: each refuses what its real API refuses (over real HTTP for OpenAI,
 * Azure and Gemini; the Vertex and Titan checks directly, their callers' credentials being other tests'
 * business), and answers deterministic unit vectors of the width asked for.
 */
class MockEmbeddingsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-mock-embeddings";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static MockLlmServer mock;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        mock = new MockLlmServer(vertx, "127.0.0.1", 0, KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> post(String path, String header, String value, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) b.header(header, value);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> openai(String body) throws Exception {
        return post("/v1/embeddings", "Authorization", "Bearer " + KEY, body);
    }

    @Test
    void openAiAnswersUnitVectorsOfTheModelsWidthTheSameForTheSameText() throws Exception {
        HttpResponse<String> r = openai("{\"model\":\"text-embedding-3-small\",\"input\":[\"hello\",\"world\",\"hello\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).get("data");
        assertThat(data.get(0).get("embedding")).hasSize(1536);
        assertThat(data.get(0).get("embedding")).isEqualTo(data.get(2).get("embedding")).isNotEqualTo(data.get(1).get("embedding"));
        double norm = 0;
        for (JsonNode v : data.get(1).get("embedding")) norm += v.asDouble() * v.asDouble();
        assertThat(norm).isCloseTo(1.0, within(1e-4));
        assertThat(JSON.readTree(r.body()).at("/usage/prompt_tokens").asInt()).isEqualTo(new TokenCounter().count("text-embedding-3-small", "hello") * 2
                + new TokenCounter().count("text-embedding-3-small", "world"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"model\":\"m\"}|'input' is a required property",
            "{\"model\":\"m\",\"input\":\"\"}|'$.input' is invalid",
            "{\"model\":\"m\",\"input\":[]}|'$.input' is invalid",
            "{\"model\":\"m\",\"input\":[\"a\",1]}|'$.input' is invalid",
            "{\"input\":\"a\"}|you must provide a model parameter",
            "{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"int8\"}|'int8' is not one of ['float', 'base64']",
            "{\"model\":\"text-embedding-ada-002\",\"input\":\"a\",\"dimensions\":8}|This model does not support specifying dimensions.",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":4096}|maximum dimensions is 1536",
            "{\"model\":\"m\",\"input\":\"a\",\"task\":\"x\"}|Unrecognized request argument supplied: task"})
    void openAiRefusesWhatOpenAiRefuses(String body, String message) throws Exception {
        HttpResponse<String> r = openai(body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains(message);
    }

    @Test
    void theProvidersKeyIsDemandedInEachProvidersHeader() throws Exception {
        assertThat(post("/v1/embeddings", "Authorization", "Bearer wrong", "{\"model\":\"m\",\"input\":\"a\"}").statusCode()).isEqualTo(401);
        assertThat(post("/openai/deployments/d/embeddings?api-version=2024-10-21", "api-key", "wrong", "{\"input\":\"a\"}").statusCode()).isEqualTo(401);
        assertThat(post("/v1beta/models/text-embedding-004:batchEmbedContents", null, null, "{}").statusCode()).isEqualTo(403);
    }

    @Test
    void azureTakesOpenAisBodyWithoutModelUnderAVersionedDeploymentPath() throws Exception {
        String path = "/openai/deployments/prod-embed/embeddings";
        assertThat(post(path, "api-key", KEY, "{\"input\":\"a\"}").statusCode()).as("no api-version").isEqualTo(404);
        HttpResponse<String> withModel = post(path + "?api-version=2024-10-21", "api-key", KEY, "{\"model\":\"x\",\"input\":\"a\"}");
        assertThat(withModel.statusCode()).isEqualTo(400);
        assertThat(withModel.body()).contains("Unrecognized request argument supplied: model");
        HttpResponse<String> ok = post(path + "?api-version=2024-10-21", "api-key", KEY, "{\"input\":[\"a\",\"b\"],\"dimensions\":12,\"encoding_format\":\"base64\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(ok.body()).get("data");
        assertThat(data).hasSize(2);
        assertThat(java.util.Base64.getDecoder().decode(data.get(0).get("embedding").asText())).hasSize(12 * 4);
    }

    static String geminiEntry(String model, String text) {
        return "{\"model\":\"" + model + "\",\"content\":{\"parts\":[{\"text\":\"" + text + "\"}]}}";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"requests\":[]}|requests is not specified",
            "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}|model is not specified",
            "{\"requests\":[{\"model\":\"text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}|unexpected model name format",
            "{\"requests\":[{\"model\":\"models/other\",\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}|Model names should match",
            "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"\"}]}}]}|text must not be empty",
            "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":{\"parts\":[{\"text\":\"a\"}]},\"outputDimensionality\":4000}]}|must be between 1 and 768",
            "{\"requests\":[],\"model\":\"models/text-embedding-004\"}|Unknown name \"model\""})
    void geminiRefusesWhatGoogleRefuses(String body, String message) throws Exception {
        HttpResponse<String> r = post("/v1beta/models/text-embedding-004:batchEmbedContents", "x-goog-api-key", KEY, body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.get("message").asText()).contains(message);
    }

    @Test
    void geminiEmbedsAtMostAHundredAndAnswersWithoutUsage() throws Exception {
        StringBuilder batch = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 101; i++) batch.append(i == 0 ? "" : ",").append(geminiEntry("models/text-embedding-004", "t" + i));
        HttpResponse<String> tooMany = post("/v1beta/models/text-embedding-004:batchEmbedContents", "x-goog-api-key", KEY, batch + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 100 requests can be in one batch");
        HttpResponse<String> ok = post("/v1beta/models/gemini-embedding-001:batchEmbedContents", "x-goog-api-key", KEY,
                "{\"requests\":[" + geminiEntry("models/gemini-embedding-001", "a") + "]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(ok.body());
        assertThat(answer.at("/embeddings/0/values")).hasSize(3072);
        assertThat(answer.has("usage") || answer.has("usageMetadata")).isFalse();
    }

    @Test
    void vertexAndTitanRefuseWhatTheirApisRefuse() throws Exception {
        assertThat(MockEmbeddings.invalidVertex(JSON.readTree("{\"instances\":[]}"))).contains("instances must not be empty");
        assertThat(MockEmbeddings.invalidVertex(JSON.readTree("{\"instances\":[{\"text\":\"a\"}]}"))).contains("Unknown name \"text\"");
        assertThat(MockEmbeddings.invalidVertex(JSON.readTree("{\"instances\":[{\"content\":\"a\"}],\"parameters\":{\"dims\":3}}"))).contains("Unknown name \"dims\"");
        assertThat(MockEmbeddings.invalidVertex(JSON.readTree("{\"instances\":[{\"content\":\"a\"}],\"parameters\":{\"autoTruncate\":false,\"outputDimensionality\":3}}"))).isNull();
        JsonNode vertex = MockEmbeddings.vertexAnswer(JSON.readTree("{\"instances\":[{\"content\":\"hello there\"}],\"parameters\":{\"outputDimensionality\":3}}"), new TokenCounter());
        assertThat(vertex.at("/predictions/0/embeddings/values")).hasSize(3);
        assertThat(vertex.at("/predictions/0/embeddings/statistics/token_count").asInt()).isPositive();
        String titan = "amazon.titan-embed-text-v2:0";
        assertThat(MockEmbeddings.invalidTitan(JSON.readTree("{\"texts\":[\"a\"]}"), titan)).contains("extraneous key [texts]");
        assertThat(MockEmbeddings.invalidTitan(JSON.readTree("{\"inputText\":\"\"}"), titan)).contains("minLength");
        assertThat(MockEmbeddings.invalidTitan(JSON.readTree("{\"inputText\":\"a\",\"dimensions\":300}"), titan)).contains("not a valid enum value");
        assertThat(MockEmbeddings.invalidTitan(JSON.readTree("{\"inputText\":\"a\",\"dimensions\":256}"), "amazon.titan-embed-text-v1")).contains("extraneous key [dimensions]");
        assertThat(MockEmbeddings.invalidTitan(JSON.readTree("{\"inputText\":\"a\",\"dimensions\":256}"), titan)).isNull();
        JsonNode answer = MockEmbeddings.titanAnswer(JSON.readTree("{\"inputText\":\"hello\"}"), titan, new TokenCounter());
        assertThat(answer.get("embedding")).hasSize(1024);
        assertThat(answer.get("inputTextTokenCount").asInt()).isPositive();
    }
}
