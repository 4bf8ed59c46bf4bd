package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ModelConfig;
import dev.bastion.llm.provider.ChatProvider.StreamTranslator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Azure OpenAI against golden files ({@code providers/azure/}): the request keeps OpenAI's format without
 * {@code model}; answers and streams lose Azure's filter annotations and its empty-choices prompt-filter
 * chunk, errors (the content filter's among them) come out in OpenAI's shape.
 */
class AzureChatProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEPLOYMENT = "my-gpt-4o";
    final ChatProvider provider = ChatProviders.of(new ModelConfig.Deployment("azure", ModelConfig.Provider.AZURE, DEPLOYMENT, 1, "2024-10-21", null, null, null, null));

    static String resource(String name) throws IOException {
        try (InputStream in = AzureChatProviderTest.class.getResourceAsStream("/providers/azure/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theDeploymentAndApiVersionAreInThePath() {
        assertThat(provider.name()).isEqualTo("azure");
        assertThat(provider.translates()).isTrue();
        assertThat(provider.path(DEPLOYMENT, false)).isEqualTo("/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(provider.path(DEPLOYMENT, true)).isEqualTo("/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21");
        // A public name used as the deployment cannot reach another path.
        assertThat(provider.path("a/../b?x", false)).startsWith("/openai/deployments/a%2F..%2Fb%3Fx/chat/completions?");
        assertThatThrownBy(() -> ChatProviders.of(ModelConfig.Provider.AZURE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRequestIsOpenAisWithoutTheModelTheDeploymentNamesIt() throws IOException {
        String body = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true},
                 "tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object"}}}],"n":2,"logprobs":true}""";
        JsonNode out = JSON.readTree(provider.request((ObjectNode) JSON.readTree(body), DEPLOYMENT).getBytes());
        ObjectNode want = (ObjectNode) JSON.readTree(body);
        want.remove("model");
        assertThat(out).isEqualTo(want);
    }

    @Test
    void theEndUserGoesAsUserWhichEveryApiVersionTakes() throws IOException {
        JsonNode out = JSON.readTree(provider.request((ObjectNode) JSON.readTree(
                "{\"model\":\"gpt-4o\",\"safety_identifier\":\"bu_x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), DEPLOYMENT).getBytes());
        assertThat(out.path("user").asText()).isEqualTo("bu_x");
        assertThat(out.has("safety_identifier")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"plain,200", "filtered,200", "content-filter,400", "not-found,404", "rate-limit,429"})
    void answersTranslateAsTheGoldenFilesSay(String name, int status) throws IOException {
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer(resource(name + ".azure-answer.json")), DEPLOYMENT).getBytes());
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".openai-answer.json")));
        assertThat(out.toString()).doesNotContain("content_filter_result").doesNotContain("innererror");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 500, 502})
    void anErrorBodyThatIsNotJsonGivesAGenericMessageNeverTheBytes(int status) throws IOException {
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer("<html>secret-upstream-page</html>"), DEPLOYMENT).getBytes());
        assertThat(out.path("error").path("message").asText()).contains(String.valueOf(status)).doesNotContain("secret-upstream-page");
        assertThat(out.path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anUnauthorisedAnswerIsAnAuthenticationError() throws IOException {
        String body = "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint.\"}}";
        JsonNode e = JSON.readTree(provider.answer(401, Buffer.buffer(body), DEPLOYMENT).getBytes()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("authentication_error");
        assertThat(e.get("code").isNull()).as("the status repeated is no code").isTrue();
    }

    @Test
    void aSuccessBodyThatIsNotACompletionIsAnError() throws IOException {
        assertThatThrownBy(() -> provider.answer(200, Buffer.buffer("{\"foo\":1}"), DEPLOYMENT)).isInstanceOf(ChatProvider.UnreadableAnswer.class)
                .hasMessageContaining("chat completion");
    }

    // --- streams

    @ParameterizedTest
    @ValueSource(strings = {"plain", "filtered", "cut", "error-event"})
    void streamsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        byte[] in = resource(name + ".azure.sse").getBytes(StandardCharsets.UTF_8);
        StreamTranslator t = provider.stream(DEPLOYMENT, true);
        String out = t.feed(Buffer.buffer(in)).toString(StandardCharsets.UTF_8) + t.end().toString(StandardCharsets.UTF_8);
        List<String> got = events(out);
        List<String> want = events(resource(name + ".openai.sse"));
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            if (want.get(i).equals("[DONE]")) assertThat(got.get(i)).isEqualTo("[DONE]");
            else assertThat(JSON.readTree(got.get(i))).as("event %d", i).isEqualTo(JSON.readTree(want.get(i)));
        }
        boolean complete = want.getLast().equals("[DONE]");
        assertThat(t.failed()).isEqualTo(!complete);
        if (!complete) assertThat(out).doesNotContain("[DONE]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "filtered", "cut", "error-event"})
    void streamsSplitAnywhereComeOutTheSame(String name) throws IOException {
        byte[] in = resource(name + ".azure.sse").getBytes(StandardCharsets.UTF_8);
        String whole = run(in, new Random(0), in.length, true);
        for (int seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            assertThat(run(in, random, 1 + random.nextInt(48), true)).as("seed %d", seed).isEqualTo(whole);
        }
    }

    @Test
    void withoutIncludeUsageNoChunkHasEmptyChoices() throws IOException {
        byte[] in = resource("plain.azure.sse").getBytes(StandardCharsets.UTF_8);
        String out = run(in, new Random(0), in.length, false);
        assertThat(out).doesNotContain("\"choices\":[]").doesNotContain("prompt_filter_results").endsWith("data: [DONE]\n\n");
    }

    private String run(byte[] in, Random random, int maxPiece, boolean usage) {
        StreamTranslator t = provider.stream(DEPLOYMENT, usage);
        Buffer out = Buffer.buffer();
        for (int i = 0; i < in.length; ) {
            int n = Math.min(in.length - i, 1 + random.nextInt(maxPiece));
            out.appendBuffer(t.feed(Buffer.buffer(java.util.Arrays.copyOfRange(in, i, i + n))));
            i += n;
        }
        out.appendBuffer(t.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (e.isBlank()) continue;
            assertThat(e).startsWith("data: ");
            out.add(e.substring(6));
        }
        return out;
    }

    @Test
    void anUnreadableEventFailsTheStream() {
        StreamTranslator t = provider.stream(DEPLOYMENT, true);
        String out = t.feed(Buffer.buffer("data: {not json\n\n")).toString();
        assertThat(out).contains("upstream_invalid_stream").doesNotContain("not json");
        assertThat(t.failed()).isTrue();
        assertThat(t.end().length()).isZero();
    }

    @Test
    void anEventWithTrailingDataOrAnErrorAfterItsChoicesFailsTheStreamAndNothingOfItIsSent() {
        for (String event : new String[] {
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"leak-me\"}}]} {\"x\":1}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"leak-me\"}}],\"error\":{\"message\":\"server overloaded\",\"type\":\"server_error\"}}\n\n",
                "data: [1,2]\n\n", "data: {\"choices\":{}}\n\n", "data: {\"id\":\"x\"}\n\n"}) {
            StreamTranslator t = provider.stream(DEPLOYMENT, true);
            String out = t.feed(Buffer.buffer(event)).toString();
            assertThat(out).as(event).contains("\"error\"").doesNotContain("leak-me").doesNotContain("[DONE]");
            assertThat(t.failed()).as(event).isTrue();
        }
    }

    @Test
    void theAnnotationsGoAndTheRestOfAChunkStaysAsSent() throws IOException {
        StreamTranslator t = provider.stream(DEPLOYMENT, false);
        String out = t.feed(Buffer.buffer("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_1\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\\"there\\\"\"},\"logprobs\":null,\"finish_reason\":null,"
                + "\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"content_filter_offsets\":{\"start_offset\":0}}]}\n\n")).toString();
        JsonNode chunk = JSON.readTree(out.substring("data: ".length()));
        assertThat(chunk.path("model").asText()).isEqualTo(DEPLOYMENT);
        assertThat(chunk.path("system_fingerprint").asText()).isEqualTo("fp_1");
        assertThat(chunk.at("/choices/0/delta/content").asText()).isEqualTo("Hi \"there\"");
        assertThat(chunk.at("/choices/0").has("content_filter_results")).isFalse();
        assertThat(chunk.at("/choices/0").has("content_filter_offsets")).isFalse();
        assertThat(chunk.at("/choices/0").has("logprobs")).isTrue();
    }
}
