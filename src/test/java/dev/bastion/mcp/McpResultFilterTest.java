package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hook a result guardrail plugs into: every result message reaches the inspector — each event of a stream as soon
 * as it is whole, however the network cut it — and what the inspector leaves alone goes out byte for byte.
 */
class McpResultFilterTest {
    static final String PROGRESS = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n";
    static final String RESULT = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"SECRET-LOOKING\"}]}}\r\n\r\n";

    /** Withholds results that hold the marker, as a guardrail would: a JSON-RPC error in their place. */
    static final class Withhold implements McpPolicy.ResultInspector {
        final List<String> seen = new ArrayList<>();

        @Override
        public JsonNode inspect(JsonNode message) {
            seen.add(message.path("method").asText(message.path("id").asText()));
            if (!message.toString().contains("SECRET-LOOKING")) return message;
            return McpErrors.rpc(message.get("id"), McpProtocol.SERVER_ERROR, "The result was withheld.");
        }
    }

    static MultiMap headers(String type) {
        return MultiMap.caseInsensitiveMultiMap().set("Content-Type", type).set("Content-Length", "999");
    }

    @Test
    void eachStreamEventIsInspectedWhenItIsWholeAndPassesUntouchedUnlessReplaced() {
        Withhold inspector = new Withhold();
        McpResultFilter f = new McpResultFilter(inspector, "req-1");
        MultiMap h = headers("text/event-stream");
        f.onHeaders(200, h);
        assertThat(h.contains("Content-Length")).as("an inspected message may change length").isFalse();

        String stream = PROGRESS + RESULT;
        int cut = PROGRESS.length() - 3; // the first event split before its blank line
        assertThat(f.onChunk(Buffer.buffer(stream.substring(0, cut))).length()).as("nothing whole yet").isZero();
        String second = f.onChunk(Buffer.buffer(stream.substring(cut, PROGRESS.length() + 10))).toString();
        assertThat(second).as("the first event, as soon as it is whole, byte for byte").isEqualTo(PROGRESS);
        assertThat(inspector.seen).containsExactly("notifications/progress");
        String third = f.onChunk(Buffer.buffer(stream.substring(PROGRESS.length() + 10))).toString();
        assertThat(third).doesNotContain("SECRET-LOOKING").contains("\"id\":3").contains("withheld").startsWith("event: message\ndata: ").endsWith("\n\n");
        assertThat(f.onEnd()).isNull();
    }

    @Test
    void aJsonAnswerIsInspectedWhole() {
        Withhold inspector = new Withhold();
        McpResultFilter f = new McpResultFilter(inspector, "req-1");
        f.onHeaders(200, headers("application/json"));
        String json = "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"fine\"}]}}";
        assertThat(f.onChunk(Buffer.buffer(json.substring(0, 20))).length()).isZero();
        assertThat(f.onChunk(Buffer.buffer(json.substring(20))).length()).isZero();
        assertThat(f.onEnd().toString()).as("left alone: the server's bytes").isEqualTo(json);

        McpResultFilter g = new McpResultFilter(new Withhold(), "req-1");
        g.onHeaders(200, headers("application/json"));
        g.onChunk(Buffer.buffer(json.replace("fine", "SECRET-LOOKING")));
        assertThat(g.onEnd().toString()).doesNotContain("SECRET-LOOKING").contains("withheld");
    }

    @Test
    void anAnswerInAnotherFormatIsWithheldNotPassedUnseen() {
        Withhold inspector = new Withhold();
        McpResultFilter f = new McpResultFilter(inspector, "req-1");
        f.onHeaders(200, headers("text/plain"));
        assertThat(f.onChunk(Buffer.buffer("SECRET-LOOKING")).length()).isZero();
        assertThat(f.onEnd()).isNull();
        assertThat(f.refusal().reason()).isEqualTo("mcp_result_uninspectable");
        assertThat(f.refusal().message()).doesNotContain("SECRET");

        McpResultFilter empty = new McpResultFilter(inspector, "req-1");
        empty.onHeaders(202, MultiMap.caseInsensitiveMultiMap());
        assertThat(empty.onEnd()).isNull();
        assertThat(empty.refusal()).as("nothing to withhold").isNull();
    }

    @Test
    void aServerCannotSlipAResultPastTheInspectorByMalformingIt() {
        // a stream that ends without finishing its last event: that event is still a result, and still inspected
        Withhold inspector = new Withhold();
        McpResultFilter cut = new McpResultFilter(inspector, "req-1");
        cut.onHeaders(200, headers("text/event-stream"));
        String unfinished = RESULT.substring(0, RESULT.length() - 4);
        assertThat(cut.onChunk(Buffer.buffer(PROGRESS + unfinished)).toString()).isEqualTo(PROGRESS);
        assertThat(cut.onEnd().toString()).doesNotContain("SECRET-LOOKING").contains("withheld");

        // an event whose data is not JSON cannot be read: an error stands in for it; a priming event (no data) passes
        McpResultFilter garbled = new McpResultFilter(inspector, "req-1");
        garbled.onHeaders(200, headers("text/event-stream"));
        String priming = "id: 1\ndata:\n\n";
        String out = garbled.onChunk(Buffer.buffer(priming + "event: message\ndata: {\"id\":3, SECRET-LOOKING\n\n" + PROGRESS)).toString();
        assertThat(out).startsWith(priming).doesNotContain("SECRET-LOOKING").contains("mcp_result_uninspectable").contains("req-1").endsWith(PROGRESS);

        // an event longer than the limit cannot be held: it and the rest of the stream are withheld
        McpResultFilter huge = new McpResultFilter(inspector, "req-1");
        huge.onHeaders(200, headers("text/event-stream"));
        String big = "event: message\ndata: {\"text\":\"" + "x".repeat(McpUpstream.MAX_ANSWER) + "SECRET-LOOKING";
        assertThat(huge.onChunk(Buffer.buffer(big)).toString()).contains("mcp_result_uninspectable").doesNotContain("SECRET-LOOKING");
        assertThat(huge.onChunk(Buffer.buffer(RESULT)).length()).isZero();
        assertThat(huge.onEnd()).isNull();

        // a JSON answer that does not parse, or is too large to hold, is refused whole, nothing of it sent
        McpResultFilter broken = new McpResultFilter(inspector, "req-1");
        broken.onHeaders(200, headers("application/json"));
        assertThat(broken.onChunk(Buffer.buffer("{\"id\":4,\"result\":\"SECRET-LOOKING\"")).length()).isZero();
        assertThat(broken.onEnd()).isNull();
        assertThat(broken.refusal().reason()).isEqualTo("mcp_result_uninspectable");
        McpResultFilter tooLarge = new McpResultFilter(inspector, "req-1");
        tooLarge.onHeaders(200, headers("application/json"));
        assertThat(tooLarge.onChunk(Buffer.buffer("{\"text\":\"" + "x".repeat(McpUpstream.MAX_ANSWER))).length()).isZero();
        assertThat(tooLarge.onChunk(Buffer.buffer("SECRET-LOOKING\"}")).length()).as("the rest is not passed either").isZero();
        assertThat(tooLarge.onEnd()).isNull();
        assertThat(tooLarge.refusal().reason()).isEqualTo("mcp_result_uninspectable");
    }
}
