package dev.bastion.llm.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a provider's translation costs per request and per streamed answer, against parsing the same
 * request (the baseline any body-reading control pays). The request benchmarks include a copy of the
 * parsed tree, since a translation consumes it; {@code openAiRequest} is the pass-through provider (set
 * the model, serialise) — the floor every translation is compared with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProviderBench {
    static final String PARAGRAPH = "Our service returns intermittent 502 errors from the load balancer during deploys; what is the most "
            + "likely cause, and which setting of the upstream pool should we check first to make rolling deploys graceful? ";
    /** Text deltas in the streamed answer: one per word of a ~600-character answer. */
    static final int DELTAS = 98;

    final ObjectMapper json = new ObjectMapper();
    final ChatProvider openAi = new OpenAiChatProvider();
    final ChatProvider anthropic = new AnthropicChatProvider();
    final ChatProvider gemini = new GeminiChatProvider();
    final ChatProvider bedrock = new BedrockChatProvider();
    final ChatProvider azure = new AzureChatProvider("2024-10-21");
    byte[] request;
    ObjectNode parsed;
    Buffer answer;
    Buffer stream;
    Buffer geminiAnswer;
    Buffer geminiStream;
    Buffer openAiStream;
    Buffer bedrockAnswer;
    Buffer bedrockStream;
    Buffer azureStream;
    final dev.bastion.frontdoor.AnthropicFrontDoor messagesDoor = new dev.bastion.frontdoor.AnthropicFrontDoor();
    Buffer messagesRequest;

    @Setup
    public void setUp() throws Exception {
        ObjectNode root = json.createObjectNode().put("model", "fast").put("max_tokens", 256).put("temperature", 0.2);
        var messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a concise assistant for an internal knowledge base.");
        messages.addObject().put("role", "user").put("content", (PARAGRAPH + PARAGRAPH + PARAGRAPH).substring(0, 460));
        request = root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8); // ~640 bytes, as in GuardBench
        parsed = (ObjectNode) json.readTree(request);
        String text = (PARAGRAPH + PARAGRAPH + PARAGRAPH).substring(0, 600);
        answer = Buffer.buffer("{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-latest\","
                + "\"content\":[{\"type\":\"text\",\"text\":" + json.writeValueAsString(text) + "}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":150,\"output_tokens\":120}}");
        StringBuilder sse = new StringBuilder();
        sse.append(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-3-5-haiku-latest\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":150,\"output_tokens\":1}}}"));
        sse.append(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        String[] words = text.split("(?<= )");
        for (int i = 0; i < DELTAS; i++) {
            sse.append(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                    + json.writeValueAsString(words[i % words.length]) + "}}"));
        }
        sse.append(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        sse.append(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":120}}"));
        sse.append(event("message_stop", "{\"type\":\"message_stop\"}"));
        stream = Buffer.buffer(sse.toString());
        String usage = "\"usageMetadata\":{\"promptTokenCount\":150,\"candidatesTokenCount\":120,\"totalTokenCount\":270}";
        geminiAnswer = Buffer.buffer("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + json.writeValueAsString(text) + "}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}]," + usage + ",\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"Xq5vaJ2rKdqLz7IP\"}");
        StringBuilder gsse = new StringBuilder();
        for (int i = 0; i < DELTAS; i++) {
            boolean last = i == DELTAS - 1;
            gsse.append("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":").append(json.writeValueAsString(words[i % words.length]))
                    .append("}],\"role\":\"model\"}").append(last ? ",\"finishReason\":\"STOP\"" : "").append(",\"index\":0}],")
                    .append(last ? usage : "\"usageMetadata\":{\"promptTokenCount\":150,\"totalTokenCount\":150}")
                    .append(",\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"Xq5vaJ2rKdqLz7IP\"}\r\n\r\n");
        }
        geminiStream = Buffer.buffer(gsse.toString());
        StringBuilder osse = new StringBuilder();
        for (int i = 0; i < DELTAS; i++) {
            osse.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",")
                    .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":").append(json.writeValueAsString(words[i % words.length]))
                    .append("},\"finish_reason\":null}]}\n\n");
        }
        osse.append("data: [DONE]\n\n");
        openAiStream = Buffer.buffer(osse.toString());
        // Azure's: the prompt-filter chunk first, then OpenAI's chunks with each choice's content-filter annotations.
        StringBuilder asse = new StringBuilder("data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
                + "[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n");
        for (int i = 0; i < DELTAS; i++) {
            asse.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",")
                    .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":").append(json.writeValueAsString(words[i % words.length]))
                    .append("},\"finish_reason\":null,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},")
                    .append("\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n");
        }
        asse.append("data: [DONE]\n\n");
        azureStream = Buffer.buffer(asse.toString());
        bedrockAnswer = Buffer.buffer("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":" + json.writeValueAsString(text) + "}]}},"
                + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":150,\"outputTokens\":120,\"totalTokens\":270},\"metrics\":{\"latencyMs\":412}}");
        // ConverseStream's binary frames (headers, payload, both CRCs), as Bedrock sends them.
        Buffer frames = Buffer.buffer();
        frames.appendBuffer(frame("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW\"}"));
        for (int i = 0; i < DELTAS; i++) {
            frames.appendBuffer(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":" + json.writeValueAsString(words[i % words.length])
                    + "},\"p\":\"abcdefghijklmn\"}"));
        }
        frames.appendBuffer(frame("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcdefghijklmnopq\"}"));
        frames.appendBuffer(frame("messageStop", "{\"stopReason\":\"end_turn\",\"p\":\"abcdefghijkl\"}"));
        frames.appendBuffer(frame("metadata", "{\"usage\":{\"inputTokens\":150,\"outputTokens\":120,\"totalTokens\":270},\"metrics\":{\"latencyMs\":301}}"));
        bedrockStream = frames;
        // The same request as Anthropic's Messages API sends it, for the front door.
        ObjectNode m = json.createObjectNode().put("model", "fast").put("max_tokens", 256).put("temperature", 0.2)
                .put("system", "You are a concise assistant for an internal knowledge base.");
        m.putArray("messages").addObject().put("role", "user").put("content", (PARAGRAPH + PARAGRAPH + PARAGRAPH).substring(0, 460));
        messagesRequest = Buffer.buffer(m.toString());
    }

    private static Buffer frame(String type, String payload) {
        return AwsEventStream.encode(java.util.Map.of(":event-type", type, ":content-type", "application/json", ":message-type", "event"),
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Benchmark
    public Object jsonParse() throws java.io.IOException {
        return json.readTree(request);
    }

    @Benchmark
    public Buffer openAiRequest() {
        return openAi.request(parsed.deepCopy(), "gpt-4o-mini");
    }

    @Benchmark
    public Buffer anthropicRequest() {
        return anthropic.request(parsed.deepCopy(), "claude-3-5-haiku-latest");
    }

    @Benchmark
    public Buffer anthropicAnswer() {
        return anthropic.answer(200, answer, "claude-3-5-haiku-latest");
    }

    /** A whole streamed answer (~{@value #DELTAS} text deltas) in network writes of 256 bytes. */
    @Benchmark
    public int anthropicStream() {
        ChatProvider.StreamTranslator t = anthropic.stream("claude-3-5-haiku-latest", false);
        int n = 0;
        for (int i = 0; i < stream.length(); i += 256) n += t.feed(stream.getBuffer(i, Math.min(stream.length(), i + 256))).length();
        return n + t.end().length();
    }

    /** An OpenAI-format stream ({@value #DELTAS} chunks) checked on its way (events pass as they are; [DONE] and each event's JSON checked). */
    @Benchmark
    public int openAiStream() {
        ChatProvider.StreamTranslator t = openAi.stream("gpt-4o-mini", false);
        int n = 0;
        for (int i = 0; i < openAiStream.length(); i += 256) n += t.feed(openAiStream.getBuffer(i, Math.min(openAiStream.length(), i + 256))).length();
        return n + t.end().length();
    }

    @Benchmark
    public Buffer geminiRequest() {
        return gemini.request(parsed.deepCopy(), "gemini-2.5-flash");
    }

    @Benchmark
    public Buffer geminiAnswer() {
        return gemini.answer(200, geminiAnswer, "gemini-2.5-flash");
    }

    /** A whole streamed Gemini answer ({@value #DELTAS} events, one text part each, usage on every one) in 256-byte writes. */
    @Benchmark
    public int geminiStream() {
        ChatProvider.StreamTranslator t = gemini.stream("gemini-2.5-flash", false);
        int n = 0;
        for (int i = 0; i < geminiStream.length(); i += 256) n += t.feed(geminiStream.getBuffer(i, Math.min(geminiStream.length(), i + 256))).length();
        return n + t.end().length();
    }

    @Benchmark
    public Buffer bedrockRequest() {
        return bedrock.request(parsed.deepCopy(), "anthropic.claude-3-5-haiku-20241022-v1:0");
    }

    @Benchmark
    public Buffer bedrockAnswer() {
        return bedrock.answer(200, bedrockAnswer, "anthropic.claude-3-5-haiku-20241022-v1:0");
    }

    /** A whole ConverseStream answer ({@value #DELTAS} text deltas in binary event-stream frames, CRCs checked) in 256-byte writes. */
    @Benchmark
    public int bedrockStream() {
        ChatProvider.StreamTranslator t = bedrock.stream("anthropic.claude-3-5-haiku-20241022-v1:0", false);
        int n = 0;
        for (int i = 0; i < bedrockStream.length(); i += 256) n += t.feed(bedrockStream.getBuffer(i, Math.min(bedrockStream.length(), i + 256))).length();
        return n + t.end().length();
    }

    /**
     * The Anthropic front door's request step: an Anthropic Messages request parsed, translated to the chat
     * request the controls read, and serialised as the exchange's body (the control as the chain runs it).
     */
    @Benchmark
    public Buffer messagesDoorRequest() {
        dev.bastion.chain.Exchange ex = dev.bastion.chain.Exchange.builder().method(io.vertx.core.http.HttpMethod.POST).path("/v1/messages")
                .body(messagesRequest).build();
        messagesDoor.check(ex);
        return ex.body();
    }

    /**
     * The front door's answer step on a stream: the normalised OpenAI stream ({@value #DELTAS} chunks and
     * [DONE], as {@link #openAiStream} reads it) translated to Anthropic's events by the door's response filter.
     */
    @Benchmark
    public int messagesDoorStream() {
        dev.bastion.chain.ResponseFilter f = dev.bastion.frontdoor.AnthropicFrontDoor.answerFilter("req-1");
        f.onHeaders(200, io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/event-stream"));
        int n = 0;
        for (int i = 0; i < openAiStream.length(); i += 256) n += f.onChunk(openAiStream.getBuffer(i, Math.min(openAiStream.length(), i + 256))).length();
        return n + f.onEnd().length();
    }

    @Benchmark
    public Buffer azureRequest() {
        return azure.request(parsed.deepCopy(), "gpt-4o-prod");
    }

    /** A whole Azure stream ({@value #DELTAS} chunks with content-filter annotations, and the prompt-filter chunk) in 256-byte writes. */
    @Benchmark
    public int azureStream() {
        ChatProvider.StreamTranslator t = azure.stream("gpt-4o-prod", false);
        int n = 0;
        for (int i = 0; i < azureStream.length(); i += 256) n += t.feed(azureStream.getBuffer(i, Math.min(azureStream.length(), i + 256))).length();
        return n + t.end().length();
    }
}
