package dev.bastion.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.RouteConfig.LlmApi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the text a model reads is handed to the detectors — never keys, ids, roles or URLs. */
class PromptTextTest {
    final ObjectMapper json = new ObjectMapper();

    @Test
    void chatMessagesPartsToolCallsToolResultsAndToolDescriptions() throws Exception {
        JsonNode body = json.readTree("""
                {"model":"gpt-4o","user":"alice@example.com","messages":[
                  {"role":"system","content":"be brief"},
                  {"role":"user","name":"bob","content":[{"type":"text","text":"look at this"},{"type":"image_url","image_url":{"url":"https://x.example/a.png"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"secret\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"result text"}],
                 "tools":[{"type":"function","function":{"name":"lookup","description":"Looks things up",
                   "parameters":{"type":"object","properties":{"q":{"type":"string","description":"the query"},"description":{"type":"string"}}}}}]}""");
        List<PromptText.Segment> s = PromptText.of(LlmApi.CHAT, body);
        assertThat(s).extracting(PromptText.Segment::pointer).containsExactly(
                "/messages/0/content", "/messages/1/content/0/text", "/messages/2/tool_calls/0/function/arguments", "/messages/3/content",
                "/tools/0/function/description", "/tools/0/function/parameters/properties/q/description");
        assertThat(s).extracting(PromptText.Segment::text).doesNotContain("alice@example.com", "https://x.example/a.png", "lookup", "bob", "user");
    }

    @Test
    void completionPromptsAndEmbeddingInputsButNotTokenIds() throws Exception {
        assertThat(PromptText.of(LlmApi.COMPLETIONS, json.readTree("{\"prompt\":[\"a\",\"b\"],\"suffix\":\"c\"}")))
                .extracting(PromptText.Segment::pointer).containsExactly("/prompt/0", "/prompt/1", "/suffix");
        assertThat(PromptText.of(LlmApi.EMBEDDINGS, json.readTree("{\"input\":\"hello\"}"))).extracting(PromptText.Segment::text).containsExactly("hello");
        assertThat(PromptText.of(LlmApi.EMBEDDINGS, json.readTree("{\"input\":[[1,2,3]]}"))).isEmpty();
    }

    @Test
    void replaceRewritesOnlyThatText() throws Exception {
        JsonNode body = json.readTree("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"mail a@b.example\"}]}],\"prompt\":[\"x\"]}");
        PromptText.replace(body, "/messages/0/content/0/text", "mail [EMAIL]");
        PromptText.replace(body, "/prompt/0", "y");
        assertThat(body.toString()).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"mail [EMAIL]\"}]}],\"prompt\":[\"y\"]}");
    }

    @Test
    void hostilyDeepToolSchemasAreBounded() throws Exception {
        String deep = "{\"a\":".repeat(500) + "{\"description\":\"x\"}" + "}".repeat(500);
        JsonNode body = json.readTree("{\"messages\":[],\"tools\":[" + deep + "]}");
        assertThat(PromptText.of(LlmApi.CHAT, body)).isEmpty();
    }
}
