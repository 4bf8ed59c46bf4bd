package dev.bastion.server;

import dev.bastion.authn.AuthenticateControl;
import dev.bastion.chain.ErrorBody;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.EgressProxyConfig;
import dev.bastion.edge.RequestIds;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.EgressDenied;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.egress.ProxyAcl;
import dev.bastion.egress.WhatwgUrl;
import dev.bastion.upstream.ForwardHeaders;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress proxy (S2, S3): the HTTP(S) proxy the applications and workers behind Bastion use
 * ({@code HTTPS_PROXY=http://KEY@127.0.0.1:3128}). {@code CONNECT host:port} opens a TCP tunnel (TLS stays
 * end to end); an absolute-form request ({@code GET http://host/path}) is forwarded. Each request is
 * authenticated by the credential in {@code Proxy-Authorization} (the authenticators of the rest of Bastion),
 * judged by the caller's ACL rule ({@link ProxyAcl}: host and port first, then every address the name resolves
 * to, at connect time), connected through the {@link OutboundConnector} to exactly the address that was checked,
 * and recorded once ({@link EgressProxyRecord}). Every refusal is answered before any byte goes upstream.
 * Shared by the listener's event loops; per-connection state lives in the handlers.
 */
final class EgressProxy {
    private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);
    static final String CHALLENGE = "Basic realm=\"bastion-egress\"";

    private final OutboundConnector connector;
    private final ProxyAcl acl;
    private final AuthenticateControl authenticate;
    private final EgressProxyConfig config;
    private final ClientProfile profile;
    private final EgressProxyRecord.Sink records;

    EgressProxy(OutboundConnector connector, ProxyAcl acl, AuthenticateControl authenticate, EgressProxyConfig config, EgressProxyRecord.Sink records) {
        this.connector = connector;
        this.acl = acl;
        this.authenticate = authenticate;
        this.config = config;
        this.records = records;
        this.profile = new ClientProfile("egress_proxy", config.connectTimeout(), 64, java.time.Duration.ofSeconds(30), 16 * 1024, false);
    }

    EgressProxyConfig config() {
        return config;
    }

    /** Where a proxy request goes: the host as the URL Standard spells it, the port, and the path for absolute-form. */
    record Target(String host, int port, String pathAndQuery) {}

    /** A request the proxy refuses to read as a proxy request. */
    static final class BadTarget extends RuntimeException {
        BadTarget(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code CONNECT host:port}: the authority form, port required, nothing else. */
    static Target connectTarget(String authority) {
        if (authority == null || authority.isEmpty() || authority.contains("/") || authority.contains("@") || authority.contains("\\")) {
            throw new BadTarget("CONNECT takes host:port.");
        }
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || (authority.startsWith("[") && !authority.substring(0, colon).endsWith("]"))) {
            throw new BadTarget("CONNECT takes host:port; the port is missing.");
        }
        int port = port(authority.substring(colon + 1));
        try {
            Destination d = Destination.of("http://" + authority.substring(0, colon) + "/");
            return new Target(d.host(), port, null);
        } catch (IllegalArgumentException e) {
            throw new BadTarget("CONNECT names no valid host.");
        }
    }

    /** {@code GET http://host[:port]/path}: absolute form, http only (https goes through CONNECT), no credentials. */
    static Target absoluteTarget(String uri) {
        if (uri == null || uri.startsWith("/") || uri.equals("*")) {
            throw new BadTarget("This is an egress proxy: send CONNECT host:port, or a request in absolute form (GET http://host/path).");
        }
        WhatwgUrl url;
        try {
            url = WhatwgUrl.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new BadTarget("The request target is not a valid URL.");
        }
        if (!url.scheme().equals("http")) throw new BadTarget("Only http:// is forwarded in absolute form; use CONNECT for https.");
        if (url.userinfo()) throw new BadTarget("Credentials in the request target are refused.");
        Destination d;
        try {
            d = Destination.of(uri);
        } catch (IllegalArgumentException e) {
            throw new BadTarget("The request target names no valid host.");
        }
        // the path and query as sent: after scheme://authority, up to any fragment
        int start = uri.indexOf("//") + 2;
        int slash = -1;
        for (int i = start; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                slash = i;
                break;
            }
        }
        String rest = slash < 0 ? "/" : uri.substring(slash);
        int hash = rest.indexOf('#');
        if (hash >= 0) rest = rest.substring(0, hash);
        if (rest.startsWith("?")) rest = "/" + rest;
        if (rest.isEmpty()) rest = "/";
        return new Target(d.host(), d.port(), rest);
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) throw new BadTarget("The port is not a number.");
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) throw new BadTarget("The port is out of range.");
        return p;
    }

    /**
     * The credential in {@code Proxy-Authorization}: {@code Basic base64(user:secret)} — the secret is the password
     * when there is one ({@code http://bastion:KEY@proxy}), else the user ({@code http://KEY@proxy}, what curl,
     * Python and Node send for a key in the proxy URL) — or {@code Bearer TOKEN}. Null when there is none or it
     * cannot be read.
     */
    static String credential(String header) {
        if (header == null) return null;
        String h = header.trim();
        int sp = h.indexOf(' ');
        if (sp < 0) return null;
        String scheme = h.substring(0, sp), value = h.substring(sp + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) return value.isEmpty() ? null : value;
        if (!scheme.equalsIgnoreCase("Basic")) return null;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        String secret = password.isEmpty() ? user : password;
        return secret.isEmpty() ? null : secret;
    }

    /** Who keeps the open tunnels: told when one opens, it returns what to run when it has closed. */
    interface Tunnels {
        Runnable opened(NetSocket client, NetSocket upstream);
    }

    /**
     * One proxy request, from its first line to the record. {@code tunnelOpened} is told of each tunnel (the
     * client's socket and the destination's), so the listener can close it after {@code max_duration} and on shutdown.
     */
    void handle(HttpServerRequest req, Tunnels tunnelOpened) {
        req.pause();
        EgressProxyRecord record = new EgressProxyRecord(RequestIds.acceptOrGenerate(req.getHeader("X-Request-Id")),
                req.method() == HttpMethod.CONNECT ? "CONNECT" : req.method().name(), System.nanoTime());
        Target target;
        try {
            target = req.method() == HttpMethod.CONNECT ? connectTarget(req.uri()) : absoluteTarget(req.uri());
        } catch (BadTarget e) {
            refuse(req, record, 400, "proxy_request_invalid", e.getMessage(), "request_invalid");
            return;
        }
        record.target(target.host(), target.port());
        String credential = credential(req.getHeader("Proxy-Authorization"));
        if (credential == null) {
            refuse(req, record, 407, "proxy_credentials_missing",
                    "The egress proxy requires credentials: Proxy-Authorization: Basic (a Bastion API key as user or password) or Bearer.", "unauthenticated");
            return;
        }
        Exchange auth = Exchange.builder().requestId(record.requestId()).clientIp(req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress())
                .method(req.method()).header("Authorization", "Bearer " + credential).build();
        authenticate.check(auth).onComplete(ar -> {
            if (ar.failed() || ar.result() == null) {
                log.warn("egress proxy request {}: authentication fault: {}", record.requestId(), ar.failed() ? dev.bastion.chain.Faults.describe(ar.cause()) : "no verdict");
                refuse(req, record, 503, "service_unavailable", "Credentials cannot be checked right now.", "authentication_unavailable");
            } else if (ar.result() instanceof Verdict.Deny d) {
                int status = d.status() == 401 ? 407 : d.status();
                refuse(req, record, status, d.reason(), d.message(), "unauthenticated");
            } else {
                authorize(req, record, target, auth.identity(), tunnelOpened);
            }
        });
    }

    private void authorize(HttpServerRequest req, EgressProxyRecord record, Target target, Identity identity, Tunnels tunnelOpened) {
        Set<String> rolesAndScopes = new HashSet<>(identity.roles());
        rolesAndScopes.addAll(identity.scopes());
        ProxyAcl.Rule rule = acl.ruleFor(identity.orgId(), rolesAndScopes);
        record.caller(identity, rule);
        ProxyAcl.HostRefusal byName = rule.refusal(target.host(), target.port());
        if (byName != null) {
            if (!rule.report()) {
                refuse(req, record, 403, "egress_denied", "The egress policy refuses this destination (" + byName.label() + ").", byName.label());
                return;
            }
            record.wouldDeny(byName.label());
        }
        // Address classes are enforced in every mode (Smokescreen's address checks do not depend on the ACL's mode
        // either): a rollout must not be a window onto cloud metadata or the internal network. Report mode is about
        // names and ports.
        OutboundConnector.AddressGate gate = (host, addresses) -> rule.addressRefusal(addresses);
        if (req.method() == HttpMethod.CONNECT) tunnel(req, record, target, gate, tunnelOpened);
        else forward(req, record, target, gate);
    }

    private void tunnel(HttpServerRequest req, EgressProxyRecord record, Target target, OutboundConnector.AddressGate gate,
                        Tunnels tunnelOpened) {
        connector.tunnel(target.host(), target.port(), profile, config.idleTimeout(), gate).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(req, record, ar.cause());
                return;
            }
            NetSocket upstream = ar.result();
            record.connected();
            req.toNetSocket().onComplete(client -> {
                if (client.failed()) {
                    upstream.close();
                    record.finish(records, "client_gone");
                    return;
                }
                NetSocket downstream = client.result();
                Runnable closed = tunnelOpened.opened(downstream, upstream);
                pump(downstream, upstream, record::addUp);
                pump(upstream, downstream, record::addDown);
                boolean[] done = {false};
                Runnable closeBoth = () -> {
                    if (done[0]) return;
                    done[0] = true;
                    downstream.close();
                    upstream.close();
                    closed.run();
                    record.finish(records, "completed");
                };
                downstream.closeHandler(v -> closeBoth.run());
                upstream.closeHandler(v -> closeBoth.run());
            });
        });
    }

    private void forward(HttpServerRequest req, EgressProxyRecord record, Target target, OutboundConnector.AddressGate gate) {
        RequestOptions options = new RequestOptions().setMethod(req.method()).setURI(target.pathAndQuery())
                .setIdleTimeout(config.idleTimeout().toMillis());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        ForwardHeaders.withoutHopByHop(req.headers(), headers);
        headers.remove("Content-Length");
        // Host is the target's authority (RFC 9112 §3.2.2; the connector sets it from the destination): a Host that
        // differs from the URL would pick a virtual host at the checked address that the rule never judged
        headers.remove("Host");
        // Bastion answers the client's 100-continue itself once the destination is connected: the destination's own
        // interim answer is not relayed
        boolean expectsContinue = "100-continue".equalsIgnoreCase(req.getHeader("Expect"));
        headers.remove("Expect");
        boolean chunked = req.headers().contains("Transfer-Encoding");
        String length = req.getHeader("Content-Length");
        Destination to = new Destination(false, target.host(), target.port());
        connector.request(to, profile, options, gate).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(req, record, ar.cause());
                return;
            }
            HttpClientRequest out = ar.result();
            record.connected();
            out.headers().addAll(headers);
            if (length != null) out.putHeader("Content-Length", length);
            else if (chunked) out.setChunked(true);
            out.response().onComplete(resp -> {
                if (resp.succeeded()) {
                    relay(req, resp.result(), record);
                } else if (!req.response().headWritten()) {
                    // connected, then no answer: the request may have reached the destination, so it is the destination's failure
                    boolean timeout = resp.cause() instanceof java.util.concurrent.TimeoutException
                            || resp.cause() instanceof io.netty.handler.timeout.TimeoutException;
                    record.failed(timeout ? "destination_timeout" : "upstream_failed");
                    error(req, record, timeout ? 504 : 502, timeout ? "destination_timeout" : "destination_unreachable",
                            timeout ? "The destination did not answer in time." : "The destination closed the connection without an answer.");
                } else {
                    req.connection().close();
                    record.finish(records, "upstream_failed");
                }
            });
            if (expectsContinue) req.response().writeContinue();
            pump(req, out, record::addUp);
            req.endHandler(v -> out.end());
            req.resume();
        });
    }

    private void relay(HttpServerRequest req, HttpClientResponse in, EgressProxyRecord record) {
        HttpServerResponse out = req.response();
        out.setStatusCode(in.statusCode());
        if (in.statusMessage() != null) out.setStatusMessage(in.statusMessage());
        ForwardHeaders.withoutHopByHop(in.headers(), out.headers());
        int status = in.statusCode();
        boolean bodiless = req.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200;
        if (in.getHeader("Content-Length") == null && !bodiless) out.setChunked(true);
        out.putHeader("X-Request-Id", record.requestId());
        pump(in, out, record::addDown);
        in.exceptionHandler(t -> {
            req.connection().close();
            record.finish(records, "upstream_failed");
        });
        in.endHandler(v -> out.end().onComplete(x -> record.finish(records, "completed")));
        req.connection().closeHandler(v -> {
            if (record.finished()) return;
            in.request().connection().close(); // the client left: stop the download for nobody
            record.finish(records, "client_gone");
        });
    }

    /** Copies {@code from} to {@code to} with backpressure, counting the bytes. */
    private static void pump(ReadStream<Buffer> from, WriteStream<Buffer> to, java.util.function.LongConsumer counted) {
        from.handler(b -> {
            counted.accept(b.length());
            to.write(b);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
    }

    private void connectFailed(HttpServerRequest req, EgressProxyRecord record, Throwable t) {
        if (t instanceof EgressDenied d) {
            String reason = "address_class:" + d.addressClass().label();
            refuse(req, record, 403, "egress_denied", "The egress policy refuses this destination's address (" + d.addressClass().label() + ").", reason);
        } else if (t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
            record.failed("destination_timeout");
            error(req, record, 504, "destination_timeout", "The destination did not accept a connection in time.");
        } else if (t instanceof UnknownHostException) {
            record.failed("destination_unresolvable");
            error(req, record, 502, "destination_unresolvable", "The destination's name does not resolve.");
        } else {
            record.failed("destination_unreachable");
            error(req, record, 502, "destination_unreachable", "The destination refused or could not be reached.");
        }
    }

    /** A refusal: answered, recorded as {@code deny} with {@code reason}. */
    private void refuse(HttpServerRequest req, EgressProxyRecord record, int status, String code, String message, String reason) {
        record.denied(reason);
        error(req, record, status, code, message);
    }

    private void error(HttpServerRequest req, EgressProxyRecord record, int status, String code, String message) {
        HttpServerResponse r = req.response();
        r.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("X-Request-Id", record.requestId()).putHeader("Connection", "close");
        if (status == 407) r.putHeader("Proxy-Authenticate", CHALLENGE);
        r.end(ErrorBody.json(code, message, record.requestId())).onComplete(v -> req.connection().close());
        record.finish(records, "refused");
    }
}
