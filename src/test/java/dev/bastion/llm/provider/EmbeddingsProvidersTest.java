package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embeddings translations against golden files ({@code providers/<provider>/embeddings-*}): each
 * provider's request for OpenAI's {@code /v1/embeddings}, its answer and its error back in OpenAI's shape,
 * the base64 encoding OpenAI's SDKs ask for, and what each refuses before anything is sent.
 */
class EmbeddingsProvidersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter COUNTER = new TokenCounter();

    record Case(EmbeddingsProvider provider, String model, String path) {}

    static Case of(String provider) {
        return switch (provider) {
            case "gemini" -> new Case(new GeminiEmbeddingsProvider(COUNTER), "text-embedding-004", "/v1beta/models/text-embedding-004:batchEmbedContents");
            case "vertex" -> new Case(new VertexEmbeddingsProvider("my-project", "us-central1"), "text-embedding-005",
                    "/v1/projects/my-project/locations/us-central1/publishers/google/models/text-embedding-005:predict");
            case "azure" -> new Case(new AzureEmbeddingsProvider("2024-10-21"), "prod-embed", "/openai/deployments/prod-embed/embeddings?api-version=2024-10-21");
            case "bedrock" -> new Case(new BedrockEmbeddingsProvider(), "amazon.titan-embed-text-v2:0", "/model/amazon.titan-embed-text-v2%3A0/invoke");
            default -> throw new IllegalArgumentException(provider);
        };
    }

    static String resource(String provider, String name) throws IOException {
        try (InputStream in = EmbeddingsProvidersTest.class.getResourceAsStream("/providers/" + provider + "/" + name)) {
            assertThat(in).as(provider + "/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static ObjectNode request(String provider) throws IOException {
        return (ObjectNode) JSON.readTree(resource(provider, "embeddings-plain.openai-request.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex", "azure", "bedrock"})
    void requestsTranslateAsTheGoldenFilesSay(String provider) throws IOException {
        Case c = of(provider);
        EmbeddingsProvider.Call call = c.provider().call(request(provider), c.model());
        assertThat(call.path()).isEqualTo(c.path());
        assertThat(call.translates()).isTrue();
        assertThat(JSON.readTree(call.body().getBytes())).isEqualTo(JSON.readTree(resource(provider, "embeddings-plain." + provider + "-request.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex", "azure", "bedrock"})
    void answersTranslateAsTheGoldenFilesSay(String provider) throws IOException {
        Case c = of(provider);
        EmbeddingsProvider.Call call = c.provider().call(request(provider), c.model());
        Buffer out = call.answer(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(resource(provider, "embeddings-plain." + provider + "-answer.json")));
        assertThat(JSON.readTree(out.getBytes())).isEqualTo(JSON.readTree(resource(provider, "embeddings-plain.openai-answer.json")));
    }

    @ParameterizedTest
    @CsvSource({"gemini,400", "vertex,429", "azure,429", "bedrock,400"})
    void errorsTranslateAsTheGoldenFilesSay(String provider, int status) throws IOException {
        Case c = of(provider);
        EmbeddingsProvider.Call call = c.provider().call(request(provider), c.model());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (provider.equals("bedrock")) headers.set("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        Buffer out = call.answer(status, headers, Buffer.buffer(resource(provider, "embeddings-error." + provider + "-answer.json")));
        assertThat(JSON.readTree(out.getBytes())).isEqualTo(JSON.readTree(resource(provider, "embeddings-error.openai-answer.json")));
    }

    @Test
    void base64IsLittleEndianFloat32AsOpenAiEncodesIt() throws IOException {
        ObjectNode req = request("gemini").put("encoding_format", "base64");
        EmbeddingsProvider.Call call = of("gemini").provider().call(req, "text-embedding-004");
        Buffer out = call.answer(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(resource("gemini", "embeddings-plain.gemini-answer.json")));
        assertThat(JSON.readTree(out.getBytes())).isEqualTo(JSON.readTree(resource("gemini", "embeddings-base64.openai-answer.json")));
        // Values that are not exact in binary come back as the float32 nearest to them, as OpenAI's do.
        String answer = "{\"embeddings\":[{\"values\":[0.1,-0.333333,12345.678]},{\"values\":[1e-7,0,-2]}]}";
        JsonNode data = JSON.readTree(call.answer(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(answer)).getBytes()).get("data");
        assertThat(decode(data.get(0).get("embedding").asText())).containsExactly(0.1f, -0.333333f, 12345.678f);
        assertThat(decode(data.get(1).get("embedding").asText())).containsExactly(1e-7f, 0f, -2f);
    }

    static float[] decode(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) out[i] = b.getFloat();
        return out;
    }

    @Test
    void geminiReportsNoUsageSoTheInputsAreCounted() throws IOException {
        ObjectNode req = request("gemini");
        req.putArray("input").add("Bastion guards the gateway").add("and counts what it cannot be told");
        EmbeddingsProvider.Call call = of("gemini").provider().call(req, "text-embedding-004");
        String answer = "{\"embeddings\":[{\"values\":[1,0,0]},{\"values\":[0,1,0]}]}";
        JsonNode usage = JSON.readTree(call.answer(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(answer)).getBytes()).get("usage");
        int expected = COUNTER.count("text-embedding-004", "Bastion guards the gateway") + COUNTER.count("text-embedding-004", "and counts what it cannot be told");
        assertThat(expected).isGreaterThan(8);
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(expected);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini", "vertex", "bedrock"})
    void anAnswerThatIsNotTheVectorsAskedForIsNeverPassedOn(String provider) throws IOException {
        Case c = of(provider);
        ObjectNode req = request(provider);
        EmbeddingsProvider.Call call = c.provider().call(req, c.model());
        for (String bad : new String[] {"{}", "not json", "{\"embeddings\":[{\"values\":[1,0]}]}", "{\"predictions\":[{\"embeddings\":{\"values\":[\"x\"]}}]}",
                "{\"embedding\":[]}"}) {
            assertThatThrownBy(() -> call.answer(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(bad))).as(bad)
                    .isInstanceOf(ChatProvider.UnreadableAnswer.class).hasMessageContaining("embeddings").hasMessageNotContaining("\"x\"");
        }
    }

    @Test
    void openAiGetsTheRequestAsItIsWithTheDeploymentsModelAndAnswersPassUntouched() throws IOException {
        ObjectNode req = request("gemini");
        req.putArray("input").addArray().add(15339).add(1917); // token ids: OpenAI's own format takes them
        EmbeddingsProvider.Call call = new OpenAiEmbeddingsProvider().call(req, "text-embedding-3-small");
        assertThat(call.path()).isEqualTo("/v1/embeddings");
        assertThat(call.translates()).isFalse();
        JsonNode sent = JSON.readTree(call.body().getBytes());
        assertThat(sent.get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(sent.get("input").toString()).isEqualTo("[[15339,1917]]");
        assertThat(sent.get("user").asText()).isEqualTo("u-123");
        Buffer answer = Buffer.buffer("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AAAAPw==\"}]}");
        assertThat(call.answer(200, MultiMap.caseInsensitiveMultiMap(), answer)).isSameAs(answer);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "gemini|{\"model\":\"m\",\"input\":[[1,2,3]]}|gemini embeds text, not token ids",
            "vertex|{\"model\":\"m\",\"input\":[1,2,3]}|vertex embeds text, not token ids",
            "bedrock|{\"model\":\"m\",\"input\":[[1,2]]}|bedrock embeds text, not token ids",
            "gemini|{\"model\":\"m\",\"input\":[]}|'input' must not be an empty array",
            "gemini|{\"model\":\"m\",\"input\":{\"text\":\"x\"}}|'input' must be a string or an array of strings",
            "gemini|{\"model\":\"m\",\"input\":[\"a\",null]}|'input' must be a string or an array of strings",
            "vertex|{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}|'dimensions' must be a positive integer",
            "vertex|{\"model\":\"m\",\"input\":\"a\",\"dimensions\":2.5}|'dimensions' must be a positive integer",
            "gemini|{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"int8\"}|'encoding_format' must be float or base64",
            "gemini|{\"model\":\"m\",\"input\":\"a\",\"input_type\":\"query\"}|'input_type' has no equivalent in gemini's embeddings API",
            "bedrock|{\"model\":\"m\",\"input\":[\"a\",\"b\"]}|bedrock's Titan embeddings take one input per request"})
    void whatAProviderCannotTakeIsRefusedBeforeAnythingIsSent(String provider, String request, String message) throws IOException {
        Case c = of(provider);
        assertThatThrownBy(() -> c.provider().call((ObjectNode) JSON.readTree(request), c.model()))
                .isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message);
    }

    @Test
    void batchLimitsAreTheProvidersOwn() {
        ObjectNode req = JSON.createObjectNode().put("model", "m");
        var input = req.putArray("input");
        for (int i = 0; i < 101; i++) input.add("text " + i);
        assertThatThrownBy(() -> of("gemini").provider().call(req.deepCopy(), "text-embedding-004")).hasMessageContaining("at most 100 inputs");
        input.remove(100);
        assertThat(of("gemini").provider().call(req.deepCopy(), "text-embedding-004").path()).endsWith(":batchEmbedContents");
        for (int i = 100; i < 251; i++) input.add("text " + i);
        assertThatThrownBy(() -> of("vertex").provider().call(req.deepCopy(), "text-embedding-005")).hasMessageContaining("at most 250 inputs");
    }

    @Test
    void bedrockTranslatesTitanTextModelsOnlyAndNeverNamesTheDeployment() {
        ObjectNode req = JSON.createObjectNode().put("model", "m").put("input", "hello");
        assertThatThrownBy(() -> new BedrockEmbeddingsProvider().call(req, "cohere.embed-english-v3"))
                .isInstanceOf(UntranslatableRequest.class).hasMessageContaining("Amazon Titan").hasMessageNotContaining("cohere");
    }

    @Test
    void anthropicHasNoEmbeddingsApi() {
        var d = new dev.bastion.config.ModelConfig.Deployment("up", dev.bastion.config.ModelConfig.Provider.ANTHROPIC, "claude-x", null);
        ObjectNode req = JSON.createObjectNode().put("model", "m").put("input", "hello");
        assertThatThrownBy(() -> EmbeddingsProviders.of(d).call(req, "claude-x"))
                .isInstanceOf(UntranslatableRequest.class).hasMessage("anthropic has no embeddings API.");
        assertThat(dev.bastion.config.ModelConfig.Provider.ANTHROPIC.hasEmbeddingsApi()).isFalse();
        assertThat(dev.bastion.config.ModelConfig.Provider.GEMINI.hasEmbeddingsApi()).isTrue();
    }

    @Test
    void theModelInAPathCannotReachAnotherPath() {
        ObjectNode req = JSON.createObjectNode().put("model", "m").put("input", "hello");
        assertThat(new GeminiEmbeddingsProvider(COUNTER).call(req.deepCopy(), "a/../b:c").path()).isEqualTo("/v1beta/models/a%2F..%2Fb%3Ac:batchEmbedContents");
        assertThat(new AzureEmbeddingsProvider("2024-10-21").call(req.deepCopy(), "x/../y?z").path()).startsWith("/openai/deployments/x%2F..%2Fy%3Fz/embeddings?");
    }
}
