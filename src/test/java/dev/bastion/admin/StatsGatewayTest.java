package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.Store;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's numbers through two real gateways on one store, over loopback: real traffic — allowed, refused by
 * authentication and the WAF, LLM calls plain and streamed with the provider's usage — counted per minute, flushed
 * (the hook a test uses instead of waiting for the minute to end), and read back exactly from the admin API, summed
 * over both nodes. Org admins see their own org only: another org's {@code ?org=} is the unknown-object 404 and a
 * {@code tenant.cross_attempt}; the operator endpoint refuses them (403); no credential is 401; bad parameters 400
 * without their value.
 */
class StatsGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROUTES = """
              - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
              - { id: chat, match: { methods: [POST], path: /v1/chat/completions }, upstream: llm, auth: { methods: [api_key] }, llm: chat, guard: "off" }
              - { id: routed, match: { methods: [POST], path: /m/v1/chat/completions }, strip_prefix: /m, auth: { methods: [api_key] }, llm: chat, guard: "off" }
              - { id: limited, match: { methods: [GET], path: /limited/* }, upstream: app, auth: { methods: [api_key] }, limits: [{ per: api_key, rate: 1/1m }] }
            models:
              gpt-4o: { deployments: [{ upstream: llm, model: mock-gpt-small }] }
            budgets:
              prices: { gpt-4o: { input: 2.5, output: 10 } }
              rules:
                - { id: daily, per: org, period: day, tokens: 1000000 }
                - { id: per-key, per: api_key, period: month, cost: 5 }
            waf:
              rules: { mode: block }
            """;
    static Vertx mockVertx, secondVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static Store secondStore;
    static Gateway second;
    static String operator, adminA, adminB, keyA1, keyA2, keyB;
    /** What the provider reported, per (org, key): tokens in, out, cost micros, calls. */
    static final Map<String, long[]> reported = new HashMap<>();
    static final List<String> requestIds = new ArrayList<>();
    static Instant started;

    @BeforeAll
    static void start() throws Exception {
        started = Instant.now();
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, null, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String llm = "upstreams:\n  llm: { url: \"http://127.0.0.1:" + mock.port() + "\", kind: ai }\n";
        gw = TestGateway.start(TestGateway.config(ROUTES).replace("upstreams:\n", llm));
        // a second node on the same store, with its own audit chain
        String yaml = TestGateway.config(ROUTES).replace("upstreams:\n", llm).replace("{{upstream}}", gw.upstream.url())
                .replace("{{store}}", "sqlite:" + gw.dir.resolve("bastion.db")) + "audit: { node: node-b }\n";
        BastionConfig config = new ConfigLoader().parse(yaml, "second.yaml");
        secondStore = Store.open(config.store(), new SecretResolver(Map.of()));
        secondVertx = Vertx.vertx();
        second = Gateway.start(secondVertx, config, secondStore, new SecretResolver(Map.of("PROVIDER_KEY", TestGateway.PROVIDER_KEY)), 1, line -> {})
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        for (String org : List.of("acme", "globex", "ops")) gw.store.orgs().ensure(org);
        operator = gw.createKey("ops", "admin", "operator");
        adminA = gw.createKey("acme", "admin");
        adminB = gw.createKey("globex", "admin");
        keyA1 = gw.createKeyRecord("acme", "invoke").plaintext();
        keyA2 = gw.createKey("acme", "invoke");
        keyB = gw.createKey("globex", "invoke");
        traffic();
    }

    @AfterAll
    static void stop() throws Exception {
        if (second != null) second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (secondStore != null) secondStore.close();
        if (secondVertx != null) secondVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Node A: 3 allowed, 2 WAF refusals, 2 without a key, 1 over a limit; node B: 2 allowed for acme, 1 for globex; LLM calls on both. */
    static void traffic() throws Exception {
        for (int i = 0; i < 3; i++) expect(200, api(gw.gateway, "/api/items?page=" + i, keyA1));
        expect(403, api(gw.gateway, "/api/items?q=" + enc("1 UNION/**/SELECT password FROM users"), keyA1));
        expect(403, api(gw.gateway, "/api/items?q=" + enc("<script>alert(1)</script>"), keyA1));
        expect(401, api(gw.gateway, "/api/items", null));
        expect(401, api(gw.gateway, "/api/items", "bst_wrong-key-0000000000000000000000000000"));
        for (int i = 0; i < 2; i++) expect(200, api(second, "/api/other", keyA2));
        expect(200, api(second, "/api/items", keyB));
        expect(200, api(gw.gateway, "/limited/a", keyB));
        expect(429, api(gw.gateway, "/limited/a", keyB));
        chat(gw.gateway, keyA1, "acme", false);
        chat(second, keyA1, "acme", false);
        chat(gw.gateway, keyA2, "acme", true);
        chat(second, keyB, "globex", false);
        chat(gw.gateway, "/m/v1/chat/completions", keyB, "globex", false); // through the model catalogue: a deployment
        // the record step runs just after the last byte: wait for each request's access line on node A, then write
        for (String id : requestIds) if (id.startsWith("A:")) gw.accessLine(id.substring(2));
        Thread.sleep(50); // node B's lines go nowhere; its record step is as prompt
        gw.gateway.flushStats();
        second.flushStats();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void expect(int status, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    }

    static HttpResponse<String> api(Gateway node, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.publicPort() + path)).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        return record(node, gw.send(b.build()));
    }

    static HttpResponse<String> record(Gateway node, HttpResponse<String> r) {
        requestIds.add((node == gw.gateway ? "A:" : "B:") + r.headers().firstValue("X-Request-Id").orElseThrow());
        return r;
    }

    static void chat(Gateway node, String key, String org, boolean stream) throws Exception {
        chat(node, "/v1/chat/completions", key, org, stream);
    }

    static void chat(Gateway node, String path, String key, String org, boolean stream) throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the weather\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
        HttpResponse<String> r = record(node, gw.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.publicPort() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        expect(200, r);
        JsonNode usage = null;
        if (!stream) usage = JSON.readTree(r.body()).path("usage");
        else for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"usage\"") && !JSON.readTree(line.substring(6)).path("usage").isNull()) usage = JSON.readTree(line.substring(6)).path("usage");
        }
        assertThat(usage).as("the provider's usage").isNotNull();
        long in = usage.path("prompt_tokens").asLong(), out = usage.path("completion_tokens").asLong();
        long cost = new BigDecimal("2.5").multiply(BigDecimal.valueOf(in)).add(BigDecimal.TEN.multiply(BigDecimal.valueOf(out)))
                .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        long[] sum = reported.computeIfAbsent(org + "|" + keyId(key), k -> new long[4]);
        sum[0] += in;
        sum[1] += out;
        sum[2] += cost;
        sum[3]++;
    }

    /** The key's public id, as budgets and the usage history name the caller: key:ID. */
    static String keyId(String key) {
        return "key:" + gw.store.apiKeys().findByHash(dev.bastion.authn.ApiKeys.hash(key)).orElseThrow().id();
    }

    static long[] reportedFor(String org) {
        long[] t = new long[4];
        for (Map.Entry<String, long[]> e : reported.entrySet()) {
            if (!e.getKey().startsWith(org + "|")) continue;
            for (int i = 0; i < 4; i++) t[i] += e.getValue()[i];
        }
        return t;
    }

    static String window() {
        return "from=" + started.minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS) + "&to=" + Instant.now().plus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    }

    static HttpResponse<String> admin(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        return gw.send(b.build());
    }

    static JsonNode ok(String path, String key) throws Exception {
        HttpResponse<String> r = admin(path, key);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        return JSON.readTree(r.body());
    }

    static long sum(JsonNode points, String field) {
        long n = 0;
        for (JsonNode p : points) n += p.path(field).asLong();
        return n;
    }

    static long refused(JsonNode points, String step) {
        long n = 0;
        for (JsonNode p : points) n += p.path("refused").path(step).asLong();
        return n;
    }

    @Test
    void trafficOfBothNodesIsSummedExactly() throws Exception {
        JsonNode all = ok("/admin/v1/stats/traffic?step=1h&route=api&" + window(), operator);
        assertThat(all.path("step").asText()).isEqualTo("1h");
        // node A: 3 + 2 WAF + 2 unauthenticated; node B: 2 + 1
        assertThat(sum(all.path("points"), "requests")).isEqualTo(10);
        assertThat(refused(all.path("points"), "waf")).isEqualTo(2);
        assertThat(refused(all.path("points"), "authenticate")).isEqualTo(2);
        assertThat(sum(all.path("points"), "errors")).isZero();
        JsonNode acme = ok("/admin/v1/stats/traffic?step=5m&route=api&org=acme&" + window(), operator);
        assertThat(sum(acme.path("points"), "requests")).isEqualTo(7);
        JsonNode chat = ok("/admin/v1/stats/traffic?step=1h&route=chat&" + window(), operator);
        assertThat(sum(chat.path("points"), "requests")).isEqualTo(4);
        JsonNode busy = null;
        for (JsonNode p : chat.path("points")) if (p.path("requests").asLong() > 0) busy = p;
        assertThat(busy.path("latency_ms").path("p50").asDouble()).isPositive();
        assertThat(busy.path("latency_ms").path("p99").asDouble()).isGreaterThanOrEqualTo(busy.path("latency_ms").path("p50").asDouble());
    }

    @Test
    void theHistoryHoldsNoPromptPathQueryOrKey() throws Exception {
        StringBuilder stored = new StringBuilder();
        for (var t : gw.store.stats().traffic(0, Long.MAX_VALUE, null, null)) stored.append(t).append('\n');
        for (var u : gw.store.stats().usage(0, Long.MAX_VALUE, null, null, null)) stored.append(u).append('\n');
        assertThat(stored).contains("waf").contains("gpt-4o");
        for (String secret : List.of("weather", "UNION", "script", "/api/items", "page=", keyA1, keyB, TestGateway.PROVIDER_KEY)) {
            assertThat(stored.toString()).as(secret).doesNotContain(secret);
        }
    }

    @Test
    void limitRefusalsCountUnderTheirStep() throws Exception {
        JsonNode limited = ok("/admin/v1/stats/traffic?step=1h&route=limited&org=globex&" + window(), operator);
        assertThat(sum(limited.path("points"), "requests")).isEqualTo(2);
        assertThat(refused(limited.path("points"), "rate_limit")).isEqualTo(1);
    }

    @Test
    void anOrgAdminSeesOnlyTheirOwnOrg() throws Exception {
        JsonNode own = ok("/admin/v1/stats/traffic?step=1h&route=api&" + window(), adminA);
        assertThat(own.path("org").asText()).isEqualTo("acme");
        assertThat(sum(own.path("points"), "requests")).as("acme's only, though no org was named").isEqualTo(7);
        JsonNode b = ok("/admin/v1/stats/traffic?step=1h&route=api&org=globex&" + window(), adminB);
        assertThat(sum(b.path("points"), "requests")).isEqualTo(1);
        // the attack: org B's admin asking for org A's numbers, on every org-scoped endpoint
        for (String path : List.of("/admin/v1/stats/traffic", "/admin/v1/stats/summary", "/admin/v1/usage", "/admin/v1/budgets", "/admin/v1/security/summary")) {
            HttpResponse<String> r = admin(path + "?org=acme", adminB);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("not_found");
            assertThat(r.body()).doesNotContain("acme");
        }
        Eventually.until("the attempts are audited", () -> gw.store.audit().search(new AuditRepository.Filter(null, null, null, "tenant.cross_attempt", null, null, null),
                100, true, false).stream().filter(e -> "globex".equals(e.actorOrg()) && e.fields().contains("admin_api")).count() >= 5);
    }

    @Test
    void summaryTotalsTheWindow() throws Exception {
        JsonNode s = ok("/admin/v1/stats/summary?org=acme&" + window(), operator);
        // acme: api 3 + 2 WAF + 2 on node B, chat 3
        assertThat(s.path("requests").asLong()).isEqualTo(10);
        assertThat(s.path("refused").asLong()).isEqualTo(2);
        assertThat(s.path("refused_by").path("waf").asLong()).isEqualTo(2);
        assertThat(s.path("refusal_rate").asDouble()).isEqualTo(0.2);
        assertThat(s.path("errors").asLong()).isZero();
        assertThat(s.path("active_keys").asLong()).as("two acme keys called the model").isEqualTo(2);
        assertThat(s.path("active_orgs").asLong()).isEqualTo(1);
        assertThat(s.path("latency_ms").path("p95").asDouble()).isPositive();
    }

    @Test
    void usageIsTheProvidersUsageByModelAndKeyAcrossNodes() throws Exception {
        long[] acme = reportedFor("acme");
        JsonNode byModel = ok("/admin/v1/usage?group_by=model&org=acme&" + window(), operator);
        assertThat(byModel.path("series")).hasSize(1);
        JsonNode gpt = byModel.path("series").get(0);
        assertThat(gpt.path("group").asText()).isEqualTo("gpt-4o");
        assertThat(sum(gpt.path("points"), "tokens_in")).isEqualTo(acme[0]);
        assertThat(sum(gpt.path("points"), "tokens_out")).isEqualTo(acme[1]);
        assertThat(sum(gpt.path("points"), "requests")).isEqualTo(3);
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode p : gpt.path("points")) cost = cost.add(new BigDecimal(p.path("cost").asText()));
        assertThat(cost).isEqualByComparingTo(BigDecimal.valueOf(acme[2]).movePointLeft(6));
        // by key, one group a page: both of acme's keys, in order, then no cursor
        JsonNode first = ok("/admin/v1/usage?group_by=key&limit=1&" + window(), adminA);
        assertThat(first.path("series")).hasSize(1);
        String cursor = first.path("next_cursor").asText();
        JsonNode next = ok("/admin/v1/usage?group_by=key&limit=1&cursor=" + cursor + "&" + window(), adminA);
        assertThat(next.path("series")).hasSize(1);
        assertThat(next.path("next_cursor").isNull()).isTrue();
        List<String> keys = List.of(first.path("series").get(0).path("group").asText(), next.path("series").get(0).path("group").asText());
        assertThat(keys).containsExactlyInAnyOrder(keyId(keyA1), keyId(keyA2)).isSorted();
        long calls = 0;
        for (JsonNode page : List.of(first, next)) calls += sum(page.path("series").get(0).path("points"), "requests");
        assertThat(calls).isEqualTo(3);
        assertThat(ok("/admin/v1/usage?group_by=org&" + window(), operator).path("series")).extracting(n -> n.path("group").asText())
                .containsExactly("acme", "globex");
    }

    @Test
    void budgetsShowThePeriodUsedAndTheBurnDown() throws Exception {
        long[] acme = reportedFor("acme");
        // each node writes settled usage to the store every second
        Eventually.until("both nodes' settlements are stored", () -> ok("/admin/v1/budgets", adminA).path("items").size() == 3
                && ok("/admin/v1/budgets", adminA).path("items").get(0).path("used").path("tokens").asLong() == acme[0] + acme[1]);
        JsonNode b = ok("/admin/v1/budgets", adminA);
        assertThat(b.path("org").asText()).isEqualTo("acme");
        JsonNode daily = null;
        for (JsonNode item : b.path("items")) if (item.path("rule").asText().equals("daily")) daily = item;
        assertThat(daily.path("subject").asText()).isEqualTo("org:acme");
        assertThat(daily.path("used").path("tokens").asLong()).isEqualTo(acme[0] + acme[1]);
        assertThat(daily.path("limit").path("tokens").asLong()).isEqualTo(1_000_000);
        assertThat(daily.path("percent").asDouble()).isEqualTo(Math.round((acme[0] + acme[1]) * 100.0 / 1_000_000 * 100) / 100.0);
        assertThat(daily.path("projected").path("tokens").asLong()).isGreaterThanOrEqualTo(acme[0] + acme[1]);
        JsonNode burn = daily.path("burn_down");
        assertThat(burn.get(burn.size() - 1).path("tokens").asLong()).as("cumulative, ending at what was used").isEqualTo(acme[0] + acme[1]);
        long perKey = 0;
        for (JsonNode item : b.path("items")) if (item.path("rule").asText().equals("per-key")) perKey++;
        assertThat(perKey).as("one item per acme key with usage this month").isEqualTo(2);
        // paginated: one item a page walks the same three items
        JsonNode page = ok("/admin/v1/budgets?limit=1", adminA);
        int seen = page.path("items").size();
        while (!page.path("next_cursor").isNull()) {
            page = ok("/admin/v1/budgets?limit=1&cursor=" + page.path("next_cursor").asText(), adminA);
            seen += page.path("items").size();
        }
        assertThat(seen).isEqualTo(b.path("items").size()).isEqualTo(3);
    }

    @Test
    void securitySummaryCountsDecisionsAndEventsNeverContent() throws Exception {
        HttpResponse<String> r = admin("/admin/v1/security/summary?org=acme&" + window(), operator);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("UNION").doesNotContain("script").doesNotContain("password");
        JsonNode s = JSON.readTree(r.body());
        long blocked = 0;
        for (JsonNode w : s.path("waf")) {
            assertThat(w.path("rule").asText()).matches("[0-9]+");
            assertThat(w.path("paranoia").asInt()).as("the default rule set runs paranoia level 1").isEqualTo(1);
            if (w.path("action").asText().equals("block")) blocked += w.path("count").asLong();
        }
        assertThat(blocked).as("every matched rule of the two refused requests").isGreaterThanOrEqualTo(2);
        assertThat(s.path("refused_by").path("waf").asLong()).isEqualTo(2);
        Eventually.until("the WAF's audit events are counted", () -> ok("/admin/v1/security/summary?org=acme&" + window(), operator)
                .path("events").path("waf.block").asLong() == 2);
    }

    @Test
    void upstreamsAreForOperatorsAndNameHostsNeverKeys() throws Exception {
        HttpResponse<String> r = admin("/admin/v1/upstreams?" + window(), operator);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY);
        JsonNode items = JSON.readTree(r.body()).path("items");
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode i : items) byName.put(i.path("name").asText(), i);
        assertThat(byName).containsOnlyKeys("app", "llm");
        assertThat(byName.get("llm").path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(byName.get("llm").path("requests").asLong()).as("the chat route's 4 and the deployment's 1").isEqualTo(5);
        JsonNode deployment = byName.get("llm").path("deployments").get(0);
        assertThat(deployment.path("id").asText()).isEqualTo("llm/mock-gpt-small");
        assertThat(deployment.path("breaker").asText()).isEqualTo("closed");
        assertThat(deployment.path("requests").asLong()).isEqualTo(1);
        assertThat(byName.get("app").path("requests").asLong()).as("routes api and limited").isEqualTo(12);
        assertThat(admin("/admin/v1/upstreams", adminA).statusCode()).as("an org admin").isEqualTo(403);
    }

    @Test
    void aFullWindowThatIsNotOnTheMinuteIsAnswered() throws Exception {
        // exactly a day (7 days, 1440 minutes) from a time with seconds: aligning from down adds a point, not a refusal
        assertThat(ok("/admin/v1/stats/summary?from=2026-01-01T10:15:30Z&to=2026-01-02T10:15:30Z", operator).path("requests").asLong()).isZero();
        assertThat(ok("/admin/v1/security/summary?from=2026-01-01T10:15:30Z&to=2026-01-08T10:15:30Z", operator).isObject()).isTrue();
        assertThat(ok("/admin/v1/stats/traffic?step=1m&from=2026-01-01T10:15:30Z&to=2026-01-02T10:15:30Z", operator).path("points").size()).isEqualTo(1441);
        assertThat(admin("/admin/v1/stats/summary?from=2026-01-01T10:15:30Z&to=2026-01-02T10:15:31Z", operator).statusCode()).as("a second more").isEqualTo(400);
    }

    @Test
    void refusalsAreTheOneErrorShapeAndEchoNothing() throws Exception {
        assertThat(admin("/admin/v1/stats/traffic", null).statusCode()).isEqualTo(401);
        assertThat(admin("/admin/v1/upstreams", null).statusCode()).isEqualTo(401);
        Map<String, String> bad = Map.of(
                "/admin/v1/stats/traffic?step=7m-secret", "step",
                "/admin/v1/stats/traffic?from=yesterday-secret", "from",
                "/admin/v1/stats/traffic?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z&step=1m", "step",
                "/admin/v1/stats/summary?to=2026-01-01T00:00:00%2B01:00", "to",
                "/admin/v1/usage?group_by=secret", "group_by",
                "/admin/v1/usage?cursor=%21%21secret", "cursor",
                "/admin/v1/budgets?limit=501", "limit",
                "/admin/v1/stats/traffic?step=1m&step=5m", "step",
                "/admin/v1/stats/summary?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", "from",
                "/admin/v1/security/summary?from=2026-01-01T00:00:00Z&to=2026-01-30T00:00:00Z", "from");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            HttpResponse<String> r = admin(c.getKey(), operator);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode e = JSON.readTree(r.body()).path("error");
            assertThat(e.path("code").asText()).isEqualTo("request_invalid");
            assertThat(e.path("message").asText()).as(c.getKey()).startsWith(c.getValue() + ":").doesNotContain("secret").doesNotContain("yesterday");
            assertThat(e.path("request_id").asText()).isNotEmpty();
        }
        HttpResponse<String> unknown = admin("/admin/v1/stats/traffic?secret_param=1", operator);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).doesNotContain("secret_param");
        assertThat(admin("/admin/v1/budgets", operator).statusCode()).as("an operator names the org").isEqualTo(400);
    }
}
