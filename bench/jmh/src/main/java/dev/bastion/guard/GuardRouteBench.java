package dev.bastion.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Verdict;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.llm.TokenCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The guardrails as a guarded route runs them on every exchange, with bench/full.sh's policy (PII redact,
 * secrets block, injection flag 0.5 / block 0.95, the answer inspected): {@code request} is
 * {@link GuardControl#check} on a fresh exchange (the body's one parse included, as the first control to
 * read it pays it), {@code answer} is {@link AnswerGuard} on a whole JSON completion (headers with its
 * Content-Length, one chunk, end; the answer's parse included). Texts: {@code chat} is bench/e2e.sh's and bench/full.sh's 637-byte
 * chat POST and bench/full.sh's canned completion; {@code prose} a longer conversation (a 2.4 KB incident
 * question, a 1.6 KB answer) of the kind support and engineering chats carry. Neither holds an entity,
 * as most traffic does not: the cost measured is looking. Baseline: parsing the request body with Jackson,
 * which {@code request} includes; in a gateway both parses are shared with other controls (the budget, the
 * usage meter), so {@code request - jsonParse} and {@code answer - jsonParseAnswer} are the guardrails' own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardRouteBench {
    static final String CHAT_REQUEST = "{\"model\":\"mock-gpt-small\",\"temperature\":0.2,\"max_tokens\":256,\"messages\":[{\"role\":\"system\",\"content\":\"You are a "
            + "concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so "
            + "plainly when you are not sure.\"},{\"role\":\"user\",\"content\":\"Our service returns intermittent 502 errors from the load balancer during "
            + "deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys graceful for "
            + "in-flight requests?\"}],\"user\":\"bench-user-0001\",\"metadata\":{\"team\":\"platform\",\"ticket\":\"OPS-4821\",\"env\":\"staging\"}}";
    static final String CHAT_ANSWER = "{\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion\",\"created\":1764979200,\"model\":\"mock-gpt-small\","
            + "\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The usual cause is the load "
            + "balancer still sending requests to a replica that is shutting down. Check connection draining (the deregistration delay) on the upstream pool "
            + "first: make it longer than your slowest request, and have each replica fail its readiness check before it stops accepting connections.\"},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":109,\"completion_tokens\":52,\"total_tokens\":161}}";

    static final String PROSE_QUESTION = """
            Since Tuesday's release (v2.14.3) our checkout service has been timing out for roughly 3% of requests between 09:00 and 11:30 UTC. \
            The service runs six replicas on Kubernetes 1.29 behind an NGINX ingress; each replica keeps a pool of 40 connections to PostgreSQL 15 \
            through PgBouncer in transaction mode. During the slow window the p99 latency of the /api/orders endpoint goes from 180 ms to well over \
            4 seconds, and the ingress logs show upstream timeouts rather than errors from the application itself.

            What we have checked so far: CPU on the replicas stays below 60%, memory is flat, and garbage collection pauses are short (under 20 ms). \
            The database host looks healthy too, but pg_stat_activity shows many sessions "idle in transaction" at the worst moments, and PgBouncer \
            reports clients waiting for a server connection. The release changed how we load the shopping cart: instead of one query we now run a \
            query per item inside a transaction, and we added a call to the pricing service in the middle of that transaction, to apply discounts.

            Could the call to the pricing service keep transactions open long enough to exhaust the pool? If so, what is the cleanest fix: moving \
            the call out of the transaction, raising the pool size, or setting a statement timeout? We would also like to know which metrics to add \
            to the dashboard so that we notice this kind of regression before customers do, and whether a canary deployment would have caught it. \
            Please answer step by step and mention any trade-offs we should discuss with the team before the next release on Friday.""";
    static final String PROSE_ANSWER = """
            Yes, that is the most likely cause. In transaction mode PgBouncer gives a client a server connection for the whole transaction, so \
            every request that waits on the pricing service inside a transaction holds one of your connections while doing nothing. When the \
            pricing service slows down in the morning peak, transactions stay open for hundreds of milliseconds, the pool runs dry, and new \
            requests queue in PgBouncer until the ingress gives up.

            1. Move the pricing call out of the transaction: fetch the prices first, then open the transaction, load the cart in one query and \
            write the order. This is the real fix, because it makes the time a connection is held independent of another service.
            2. Replace the query per item with a single query; it shortens every transaction and removes most round trips.
            3. Set idle_in_transaction_session_timeout and a statement timeout as a safety net, not as the fix: they turn a slow dependency \
            into fast errors, which is better than timeouts at the ingress but still fails requests.
            4. Raising the pool size only moves the limit; the database has to serve all those connections too.

            For the dashboard, add PgBouncer's waiting clients and average wait time, the number of sessions idle in transaction, and the \
            latency of the pricing service as seen from checkout. A canary would have caught it only if it ran during the morning peak and \
            compared these metrics with the old version, so make the canary analysis use them.""";

    @Param({"chat", "prose"})
    String text;

    final ObjectMapper json = new ObjectMapper();
    byte[] request;
    byte[] answer;
    String answerLength;
    Guard guard;
    GuardControl control;

    @Setup
    public void setUp() {
        if (text.equals("chat")) {
            request = CHAT_REQUEST.getBytes(StandardCharsets.UTF_8);
            answer = CHAT_ANSWER.getBytes(StandardCharsets.UTF_8);
        } else {
            var body = json.createObjectNode().put("model", "mock-gpt-small");
            var messages = body.putArray("messages");
            messages.addObject().put("role", "system").put("content", "You are a senior site reliability engineer. Answer precisely and say when you are unsure.");
            messages.addObject().put("role", "user").put("content", PROSE_QUESTION);
            request = body.toString().getBytes(StandardCharsets.UTF_8);
            var completion = json.createObjectNode().put("id", "chatcmpl-bench0002").put("object", "chat.completion").put("model", "mock-gpt-small");
            completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                    .putObject("message").put("role", "assistant").put("content", PROSE_ANSWER);
            answer = completion.toString().getBytes(StandardCharsets.UTF_8);
        }
        answerLength = Integer.toString(answer.length);
        dev.bastion.secrets.LogRedactor.global().add("sk-proj-bench0000000000000000000000000000000000000000");
        dev.bastion.secrets.LogRedactor.global().add("sk-ant-api03-bench000000000000000000000000000000000000");
        guard = Guard.of(new GuardPolicy(null, null, null, new GuardPolicy.Injection(0.5, 0.95), null));
        GuardDecisions decisions = new GuardDecisions((event, fields) -> {}, new GuardDecisions.Meters(new SimpleMeterRegistry()), "full", false);
        control = new GuardControl("full", LlmApi.CHAT, identity -> guard, decisions, new TokenCounter());
        if (!(request().result() instanceof Verdict.Allow) || !Buffer.buffer(answer).equals(answer())) {
            throw new IllegalStateException("the benchmark texts must pass the guard unchanged");
        }
    }

    /** The baseline: parsing the request body with Jackson, which any body-reading control pays. */
    @Benchmark
    public Object jsonParse() throws java.io.IOException {
        return json.readTree(request);
    }

    /** Parsing the answer body, which {@code answer} includes (in a gateway the usage meter's parse is shared): subtract it for the guard's own cost. */
    @Benchmark
    public Object jsonParseAnswer() throws java.io.IOException {
        return json.readTree(answer);
    }

    @Benchmark
    public io.vertx.core.Future<Verdict> request() {
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/v1/chat/completions").body(Buffer.buffer(request)).build();
        return control.check(ex);
    }

    @Benchmark
    public Buffer answer() {
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/v1/chat/completions").build();
        AnswerGuard filter = new AnswerGuard(ex, LlmApi.CHAT, guard, new Pseudonyms());
        filter.onHeaders(200, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("Content-Length", answerLength));
        filter.onChunk(Buffer.buffer(answer));
        return filter.onEnd();
    }

    /**
     * What every answer pays for K3 on the way back ({@code EchoedSecrets}): its headers scanned for the process's
     * secret values (two provider keys here), a success's body passed unread.
     */
    @Benchmark
    public Buffer echoedSecrets() {
        dev.bastion.secrets.EchoedSecrets filter = new dev.bastion.secrets.EchoedSecrets(dev.bastion.secrets.LogRedactor.global());
        filter.onHeaders(200, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("Content-Length", answerLength)
                .add("Date", "Mon, 07 Dec 2026 16:00:00 GMT").add("X-Request-Id", "req_8f3a2c1b9d7e4f60").add("openai-processing-ms", "412")
                .add("x-ratelimit-remaining-tokens", "149990").add("Server", "cloudflare").add("CF-RAY", "8f3a2c1b9d7e4f60-FRA"));
        Buffer out = filter.onChunk(Buffer.buffer(answer));
        filter.onEnd();
        return out;
    }
}
