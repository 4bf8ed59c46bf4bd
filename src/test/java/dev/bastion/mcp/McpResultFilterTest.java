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
        McpResultFilter f = new McpResultFilter(inspector);
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
        McpResultFilter f = new McpResultFilter(inspector);
        f.onHeaders(200, headers("application/json"));
        String json = "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"fine\"}]}}";
        assertThat(f.onChunk(Buffer.buffer(json.substring(0, 20))).length()).isZero();
        assertThat(f.onChunk(Buffer.buffer(json.substring(20))).length()).isZero();
        assertThat(f.onEnd().toString()).as("left alone: the server's bytes").isEqualTo(json);

        McpResultFilter g = new McpResultFilter(new Withhold());
        g.onHeaders(200, headers("application/json"));
        g.onChunk(Buffer.buffer(json.replace("fine", "SECRET-LOOKING")));
        assertThat(g.onEnd().toString()).doesNotContain("SECRET-LOOKING").contains("withheld");
    }

    @Test
    void anAnswerInAnotherFormatIsWithheldNotPassedUnseen() {
        Withhold inspector = new Withhold();
        McpResultFilter f = new McpResultFilter(inspector);
        f.onHeaders(200, headers("text/plain"));
        assertThat(f.onChunk(Buffer.buffer("SECRET-LOOKING")).length()).isZero();
        assertThat(f.onEnd()).isNull();
        assertThat(f.refusal().reason()).isEqualTo("mcp_result_uninspectable");
        assertThat(f.refusal().message()).doesNotContain("SECRET");

        McpResultFilter empty = new McpResultFilter(inspector);
        empty.onHeaders(202, MultiMap.caseInsensitiveMultiMap());
        assertThat(empty.onEnd()).isNull();
        assertThat(empty.refusal()).as("nothing to withhold").isNull();
    }
}
