package dev.bastion.enduser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the provider learns of the end user, through a real gateway: the stub upstream records the body it received.
 * The attack: one tenant writes another tenant's user (or the identifier Bastion derived for it) into the request's
 * end-user field, to point the provider's abuse checks at that user.
 */
class EndUserGatewayTest {
    static TestGateway gw;
    static String acme, globex;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                  - id: responses
                    match: { methods: [POST], path: /v1/responses }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: responses
                  - id: embeddings
                    match: { methods: [POST], path: /v1/embeddings }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: embeddings
                  - id: asis
                    match: { methods: [POST], path: /asis/v1/chat/completions }
                    strip_prefix: /asis
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    end_user_ids: client
                  - id: messages
                    match: { methods: [POST], path: /v1/messages }
                    auth: { methods: [api_key] }
                    llm: messages
                models:
                  claude:
                    deployments: [{ upstream: app, provider: anthropic, model: claude-stub }]
                """));
        gw.upstream.behave(StubUpstream::echoJson);
        acme = gw.createKey("acme", "invoke");
        globex = gw.createKey("globex", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static String chat(JsonObject extra) {
        return new JsonObject().put("model", "gpt-4o").put("messages", List.of(new JsonObject().put("role", "user").put("content", "hi")))
                .mergeIn(extra).encode();
    }

    /** Sends and returns what the upstream received, and the request's access line. */
    static JsonObject[] sent(String path, String key, String body) throws Exception {
        HttpResponse<String> r = gw.postJson(path, key, body);
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        JsonObject line = new JsonObject(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow()));
        return new JsonObject[] {new JsonObject(gw.upstream.last().body()), line};
    }

    @Test
    void theProviderGetsAnIdentifierPerOrgAndUserNeverTheClientsValue() throws Exception {
        JsonObject[] aliceAtAcme = sent("/v1/chat/completions", acme, chat(new JsonObject().put("user", "alice@acme.example")));
        JsonObject upstream = aliceAtAcme[0];
        String id = upstream.getString("safety_identifier");
        assertThat(id).startsWith("bu_").hasSize(25);
        assertThat(upstream.containsKey("user")).as("the client's raw value is not sent").isFalse();
        assertThat(upstream.encode()).doesNotContain("alice");
        assertThat(aliceAtAcme[1].getString("end_user_id")).as("the operator's way back to the tenant").isEqualTo(id);

        // the same user again: the same identifier, whichever field the client used
        assertThat(sent("/v1/chat/completions", acme, chat(new JsonObject().put("safety_identifier", "alice@acme.example")))[0]
                .getString("safety_identifier")).isEqualTo(id);
        // the attack: another tenant claims the same user, and then the identifier Bastion derived for it
        String atGlobex = sent("/v1/chat/completions", globex, chat(new JsonObject().put("user", "alice@acme.example")))[0].getString("safety_identifier");
        assertThat(atGlobex).startsWith("bu_").isNotEqualTo(id);
        assertThat(sent("/v1/chat/completions", globex, chat(new JsonObject().put("safety_identifier", id)))[0].getString("safety_identifier"))
                .isNotEqualTo(id);
        // no user named: the caller itself (its key), still apart per org
        String acmeKey = sent("/v1/chat/completions", acme, chat(new JsonObject()))[0].getString("safety_identifier");
        assertThat(TestGateway.withoutEndUserId(gw.upstream.last().body().toString())).as("the client's bytes, one field more, not serialised again")
                .isEqualTo(chat(new JsonObject()));
        String globexKey = sent("/v1/chat/completions", globex, chat(new JsonObject()))[0].getString("safety_identifier");
        assertThat(acmeKey).startsWith("bu_").isNotEqualTo(globexKey).isNotEqualTo(id);
    }

    @Test
    void everyApiCarriesItInItsOwnField() throws Exception {
        JsonObject responses = sent("/v1/responses", acme, new JsonObject().put("model", "gpt-4o").put("input", "hi").put("user", "bob")
                .put("prompt_cache_key", "faq-v2").encode())[0];
        assertThat(responses.getString("safety_identifier")).startsWith("bu_");
        assertThat(responses.containsKey("user")).isFalse();
        assertThat(responses.getString("prompt_cache_key")).as("a cache key is kept apart per org too").startsWith("bc_").doesNotContain("faq");
        JsonObject embeddings = sent("/v1/embeddings", acme, new JsonObject().put("model", "text-embedding-3-small").put("input", "hi")
                .put("user", "bob").encode())[0];
        assertThat(embeddings.getString("user")).isEqualTo(responses.getString("safety_identifier")); // the same org and user
        assertThat(embeddings.containsKey("safety_identifier")).isFalse();

        // through the Anthropic front door to an Anthropic deployment: metadata.user_id, derived from the client's own
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude-stub")
                .put("content", List.of(new JsonObject().put("type", "text").put("text", "hello")))
                .put("stop_reason", "end_turn").put("usage", new JsonObject().put("input_tokens", 3).put("output_tokens", 1)).encode()));
        try {
            JsonObject anthropic = sent("/v1/messages", acme, new JsonObject().put("model", "claude").put("max_tokens", 10)
                    .put("messages", List.of(new JsonObject().put("role", "user").put("content", "hi")))
                    .put("metadata", new JsonObject().put("user_id", "bob")).encode())[0];
            assertThat(anthropic.getJsonObject("metadata").getString("user_id")).isEqualTo(responses.getString("safety_identifier"));
        } finally {
            gw.upstream.behave(StubUpstream::echoJson);
        }
    }

    @Test
    void aRouteCanPassTheClientsValueAsItIs() throws Exception {
        JsonObject[] r = sent("/asis/v1/chat/completions", acme, chat(new JsonObject().put("user", "alice")));
        assertThat(r[0].getString("user")).isEqualTo("alice");
        assertThat(r[0].containsKey("safety_identifier")).isFalse();
        assertThat(r[1].containsKey("end_user_id")).isFalse();
    }
}
