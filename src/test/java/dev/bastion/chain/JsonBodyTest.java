package dev.bastion.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The shared parse of a request body, and what the upstream is sent of it. */
class JsonBodyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBodyNothingChangedIsSentAsTheBytesReceived() {
        Buffer raw = Buffer.buffer("{ \"model\" : \"m\",  \"n\": 1.50 }");
        JsonBody body = new JsonBody(raw);
        assertThat(body.tree()).isNotNull();
        assertThat(body.toSend()).isSameAs(raw);
    }

    @Test
    void anAddedFieldIsSplicedIntoTheBytesReceivedWhichOtherwiseStayAsTheyCame() throws Exception {
        String[] bodies = {"{ \"model\" : \"m\",  \"n\": 1.50 }", "{}", "  \n{ }", "\uFEFF{\"a\":[1,{\"b\":\"{\"}]}", "{\r\n  \"a\": \"x\"\r\n}"};
        for (String text : bodies) {
            JsonBody body = new JsonBody(Buffer.buffer(text));
            assertThat(body.tree()).as(text).isNotNull();
            body.sendAlso("safety_identifier", "bu_abc-_1");
            String sent = body.toSend().toString();
            String trimmed = text.replace("\uFEFF", "");
            // the client's bytes, every one of them, around the one field more
            assertThat(sent.replaceFirst("\"safety_identifier\":\"bu_abc-_1\",?", "")).as(text).isEqualTo(text);
            var tree = JSON.readTree(trimmed.isBlank() ? "{}" : sent.replace("\uFEFF", ""));
            assertThat(tree.get("safety_identifier").asText()).as(text).isEqualTo("bu_abc-_1");
            assertThat(tree.size()).isEqualTo(JSON.readTree(trimmed).size() + 1);
        }
    }

    @Test
    void aBodyAnotherControlChangedIsSerialisedOnceWithTheAddedFieldToo() throws Exception {
        JsonBody body = new JsonBody(Buffer.buffer("{\"user\":\"jane@example.com\",\"x\":1}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.tree()).put("user", "[EMAIL]");
        body.changed();
        body.sendAlso("safety_identifier", "bu_1");
        var sent = JSON.readTree(body.toSend().toString());
        assertThat(sent.get("user").asText()).isEqualTo("[EMAIL]");
        assertThat(sent.get("safety_identifier").asText()).isEqualTo("bu_1");
        assertThat(body.toSend()).isSameAs(body.toSend());
    }

    @Test
    void onlyPlainAsciiCanBeSplicedIn() {
        JsonBody body = new JsonBody(Buffer.buffer("{}"));
        assertThatThrownBy(() -> body.sendAlso("a", "x\",\"admin\":\"true")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> body.sendAlso("a", "\\u0000")).isInstanceOf(IllegalArgumentException.class);
    }
}
