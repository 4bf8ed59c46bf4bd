package dev.bastion.fetch;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.FetchConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.DomainPattern;
import dev.bastion.egress.EgressDenied;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.egress.WhatwgUrl;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_URL_CHARS = 8192;

    private final Vertx vertx;
    private final OutboundConnector connector;
    private final FetchConfig config;
    private final EgressPolicy policy;
    private final List<DomainPattern> allowed;
    private final List<DomainPattern> denied;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final String routeId;

    public FetchEndpoint(Vertx vertx, OutboundConnector connector, String routeId, FetchConfig config, AuditLog audit, MeterRegistry registry) {
        this.vertx = vertx;
        this.connector = connector;
        this.routeId = routeId;
        this.config = config;
        // Nothing the config names is trusted here: a client-named URL reaches public addresses and listed ranges only.
        this.policy = EgressPolicy.of(List.of(), config.allowPrivateRanges());
        this.allowed = config.domains().stream().map(DomainPattern::parse).toList();
        this.denied = config.denyDomains().stream().map(DomainPattern::parse).toList();
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
        return new Fetch(ex).start(url);
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

    /** One request's fetch: its hops, its deadline, its outcome. Runs on the request's event loop. */
    private final class Fetch {
        private final Exchange ex;
        private final Promise<Verdict> done = Promise.promise();
        private final long startNanos = System.nanoTime();
        private HttpClientRequest current;
        private String host;
        private int port;
        private int redirects;
        private long bytes;
        private long timer = -1;

        Fetch(Exchange ex) {
            this.ex = ex;
        }

        Future<Verdict> start(String url) {
            timer = vertx.setTimer(config.timeout().toMillis(), t -> {
                timer = -1;
                finish(new Verdict.Deny(504, "fetch_timeout", "The URL did not answer in time."), "timeout", 0);
                if (current != null) current.reset();
            });
            hop(url);
            return done.future();
        }

        private void hop(String url) {
            Target target;
            try {
                target = check(url);
            } catch (Refused r) {
                finish(r.deny, r.deny.reason(), 0);
                return;
            }
            host = target.to.host();
            port = target.to.port();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(target.requestTarget)
                    .putHeader("Accept", String.join(", ", config.contentTypes()))
                    .putHeader("Accept-Encoding", "identity") // max_bytes then counts what travels, and no inflation bomb
                    .putHeader("User-Agent", "Bastion-Fetch/1");
            connector.request(target.to, PROFILE, options, policy).onComplete(opened -> {
                if (done.future().isComplete()) {
                    if (opened.succeeded()) opened.result().reset();
                    return;
                }
                if (opened.failed()) {
                    failed(opened.cause());
                    return;
                }
                current = opened.result();
                current.send().onComplete(sent -> {
                    if (done.future().isComplete()) return;
                    if (sent.failed()) failed(sent.cause());
                    else answered(target, sent.result());
                });
            });
        }

        private void answered(Target target, HttpClientResponse resp) {
            int status = resp.statusCode();
            String location = resp.getHeader("Location");
            if (REDIRECTS.contains(status) && location != null) {
                current.reset(); // the redirect's body is not wanted
                if (redirects >= config.maxRedirects()) {
                    finish(new Verdict.Deny(502, "fetch_too_many_redirects", "The URL redirected more than " + config.maxRedirects() + " times."), "redirects", status);
                    return;
                }
                String next;
                try {
                    next = target.url.resolve(new URI(location.strip())).toString();
                } catch (URISyntaxException | IllegalArgumentException e) {
                    finish(new Verdict.Deny(502, "fetch_failed", "The URL redirected to an unusable location."), "bad_redirect", status);
                    return;
                }
                redirects++;
                hop(next);
                return;
            }
            if (status < 200 || status > 299) {
                finish(new Verdict.Deny(502, "fetch_status", "The URL answered with status " + status + "."), "status", status);
                current.reset();
                return;
            }
            String type = mediaType(resp.getHeader("Content-Type"));
            if (type == null || !typeAllowed(type)) {
                finish(new Verdict.Deny(502, "fetch_content_type", type == null ? "The URL's answer has no usable content type."
                        : "The URL's content type " + type + " is not allowed here."), "content_type", status);
                current.reset();
                return;
            }
            long max = config.maxBytes().bytes();
            String length = resp.getHeader("Content-Length");
            if (length != null && declaredTooLarge(length, max)) {
                finish(tooLarge(), "too_large", status);
                current.reset();
                return;
            }
            Buffer body = Buffer.buffer();
            resp.handler(chunk -> {
                if (done.future().isComplete()) return;
                bytes += chunk.length();
                if (bytes > max) {
                    finish(tooLarge(), "too_large", status);
                    current.reset();
                    return;
                }
                body.appendBuffer(chunk);
            });
            resp.exceptionHandler(this::failed);
            resp.endHandler(v -> {
                if (done.future().isComplete()) return;
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                headers.add(Map.entry("Content-Type", resp.getHeader("Content-Type").strip()));
                headers.add(Map.entry("X-Content-Type-Options", "nosniff"));
                // Whatever came back is someone else's document: a browser that opens it directly runs none of it.
                headers.add(Map.entry("Content-Security-Policy", "sandbox; default-src 'none'"));
                headers.add(Map.entry("Cache-Control", "no-store"));
                headers.add(Map.entry("X-Bastion-Fetched-Url", target.url.toASCIIString()));
                finish(new Verdict.Respond(200, headers, body), "fetched", status);
            });
        }

        private Verdict.Deny tooLarge() {
            return new Verdict.Deny(502, "fetch_too_large", "The URL's answer is larger than " + config.maxBytes().bytes() + " bytes.");
        }

        private void failed(Throwable t) {
            if (t instanceof EgressDenied denied) {
                finish(new Verdict.Deny(403, "egress_denied", "The URL's address is not allowed (" + denied.addressClass().label() + ")."),
                        "egress_denied:" + denied.addressClass().label(), 0);
            } else if (t instanceof io.netty.channel.ConnectTimeoutException) {
                finish(new Verdict.Deny(504, "fetch_timeout", "The URL did not answer in time."), "timeout", 0);
            } else {
                finish(new Verdict.Deny(502, "fetch_failed", "The URL could not be fetched."), "failed", 0);
            }
        }

        private void finish(Verdict outcome, String reason, int status) {
            if (done.future().isComplete()) return;
            if (timer >= 0) vertx.cancelTimer(timer);
            String decision = outcome instanceof Verdict.Respond ? "allow" : "deny";
            Counter.builder("bastion_fetch_total").description("URL fetches by fetch routes, by outcome")
                    .tag("route", routeId).tag("outcome", outcome instanceof Verdict.Deny d ? d.reason() : "fetched")
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
            if (host != null) {
                fields.put("host", host);
                fields.put("port", port);
            }
            fields.put("decision", decision);
            fields.put("reason", reason);
            if (status > 0) fields.put("status", status);
            fields.put("redirects", redirects);
            fields.put("bytes", bytes);
            fields.put("duration_ms", (System.nanoTime() - startNanos) / 1_000_000);
            audit.event("egress_fetch", fields);
            done.complete(outcome);
        }
    }

    /** A checked hop: its URL, where to connect, and the request target to send. */
    private record Target(URI url, Destination to, String requestTarget) {}

    /** Holds {@code url} to the route's lists; the egress policy then judges its addresses when connecting. */
    private Target check(String url) {
        WhatwgUrl parsed;
        URI uri;
        try {
            parsed = WhatwgUrl.parse(url);
            uri = new URI(url);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new Refused(400, "invalid_url", "The url is not a valid absolute URL.");
        }
        if (!config.schemes().contains(parsed.scheme())) {
            throw new Refused(403, "fetch_scheme_not_allowed", "Only " + String.join(", ", config.schemes()) + " URLs are fetched here.");
        }
        if (parsed.userinfo() || uri.getRawUserInfo() != null) throw new Refused(400, "invalid_url", "URLs with credentials are not fetched.");
        Destination to;
        try {
            to = Destination.of(url);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "invalid_url", "The url is not a valid absolute URL.");
        }
        // Two parsers must agree on the host, or the one that picks the path could be reading another URL.
        if (uri.getHost() != null && !DomainPattern.canonical(stripBrackets(uri.getHost())).equals(DomainPattern.canonical(to.host()))) {
            throw new Refused(400, "invalid_url", "The url is ambiguous.");
        }
        String host = DomainPattern.canonical(to.host());
        if (DomainPattern.any(denied, host) || !allowed.isEmpty() && !DomainPattern.any(allowed, host)) {
            throw new Refused(403, "fetch_domain_not_allowed", "The URL's host is not one this route fetches from.");
        }
        if (!config.ports().contains(to.port())) throw new Refused(403, "fetch_port_not_allowed", "The URL's port is not one this route fetches from.");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new Target(uri, to, path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private boolean typeAllowed(String type) {
        for (String allowedType : config.contentTypes()) {
            if (allowedType.endsWith("/*") ? type.startsWith(allowedType.substring(0, allowedType.length() - 1)) : type.equals(allowedType)) return true;
        }
        return false;
    }

    /** The media type of a {@code Content-Type} value, lower case, without parameters; null when unusable. */
    static String mediaType(String header) {
        if (header == null) return null;
        int semi = header.indexOf(';');
        String t = (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return MEDIA_TYPE.matcher(t).matches() ? t : null;
    }

    private static boolean declaredTooLarge(String length, long max) {
        try {
            return Long.parseLong(length.strip()) > max;
        } catch (NumberFormatException e) {
            return true; // a length nobody can read is not trusted to be small
        }
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
