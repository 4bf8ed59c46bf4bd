package dev.bastion.fetch;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.FetchConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.DomainPattern;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.egress.UrlFetcher;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches a URL its caller names ({@code GET …?url=} or {@code POST {"url": …}}) and answers with the body
 * (S1: link previews, "import from URL"). The URL is the attacker's choice, so every hop — the first and
 * each redirect — is held to the route's scheme, port and domain lists and then to the egress policy with
 * <em>no</em> trusted hosts: an upstream's private address is as closed to a fetch as the metadata service.
 * The answer must be 2xx, of an allowed content type and within {@code max_bytes}, all before the whole
 * {@code timeout}; it is read in full before anything is answered, so a refusal is always a clean error.
 */
public final class FetchEndpoint implements LocalEndpoint {
    /** One pool per event loop for every fetch route: connections to arbitrary hosts are not worth keeping long. */
    private static final ClientProfile PROFILE = new ClientProfile("fetch", Duration.ofSeconds(5), 16, Duration.ofSeconds(10), 16 * 1024, false);
    private static final int MAX_URL_CHARS = UrlFetcher.MAX_URL_CHARS;

    private final UrlFetcher fetcher;
    private final UrlFetcher.Rules rules;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final String routeId;

    public FetchEndpoint(Vertx vertx, OutboundConnector connector, String routeId, FetchConfig config, AuditLog audit, MeterRegistry registry) {
        this.fetcher = new UrlFetcher(vertx, connector, PROFILE);
        this.routeId = routeId;
        // Nothing the config names is trusted here: a client-named URL reaches public addresses and listed ranges only.
        this.rules = new UrlFetcher.Rules(config.schemes(), config.domains().stream().map(DomainPattern::parse).toList(),
                config.denyDomains().stream().map(DomainPattern::parse).toList(), config.ports(), config.contentTypes(), config.maxBytes().bytes(),
                config.maxRedirects(), config.timeout(), EgressPolicy.of(List.of(), config.allowPrivateRanges()));
        this.audit = audit;
        this.registry = registry;
    }

    @Override
    public Future<Verdict> handle(Exchange ex) {
        String url;
        try {
            url = requestedUrl(ex);
        } catch (Refused r) {
            return Future.succeededFuture(r.deny);
        }
        long started = System.nanoTime();
        return fetcher.fetch(url, rules).map(r -> answer(ex, started, r));
    }

    /** The URL from {@code ?url=} (GET) or {@code {"url": …}} (POST). */
    private static String requestedUrl(Exchange ex) {
        String url;
        if (ex.method() == HttpMethod.POST) {
            JsonObject body;
            try {
                body = ex.body() == null || ex.body().length() == 0 ? null : new JsonObject(ex.body());
            } catch (DecodeException | ClassCastException e) {
                throw new Refused(400, "invalid_request", "The body must be a JSON object with a url field.");
            }
            Object u = body == null ? null : body.getValue("url");
            if (!(u instanceof String s)) throw new Refused(400, "invalid_request", "The body must be a JSON object with a url field.");
            url = s;
        } else {
            List<String> values = ex.rawQuery() == null ? null
                    : new QueryStringDecoder("?" + ex.rawQuery(), StandardCharsets.UTF_8).parameters().get("url");
            if (values == null || values.size() != 1) throw new Refused(400, "invalid_request", "Name the URL to fetch once, as ?url=.");
            url = values.getFirst();
        }
        if (url.isBlank() || url.length() > MAX_URL_CHARS) throw new Refused(400, "invalid_url", "The url is empty or too long.");
        return url;
    }

    /** Answers with what was fetched, or the refusal; records who fetched which host and how it went. */
    private Verdict answer(Exchange ex, long started, UrlFetcher.Result r) {
        Verdict outcome;
        if (r.fetched()) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            headers.add(Map.entry("Content-Type", r.contentType()));
            headers.add(Map.entry("X-Content-Type-Options", "nosniff"));
            // Whatever came back is someone else's document: a browser that opens it directly runs none of it.
            headers.add(Map.entry("Content-Security-Policy", "sandbox; default-src 'none'"));
            headers.add(Map.entry("Cache-Control", "no-store"));
            headers.add(Map.entry("X-Bastion-Fetched-Url", r.url().toASCIIString()));
            outcome = new Verdict.Respond(200, headers, r.body());
        } else {
            outcome = new Verdict.Deny(r.failure().status(), r.failure().code(), r.failure().message());
        }
        Counter.builder("bastion_fetch_total").description("URL fetches by fetch routes, by outcome")
                .tag("route", routeId).tag("outcome", r.fetched() ? "fetched" : r.failure().code())
                .register(registry).increment();
        // Who fetched which host: never the path or query (a signed URL carries its credential there).
        Map<String, Object> fields = new LinkedHashMap<>();
        Identity id = ex.identity();
        fields.put("request_id", ex.requestId());
        if (ex.traceId() != null) fields.put("trace_id", ex.traceId());
        fields.put("route", routeId);
        if (id != null) {
            fields.put("caller", id.caller());
            fields.put("org", id.orgId());
        }
        if (r.host() != null) {
            fields.put("host", r.host());
            fields.put("port", r.port());
        }
        fields.put("decision", r.fetched() ? "allow" : "deny");
        fields.put("reason", r.fetched() ? "fetched" : r.failure().reason());
        if (r.status() > 0) fields.put("status", r.status());
        fields.put("redirects", r.redirects());
        fields.put("bytes", r.bytes());
        fields.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
        audit.event("egress_fetch", fields);
        return outcome;
    }

    /** A refusal decided before any connection. */
    private static final class Refused extends RuntimeException {
        final Verdict.Deny deny;

        Refused(int status, String reason, String message) {
            super(reason, null, false, false);
            this.deny = new Verdict.Deny(status, reason, message);
        }
    }
}
