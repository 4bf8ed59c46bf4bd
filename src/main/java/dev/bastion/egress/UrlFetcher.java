package dev.bastion.egress;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fetches a URL someone else chose — a fetch route's caller, an image in a prompt — hop by hop (S1): the first URL and
 * each redirect are held to the {@link Rules}' schemes, ports and domains, then to their address gate when connecting.
 * The gate judges the addresses the connector dials, from the one lookup it makes, so a name that answers differently a
 * moment later (DNS rebinding) gains nothing, and a redirect to an internal address is refused like a first URL. The
 * answer must be 2xx, of an allowed content type and within the size, all before one deadline; it is read in full
 * before the future completes, so a refusal is always clean. Runs on the caller's event loop.
 */
public final class UrlFetcher {
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    public static final int MAX_URL_CHARS = 8192;

    /**
     * What a fetch may reach and accept.
     *
     * @param schemes      lower-case schemes fetched ({@code http}, {@code https})
     * @param domains      hosts fetched; empty: any host the gate allows
     * @param denyDomains  hosts never fetched; a match wins over {@code domains}
     * @param ports        ports fetched; null: any
     * @param contentTypes media types answered, exact or {@code type/*}
     * @param maxBytes     the largest body, declared or streamed
     * @param maxRedirects redirects followed, each checked like the first URL
     * @param timeout      the whole fetch, redirects included
     * @param gate         which addresses a host may have (a policy that trusts no configured host: the URL is not Bastion's choice)
     */
    public record Rules(List<String> schemes, List<DomainPattern> domains, List<DomainPattern> denyDomains, List<Integer> ports,
                        List<String> contentTypes, long maxBytes, int maxRedirects, Duration timeout, OutboundConnector.AddressGate gate) {}

    /**
     * Why nothing was fetched: what the caller answers ({@code status}, {@code code}, {@code message} — never the URL)
     * and a short reason for the audit trail.
     */
    public record Failure(int status, String code, String message, String reason) {}

    /**
     * A fetch's outcome: the body, or the failure; with the last hop's host and port (null, 0 before any), its status,
     * the redirects followed and the body bytes read.
     */
    public record Result(Failure failure, URI url, String contentType, Buffer body, String host, int port, int status, int redirects, long bytes) {
        public boolean fetched() {
            return failure == null;
        }

        /** The media type of {@link #contentType}, lower case, without parameters. */
        public String mediaType() {
            return UrlFetcher.mediaType(contentType);
        }
    }

    private final Vertx vertx;
    private final OutboundConnector connector;
    private final ClientProfile profile;

    public UrlFetcher(Vertx vertx, OutboundConnector connector, ClientProfile profile) {
        this.vertx = vertx;
        this.connector = connector;
        this.profile = profile;
    }

    /** Fetches {@code url} under {@code rules}; the future never fails (a failure is a {@link Result} without a body). */
    public Future<Result> fetch(String url, Rules rules) {
        return new Fetch(rules).start(url);
    }

    /** One fetch: its hops, its deadline, its outcome. */
    private final class Fetch {
        private final Rules rules;
        private final Promise<Result> done = Promise.promise();
        private HttpClientRequest current;
        private String host;
        private int port;
        private int status;
        private int redirects;
        private long bytes;
        private long timer = -1;

        Fetch(Rules rules) {
            this.rules = rules;
        }

        Future<Result> start(String url) {
            timer = vertx.setTimer(rules.timeout().toMillis(), t -> {
                timer = -1;
                fail(504, "fetch_timeout", "The URL did not answer in time.", "timeout");
                if (current != null) current.reset();
            });
            hop(url);
            return done.future();
        }

        private void hop(String url) {
            status = 0; // a hop that fails before it is answered has no status of its own
            Target target;
            try {
                target = check(url, rules);
            } catch (Refused r) {
                fail(r.failure);
                return;
            }
            host = target.to.host();
            port = target.to.port();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(target.requestTarget)
                    .putHeader("Accept", String.join(", ", rules.contentTypes()))
                    .putHeader("Accept-Encoding", "identity") // the size then counts what travels, and no inflation bomb
                    .putHeader("User-Agent", "Bastion-Fetch/1");
            connector.request(target.to, profile, options, rules.gate()).onComplete(opened -> {
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
            status = resp.statusCode();
            String location = resp.getHeader("Location");
            if (REDIRECTS.contains(status) && location != null) {
                current.reset(); // the redirect's body is not wanted
                if (redirects >= rules.maxRedirects()) {
                    fail(502, "fetch_too_many_redirects", "The URL redirected more than " + rules.maxRedirects() + " times.", "redirects");
                    return;
                }
                String next;
                try {
                    next = target.url.resolve(new URI(location.strip())).toString();
                } catch (URISyntaxException | IllegalArgumentException e) {
                    fail(502, "fetch_failed", "The URL redirected to an unusable location.", "bad_redirect");
                    return;
                }
                redirects++;
                hop(next);
                return;
            }
            if (status < 200 || status > 299) {
                fail(502, "fetch_status", "The URL answered with status " + status + ".", "status");
                current.reset();
                return;
            }
            String type = mediaType(resp.getHeader("Content-Type"));
            if (type == null || !typeAllowed(type, rules.contentTypes())) {
                fail(502, "fetch_content_type", type == null ? "The URL's answer has no usable content type."
                        : "The URL's content type " + type + " is not allowed here.", "content_type");
                current.reset();
                return;
            }
            long max = rules.maxBytes();
            String length = resp.getHeader("Content-Length");
            if (length != null && declaredTooLarge(length, max)) {
                tooLarge();
                current.reset();
                return;
            }
            Buffer body = Buffer.buffer();
            resp.handler(chunk -> {
                if (done.future().isComplete()) return;
                bytes += chunk.length();
                if (bytes > max) {
                    tooLarge();
                    current.reset();
                    return;
                }
                body.appendBuffer(chunk);
            });
            resp.exceptionHandler(this::failed);
            resp.endHandler(v -> {
                if (done.future().isComplete()) return;
                finish(new Result(null, target.url, resp.getHeader("Content-Type").strip(), body, host, port, status, redirects, bytes));
            });
        }

        private void tooLarge() {
            fail(502, "fetch_too_large", "The URL's answer is larger than " + rules.maxBytes() + " bytes.", "too_large");
        }

        private void failed(Throwable t) {
            if (t instanceof EgressDenied denied) {
                fail(403, "egress_denied", "The URL's address is not allowed (" + denied.addressClass().label() + ").",
                        "egress_denied:" + denied.addressClass().label());
            } else if (t instanceof io.netty.channel.ConnectTimeoutException) {
                fail(504, "fetch_timeout", "The URL did not answer in time.", "timeout");
            } else {
                fail(502, "fetch_failed", "The URL could not be fetched.", "failed");
            }
        }

        private void fail(int status, String code, String message, String reason) {
            fail(new Failure(status, code, message, reason));
        }

        private void fail(Failure failure) {
            finish(new Result(failure, null, null, null, host, port, status, redirects, bytes));
        }

        private void finish(Result result) {
            if (done.future().isComplete()) return;
            if (timer >= 0) vertx.cancelTimer(timer);
            done.complete(result);
        }
    }

    /** A checked hop: its URL, where to connect, and the request target to send. */
    private record Target(URI url, Destination to, String requestTarget) {}

    /** Holds {@code url} to the rules' lists; the gate then judges its addresses when connecting. */
    private static Target check(String url, Rules rules) {
        WhatwgUrl parsed;
        URI uri;
        try {
            if (url.length() > MAX_URL_CHARS) throw new IllegalArgumentException("too long");
            parsed = WhatwgUrl.parse(url);
            uri = new URI(url);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new Refused(400, "invalid_url", "The url is not a valid absolute URL.");
        }
        if (!rules.schemes().contains(parsed.scheme())) {
            throw new Refused(403, "fetch_scheme_not_allowed", "Only " + String.join(", ", rules.schemes()) + " URLs are fetched here.");
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
        if (DomainPattern.any(rules.denyDomains(), host) || !rules.domains().isEmpty() && !DomainPattern.any(rules.domains(), host)) {
            throw new Refused(403, "fetch_domain_not_allowed", "The URL's host is not one this route fetches from.");
        }
        if (rules.ports() != null && !rules.ports().contains(to.port())) {
            throw new Refused(403, "fetch_port_not_allowed", "The URL's port is not one this route fetches from.");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new Target(uri, to, path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean typeAllowed(String type, List<String> allowed) {
        for (String a : allowed) {
            if (a.endsWith("/*") ? type.startsWith(a.substring(0, a.length() - 1)) : type.equals(a)) return true;
        }
        return false;
    }

    /** The media type of a {@code Content-Type} value, lower case, without parameters; null when unusable. */
    public static String mediaType(String header) {
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
        final Failure failure;

        Refused(int status, String code, String message) {
            super(code, null, false, false);
            this.failure = new Failure(status, code, message, code);
        }
    }
}
