package dev.bastion.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.AnthropicChatProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The round trip through the normalised form: an Anthropic request, translated by the front door to
 * OpenAI's chat format and by the Anthropic deployment back to a Messages request, says the same thing —
 * for random requests of the supported subset (and the golden ones). "The same" allows only what the two
 * formats cannot tell apart: a string content is one text block, system blocks are their joined text, and
 * the documented drops (cache_control, thinking blocks, is_error) are gone.
 */
class MessagesRoundTripTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEPLOYMENT_MODEL = "claude-sonnet-4-5";
    final AnthropicChatProvider provider = new AnthropicChatProvider();

    @Test
    void theGoldenRequestsSurviveTheRoundTrip() throws IOException {
        for (String name : List.of("plain", "tools")) {
            ObjectNode in = (ObjectNode) JSON.readTree(MessagesTranslationTest.resource(name + ".messages-request.json"));
            assertRoundTrip(in);
        }
    }

    @Test
    void randomRequestsOfTheSupportedSubsetSurviveTheRoundTrip() throws IOException {
        Random random = new Random(16);
        for (int i = 0; i < 500; i++) assertRoundTrip(randomRequest(random));
    }

    private void assertRoundTrip(ObjectNode in) throws IOException {
        ObjectNode chat = MessagesRequest.toChat(in.deepCopy());
        JsonNode back = JSON.readTree(provider.request(chat, DEPLOYMENT_MODEL).getBytes());
        assertThat(normalised(back)).as("%s%n→ %s", in, chat).isEqualTo(normalised(expected(in)));
    }

    /** What the provider should get: the request with the deployment's model and without the documented drops. */
    private static ObjectNode expected(ObjectNode in) {
        ObjectNode out = in.deepCopy();
        out.put("model", DEPLOYMENT_MODEL);
        withoutCacheHints(out);
        for (JsonNode t : out.path("tools")) ((ObjectNode) t).remove("type");
        if (out.path("tools").isArray() && out.get("tools").isEmpty()) out.remove("tools");
        for (JsonNode m : out.path("messages")) {
            if (!m.path("content").isArray()) continue;
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode b : m.get("content")) {
                String type = b.path("type").asText();
                if (type.equals("thinking") || type.equals("redacted_thinking")) continue;
                ObjectNode block = (ObjectNode) b.deepCopy();
                block.remove("is_error");
                kept.add(block);
            }
            ((ObjectNode) m).set("content", kept);
        }
        return out;
    }

    private static void withoutCacheHints(JsonNode node) {
        if (node instanceof ObjectNode o) o.remove("cache_control");
        for (JsonNode child : node) withoutCacheHints(child);
    }

    /** Equal forms made equal: string content → one text block; system → its text; blocks without cache hints. */
    private static JsonNode normalised(JsonNode request) {
        ObjectNode out = (ObjectNode) request.deepCopy();
        JsonNode system = out.get("system");
        if (system != null && system.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode b : system) sb.append(b.path("text").asText());
            out.put("system", sb.toString());
        }
        if (system != null && out.path("system").asText().isEmpty()) out.remove("system");
        for (JsonNode m : out.path("messages")) {
            if (m.path("content").isTextual()) {
                ArrayNode blocks = JSON.createArrayNode();
                blocks.addObject().put("type", "text").put("text", m.get("content").asText());
                ((ObjectNode) m).set("content", blocks);
            }
            for (JsonNode b : m.path("content")) ((ObjectNode) b).remove("cache_control");
        }
        return out;
    }

    // --- random requests of the supported subset

    private static ObjectNode randomRequest(Random r) {
        ObjectNode in = JSON.createObjectNode().put("model", "claude").put("max_tokens", 1 + r.nextInt(8192));
        if (r.nextBoolean()) {
            if (r.nextBoolean()) in.put("system", words(r));
            else {
                ArrayNode s = in.putArray("system");
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) textBlock(s.addObject(), r);
            }
        }
        if (r.nextInt(3) == 0) in.put("temperature", r.nextInt(11) / 10.0);
        if (r.nextInt(3) == 0) in.put("top_p", r.nextInt(11) / 10.0);
        if (r.nextInt(4) == 0) in.putArray("stop_sequences").add("END").add("\n\nHuman:");
        if (r.nextInt(4) == 0) in.putObject("metadata").put("user_id", "user-" + r.nextInt(100));
        if (r.nextBoolean()) in.put("stream", r.nextBoolean());
        List<String> tools = new ArrayList<>();
        if (r.nextBoolean()) {
            ArrayNode ts = in.putArray("tools");
            for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                String name = "tool_" + i;
                tools.add(name);
                ObjectNode t = ts.addObject().put("name", name);
                if (r.nextBoolean()) t.put("description", words(r));
                t.putObject("input_schema").put("type", "object").putObject("properties").putObject("q").put("type", "string");
                if (r.nextInt(4) == 0) t.putObject("cache_control").put("type", "ephemeral");
            }
            ObjectNode choice = JSON.createObjectNode();
            switch (r.nextInt(5)) {
                case 0 -> choice.put("type", "auto");
                case 1 -> choice.put("type", "any");
                case 2 -> choice.put("type", "tool").put("name", tools.get(r.nextInt(tools.size())));
                case 3 -> choice.put("type", "none");
                default -> choice = null;
            }
            if (choice != null) {
                if (!choice.get("type").asText().equals("none") && r.nextBoolean()) choice.put("disable_parallel_tool_use", true);
                in.set("tool_choice", choice);
            }
        }
        ArrayNode messages = in.putArray("messages");
        List<String> openCalls = new ArrayList<>();
        int turns = 1 + 2 * r.nextInt(4);
        for (int t = 0; t < turns; t++) {
            ObjectNode m = messages.addObject();
            if (t % 2 == 0) {
                m.put("role", "user");
                if (openCalls.isEmpty() && r.nextBoolean()) {
                    m.put("content", words(r));
                    continue;
                }
                ArrayNode c = m.putArray("content");
                for (String id : openCalls) {
                    ObjectNode res = c.addObject().put("type", "tool_result").put("tool_use_id", id);
                    if (r.nextBoolean()) res.put("content", words(r));
                    else textBlock(res.putArray("content").addObject(), r);
                    if (r.nextInt(3) == 0) res.put("is_error", true);
                }
                openCalls.clear();
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    switch (r.nextInt(4)) {
                        case 0 -> c.addObject().put("type", "image").putObject("source").put("type", "base64")
                                .put("media_type", r.nextBoolean() ? "image/png" : "image/jpeg").put("data", "iVBORw0KGgo" + r.nextInt(1000));
                        case 1 -> c.addObject().put("type", "image").putObject("source").put("type", "url").put("url", "https://example.com/" + r.nextInt(100) + ".png");
                        case 2 -> c.addObject().put("type", "document").put("title", "doc.pdf").putObject("source").put("type", "base64")
                                .put("media_type", "application/pdf").put("data", "JVBERi0x" + r.nextInt(1000));
                        default -> textBlock(c.addObject(), r);
                    }
                }
            } else {
                m.put("role", "assistant");
                boolean calls = !tools.isEmpty() && r.nextBoolean();
                if (!calls && r.nextBoolean()) {
                    m.put("content", words(r));
                    continue;
                }
                ArrayNode c = m.putArray("content");
                if (r.nextInt(4) == 0) c.addObject().put("type", "thinking").put("thinking", words(r)).put("signature", "sig");
                for (int i = 0, n = calls ? r.nextInt(2) : 1 + r.nextInt(2); i < n; i++) textBlock(c.addObject(), r);
                if (calls) {
                    for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
                        String id = "toolu_" + t + "_" + i;
                        openCalls.add(id);
                        ObjectNode input = JSON.createObjectNode();
                        if (r.nextBoolean()) input.put("q", words(r));
                        c.addObject().put("type", "tool_use").put("id", id).put("name", tools.get(r.nextInt(tools.size()))).set("input", input);
                    }
                }
            }
        }
        return in;
    }

    private static void textBlock(ObjectNode b, Random r) {
        b.put("type", "text").put("text", words(r));
        if (r.nextInt(4) == 0) b.putObject("cache_control").put("type", "ephemeral");
    }

    private static final String[] WORDS = {"weather", "Paris", "héllo", "🌍", "\"quoted\"", "line\nbreak", "tab\t", "42", "ünïcode", "</script>"};

    private static String words(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        return sb.toString();
    }
}
