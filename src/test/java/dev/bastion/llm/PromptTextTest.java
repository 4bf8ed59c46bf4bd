package dev.bastion.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.RouteConfig.LlmApi;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text a model reads, then every other string the provider receives — never keys, ids, roles or URLs. */
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
        List<PromptText.Segment> all = PromptText.of(LlmApi.CHAT, body);
        List<PromptText.Segment> s = all.stream().filter(x -> x.part() != PromptText.Part.FIELD).toList();
        assertThat(s).extracting(PromptText.Segment::pointer).containsExactly(
                "/messages/0/content", "/messages/1/content/0/text", "/messages/2/tool_calls/0/function/arguments", "/messages/3/content",
                "/tools/0/function/description", "/tools/0/function/parameters/properties/q/description");
        assertThat(s).extracting(PromptText.Segment::part).containsExactly(PromptText.Part.INSTRUCTIONS, PromptText.Part.PROMPT, PromptText.Part.PROMPT,
                PromptText.Part.TOOL_RESULT, PromptText.Part.PROMPT, PromptText.Part.PROMPT);
        // The other strings the provider receives are fields: scanned for personal data, never scored as the prompt.
        assertThat(all.subList(s.size(), all.size())).extracting(PromptText.Segment::pointer).containsExactly(
                "/user", "/messages/1/name", "/messages/2/tool_calls/0/function/name", "/tools/0/function/name");
        assertThat(all).extracting(PromptText.Segment::text).as("ids, roles, types, models and URLs are not text")
                .doesNotContain("gpt-4o", "system", "call_1", "function", "image_url", "https://x.example/a.png", "object", "string");
    }

    @Test
    void schemaDescriptionsAndPredictionsAreReadRefusalPartsToo() throws Exception {
        JsonNode body = json.readTree("""
                {"model":"m","messages":[{"role":"assistant","content":[{"type":"refusal","refusal":"I can't"}]}],
                 "prediction":{"type":"content","content":[{"type":"text","text":"draft"}]},
                 "response_format":{"type":"json_schema","json_schema":{"name":"r","description":"an answer","schema":{"type":"object",
                   "properties":{"a":{"type":"string","description":"the a","enum":["x","y"]}}}}},
                 "metadata":{"ticket":"T-1"},"stop":["END"],"input_audio":{"data":"UklGRg==","format":"wav"}}""");
        List<PromptText.Segment> s = PromptText.of(LlmApi.CHAT, body);
        assertThat(s).filteredOn(x -> x.part() == PromptText.Part.PROMPT).extracting(PromptText.Segment::pointer).containsExactly(
                "/messages/0/content/0/refusal", "/response_format/json_schema/description",
                "/response_format/json_schema/schema/properties/a/description", "/prediction/content/0/text");
        assertThat(s).filteredOn(x -> x.part() == PromptText.Part.FIELD).extracting(PromptText.Segment::text)
                .containsExactly("r", "x", "y", "T-1", "END");
    }

    @Test
    void toolResultAndDocumentBlocksAreThirdPartyTextWhereverTheySit() throws Exception {
        JsonNode body = json.readTree("""
                {"model":"m","messages":[
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"t1","content":"plain result"},
                    {"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":"part result"}]},
                    {"type":"document","source":{"type":"text","media_type":"text/plain","data":"the document"}},
                    {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
                    {"type":"text","text":"my question"}]},
                  {"role":"function","name":"f","content":"function result"}]}""");
        List<PromptText.Segment> s = PromptText.of(LlmApi.CHAT, body);
        assertThat(s).extracting(PromptText.Segment::pointer).containsExactly("/messages/0/content/0/content", "/messages/0/content/1/content/0/text",
                "/messages/0/content/2/source/data", "/messages/0/content/4/text", "/messages/1/content", "/messages/1/name");
        assertThat(s).extracting(PromptText.Segment::part).containsExactly(PromptText.Part.TOOL_RESULT, PromptText.Part.TOOL_RESULT,
                PromptText.Part.DOCUMENT, PromptText.Part.PROMPT, PromptText.Part.TOOL_RESULT, PromptText.Part.FIELD);
        PromptText.replace(body, "/messages/0/content/2/source/data", "[redacted]");
        assertThat(body.at("/messages/0/content/2/source/data").asText()).isEqualTo("[redacted]");
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
    void hostilyDeepToolSchemasAreBoundedAndWhatLiesDeeperIsStillScanned() throws Exception {
        String deep = "{\"a\":".repeat(500) + "{\"description\":\"card 4111 1111 1111 1111\"}" + "}".repeat(500);
        JsonNode body = json.readTree("{\"messages\":[],\"tools\":[" + deep + "]}");
        List<PromptText.Segment> s = PromptText.of(LlmApi.CHAT, body);
        // The walks stop at a fixed depth (no stack to exhaust); past it the rest is one field, its JSON whole, not skipped.
        assertThat(s).hasSize(1);
        assertThat(s.getFirst().part()).isEqualTo(PromptText.Part.FIELD);
        assertThat(s.getFirst().pointer()).startsWith("/tools/0/a/a/");
        assertThat(s.getFirst().text()).contains("card 4111 1111 1111 1111").startsWith("{\"a\":");
    }
}
