package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.McpConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.upstream.Cancellation;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResponse;
import dev.bastion.upstream.UpstreamResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The seam the second half implements: what an {@link McpPolicy} says reaches the caller — the scopes it names join
 * the route's in one challenge, its refusal refuses the call, its inspector is hung on the call's answer, and what it
 * hides is left out of the merged list, under the server's own name and with the entry it was listed with.
 */
class McpPolicySeamTest {
    static final McpConfig CONFIG = new McpConfig(List.of(new McpConfig.Server("search", "search"), new McpConfig.Server("files", "files")),
            URI.create("https://mcp.example.test/mcp"), List.of(), List.of("https://idp.example.test"), null, null, null, null, null, null, null, null);
    static final McpChallenge CHALLENGE = new McpChallenge(CONFIG, List.of("mcp.use"));

    /** Tool {@code files__danger} needs {@code mcp.admin}; {@code search__secret} is neither shown nor callable. */
    static final class Rules implements McpPolicy {
        final List<McpItem> asked = new ArrayList<>();

        @Override
        public boolean visible(Identity caller, McpItem item) {
            asked.add(item);
            return !item.exposed().equals("search__secret");
        }

        @Override
        public Set<String> scopes(McpItem item) {
            return item.exposed().equals("files__danger") ? Set.of("mcp.admin") : Set.of();
        }

        @Override
        public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message) {
            return Future.succeededFuture(item.exposed().equals("search__secret")
                    ? new McpDecision.Refuse(403, "mcp_tool_denied", "This tool is not yours to call.") : new McpDecision.Allow());
        }

        @Override
        public ResultInspector results(Identity caller, McpItem item) {
            return JsonNode::deepCopy;
        }
    }

    static Exchange call(String tool, String... scopes) {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool)).encode();
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/mcp").body(Buffer.buffer(body))
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .identity(Identity.apiKey("key_1", "acme", Set.of(scopes))).build();
        assertThat(new McpTransportControl(CONFIG).check(ex).result()).isEqualTo(Verdict.ALLOW);
        return ex;
    }

    @Test
    void theScopesAPolicyNamesJoinTheRoutesInOneChallenge() {
        Rules rules = new Rules();
        McpPolicyControl control = new McpPolicyControl(CONFIG, rules, List.of("mcp.use"), CHALLENGE);
        Verdict v = control.check(call("files__danger", "mcp.use")).result();
        assertThat(v).isInstanceOf(Verdict.Deny.class);
        Verdict.Deny d = (Verdict.Deny) v;
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.headers().get("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_scope\", scope=\"mcp.use mcp.admin\"");
        assertThat(control.check(call("files__danger", "mcp.use", "mcp.admin")).result()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void aPolicysRefusalRefusesTheCallAndItsInspectorIsHungOnTheAnswer() {
        McpPolicyControl control = new McpPolicyControl(CONFIG, new Rules(), List.of("mcp.use"), CHALLENGE);
        Verdict v = control.check(call("search__secret", "mcp.use")).result();
        assertThat(v).isEqualTo(new Verdict.Deny(403, "mcp_tool_denied", "This tool is not yours to call."));
        Exchange allowed = call("search__lookup", "mcp.use");
        assertThat(control.check(allowed).result()).isEqualTo(Verdict.ALLOW);
        assertThat(allowed.responseFilters()).hasSize(1).first().isInstanceOf(McpResultFilter.class);
        Exchange open = call("search__lookup", "mcp.use");
        new McpPolicyControl(CONFIG, McpPolicy.OPEN, List.of("mcp.use"), CHALLENGE).check(open);
        assertThat(open.responseFilters()).as("the open policy costs no filter").isEmpty();
    }

    /** A server that answers {@code tools/list} with the given tool names. */
    record Lister(String name, List<String> tools) implements Upstream {
        @Override
        public Future<UpstreamResult> send(UpstreamRequest r) {
            JsonArray list = new JsonArray();
            tools.forEach(t -> list.add(new JsonObject().put("name", t).put("description", "about " + t)));
            Buffer body = new JsonObject().put("jsonrpc", "2.0").put("id", 1)
                    .put("result", new JsonObject().put("tools", list).put("resultType", "complete")).toBuffer();
            return Future.succeededFuture(new UpstreamResponse(200, MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json"),
                    new WholeBody(body), () -> {}, 1000, 0));
        }
    }

    @Test
    void whatAPolicyHidesIsLeftOutOfTheMergedListAndItSeesEachEntryUnderItsServersName() throws Exception {
        Rules rules = new Rules();
        Map<String, Upstream> upstreams = Map.of("search", new Lister("search", List.of("lookup", "secret")), "files", new Lister("files", List.of("danger")));
        UpstreamConfig endpoint = new UpstreamConfig(URI.create("http://127.0.0.1:1/mcp"), null, null, null, null, null, null, null, null, null);
        McpUpstream up = new McpUpstream("mcp", CONFIG, upstreams, Map.of("search", endpoint, "files", endpoint), rules);
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/mcp")
                .body(Buffer.buffer("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/list").identity(Identity.apiKey("key_1", "acme", Set.of())).build();
        new McpTransportControl(CONFIG).check(ex);
        UpstreamResult result = up.send(new UpstreamRequest(ex, "/mcp", ex.body(), false, false, false, new Cancellation()))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        UpstreamResponse resp = (UpstreamResponse) result;
        Buffer out = Buffer.buffer();
        resp.body().handler(out::appendBuffer);
        resp.body().resume();
        JsonArray tools = new JsonObject(out).getJsonObject("result").getJsonArray("tools");
        assertThat(tools.stream().map(t -> ((JsonObject) t).getString("name")).toList()).containsExactly("search__lookup", "files__danger");
        assertThat(rules.asked).extracting(McpItem::server, McpItem::name, McpItem::exposed).contains(
                org.assertj.core.groups.Tuple.tuple("search", "secret", "search__secret"));
        assertThat(rules.asked).allSatisfy(i -> assertThat(i.definition().get("description").asText()).startsWith("about "));
    }
}
