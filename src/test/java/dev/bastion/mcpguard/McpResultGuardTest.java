package dev.bastion.mcpguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.chain.Identity;
import dev.bastion.config.GuardPolicy;
import dev.bastion.guard.Guard;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The result inspector alone, on messages the stand-in server cannot produce: a server's error, a notification. */
class McpResultGuardTest {
    static final String AWS_KEY = "AKIA" + "Z7QW3ERT5YUI2OPA";
    final ObjectMapper mapper = new ObjectMapper();
    final List<Map<String, ?>> audited = new ArrayList<>();
    final McpResultGuard guard = new McpResultGuard("r", "default", (p, id) -> Guard.of(GuardPolicy.DEFAULTS), (e, f) -> audited.add(f));
    final McpPolicy.ResultInspector inspector = guard.results(Identity.apiKey("key_1", "acme", Set.of()),
            new McpItem(McpItem.Kind.TOOL, "s", "t", "t", null), McpCall.NONE);

    JsonNode json(String s) throws Exception {
        return mapper.readTree(s);
    }

    @Test
    void aCredentialInAServersErrorIsWithheldLikeOneInAResult() throws Exception {
        JsonNode out = inspector.inspect(json("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":-1,\"message\":\"bad key " + AWS_KEY + "\"}}"));
        assertThat(out.get("id").asText()).isEqualTo("a");
        assertThat(out.at("/error/data/code").asText()).isEqualTo("secret_in_result");
        assertThat(out.toString()).doesNotContain("AKIA");
        assertThat(audited).hasSize(1);
        assertThat(audited.getFirst().toString()).doesNotContain("AKIA");
    }

    @Test
    void aMessageWithNothingToFindIsPassedAsTheSameNode() throws Exception {
        JsonNode clean = json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"42 rows\"}]}}");
        assertThat(inspector.inspect(clean)).isSameAs(clean);
        JsonNode progress = json("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}");
        assertThat(inspector.inspect(progress)).as("notifications are not inspected").isSameAs(progress);
        assertThat(audited).isEmpty();
    }
}
