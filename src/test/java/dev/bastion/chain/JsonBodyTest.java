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
            body.sendMember("safety_identifier", "bu_abc-_1", "user");
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
    void theMemberItReplacesIsReplacedInPlaceWhateverItsValue() throws Exception {
        String[][] cases = {
                {"{\"user\":\"alice\",\"a\":1}", "{\"safety_identifier\":\"bu_1\",\"a\":1}"},
                {"{ \"a\" : [1, {\"user\": 2}] ,  \"user\" :  \"al\\\"ice \\u00e9\" , \"b\":true}",
                        "{ \"a\" : [1, {\"user\": 2}] ,  \"safety_identifier\":\"bu_1\" , \"b\":true}"},
                {"{\"a\":1,\"user\":12345}", "{\"a\":1,\"safety_identifier\":\"bu_1\"}"},
                {"{\"user\":null}", "{\"safety_identifier\":\"bu_1\"}"},
                {"{\"user\":{\"x\":[1,2,{\"y\":\"}\"}]},\"z\":false}", "{\"safety_identifier\":\"bu_1\",\"z\":false}"},
                {"{\"safety_identifier\":\"mine\",\"n\":-1.5e3}", "{\"safety_identifier\":\"bu_1\",\"n\":-1.5e3}"},
                {"{\"héllo\":\"wörld\",\"user\":\"ü\"}", "{\"héllo\":\"wörld\",\"safety_identifier\":\"bu_1\"}"},
                {"\uFEFF {\"user\":\"a\",\"b\":1}", "\uFEFF {\"safety_identifier\":\"bu_1\",\"b\":1}"},
        };
        for (String[] c : cases) {
            JsonBody body = new JsonBody(Buffer.buffer(c[0]));
            assertThat(body.tree()).as(c[0]).isNotNull();
            body.sendMember("safety_identifier", "bu_1", "user");
            assertThat(body.toSend().toString()).as(c[0]).isEqualTo(c[1]);
        }
        // both names in the body: sent as the tree, the one member in place of both
        JsonBody both = new JsonBody(Buffer.buffer("{\"user\":\"a\",\"safety_identifier\":\"b\",\"k\":1}"));
        both.tree();
        both.sendMember("safety_identifier", "bu_1", "user");
        var sent = JSON.readTree(both.toSend().toString());
        assertThat(sent.has("user")).isFalse();
        assertThat(sent.get("safety_identifier").asText()).isEqualTo("bu_1");
        assertThat(sent.get("k").asInt()).isEqualTo(1);
    }

    @Test
    void aBodyAnotherControlChangedIsSerialisedOnceWithTheMemberInIt() throws Exception {
        JsonBody body = new JsonBody(Buffer.buffer("{\"user\":\"jane@example.com\",\"x\":1}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.tree()).put("user", "[EMAIL]");
        body.changed();
        body.sendMember("safety_identifier", "bu_1", "user");
        var sent = JSON.readTree(body.toSend().toString());
        assertThat(sent.has("user")).isFalse();
        assertThat(sent.get("safety_identifier").asText()).isEqualTo("bu_1");
        assertThat(sent.get("x").asInt()).isEqualTo(1);
        assertThat(body.toSend()).isSameAs(body.toSend());
    }

    @Test
    void onlyPlainAsciiCanBeSplicedIn() {
        JsonBody body = new JsonBody(Buffer.buffer("{}"));
        assertThatThrownBy(() -> body.sendMember("a", "x\",\"admin\":\"true", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> body.sendMember("a", "\\u0000", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
