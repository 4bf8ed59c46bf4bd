package dev.bastion.upstream;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.net.HeaderNames;
import io.vertx.core.MultiMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross Bastion, in each direction (Z4, U2). Toward the upstream: the client's
 * credentials and every identity, address and routing header a client could forge are removed — under
 * every spelling a CGI-style server reads as the same name ({@link HeaderNames}) — then Bastion's own
 * identity headers and the upstream's key are set. Toward the client: hop-by-hop headers and the
 * upstream's software banners are removed. docs/configuration.md#what-is-forwarded lists the names.
 */
public final class ForwardHeaders {
    /** RFC 9110 §7.6.1 connection-specific headers; never forwarded in either direction. */
    static final Set<String> HOP_BY_HOP = caseInsensitive("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    /**
     * Client credentials: the upstream gets Bastion's identity headers and its own key instead. With them go
     * the headers that pick which provider account a key acts for (OpenAI's organization and project,
     * Google's billing project): the key is Bastion's, so a client must not choose whose quota and bill it spends.
     */
    static final Set<String> CLIENT_CREDENTIALS = caseInsensitive("authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie",
            "openai-organization", "openai-project", "x-goog-user-project");

    /**
     * Headers that proxies, load balancers and identity-aware platforms set, and the apps behind them
     * trust, to say who the user is, where the request came from, or which path, host, scheme or method
     * was meant. A client that sends them through Bastion would forge that statement; Bastion removes
     * them all and states only what it vouches for ({@code X-Forwarded-For}, {@code X-Forwarded-Proto},
     * {@code X-Bastion-*}).
     */
    static final Set<String> FORGEABLE = caseInsensitive(
            // tenancy headers apps commonly read
            "x-user-id", "x-org-id", "x-tenant-id", "x-request-id",
            // the client address, as CDNs and proxies state it (RFC 7239 Forwarded, nginx, Akamai, Cloudflare, Fastly, Azure)
            "forwarded", "x-forwarded", "x-real-ip", "x-client-ip", "x-cluster-client-ip", "true-client-ip", "cf-connecting-ip",
            "cf-connecting-ipv6", "fastly-client-ip", "x-original-forwarded-for", "x-originating-ip", "x-azure-clientip",
            "x-azure-socketip", "x-proxyuser-ip",
            // ...and as apps look for it: PHP's HTTP_CLIENT_IP, the Java "getIpAddr" idiom (Proxy-Client-IP, WebLogic's
            // WL-Proxy-Client-IP, a literal HTTP_CLIENT_IP / HTTP_X_FORWARDED_FOR header), request-ip and django-ipware
            // (Forwarded-For, X-Coming-From, App Engine, Cloudflare's pseudo IPv4), Fly.io and Vercel
            "client-ip", "proxy-client-ip", "wl-proxy-client-ip", "http-client-ip", "http-x-forwarded-for", "forwarded-for",
            "x-coming-from", "x-appengine-user-ip", "cf-pseudo-ipv4", "fly-client-ip", "x-vercel-forwarded-for",
            // the path, host, scheme or method the proxy received (IIS, nginx auth_request, Cloudflare, Azure ARR, method
            // overrides), and Next.js's internal-subrequest marker, which skips its middleware (CVE-2025-29927)
            "x-original-url", "x-rewrite-url", "x-original-uri", "x-original-host", "x-host", "x-http-host-override", "x-url-scheme",
            "x-scheme", "front-end-https", "x-arr-ssl", "cf-visitor", "x-http-method-override", "x-http-method", "x-method-override",
            "x-middleware-subrequest",
            // the user, as gateways and auth proxies state it (Cloud Endpoints, API Gateway, WSO2, Cloud Run, Kong, APISIX, oauth2-proxy)
            "x-endpoint-api-userinfo", "x-apigateway-api-userinfo", "x-jwt-assertion", "x-serverless-authorization", "x-userinfo",
            "x-id-token", "x-access-token", "gap-auth", "x-anonymous-consumer", "x-anonymous-groups",
            // the client certificate a TLS-terminating proxy verified (RFC 9440, Azure App Service, nginx conventions)
            "client-cert", "client-cert-chain", "x-arr-clientcert", "x-client-verify", "x-client-dn");

    /** Families of {@link #FORGEABLE} headers, by prefix (kept prefix-free: see {@link Prefixes}). */
    static final Prefixes FORGEABLE_PREFIXES = Prefixes.of(
            "x-bastion-", "x-forwarded-",                                 // Bastion's own; the whole X-Forwarded-* family
            "x-amzn-oidc-", "x-amzn-mtls-",                               // AWS ALB authentication and mutual TLS
            "x-ms-client-principal", "x-ms-token-",                        // Azure App Service authentication
            "x-goog-authenticated-user-", "x-goog-iap-",                   // Google Identity-Aware Proxy
            "x-auth-request-",                                             // oauth2-proxy, nginx auth_request
            "x-authenticated-", "x-consumer-", "x-credential-",            // Kong
            "x-remote-", "remote-",                                        // Kubernetes front proxy, Authelia, Apache REMOTE_USER
            "impersonate-",                                                // Kubernetes user impersonation
            "x-webauth-", "x-pomerium-", "x-authentik-", "x-vouch-",       // Grafana auth proxy, Pomerium, authentik, Vouch
            "cf-access-", "tailscale-user-",                               // Cloudflare Access, Tailscale serve
            "x-ssl-", "ssl-client-", "x-client-cert",                      // client certificates (nginx, Apache, Google LB)
            "x-envoy-", "l5d-");                                           // Envoy/Istio and Linkerd: internal, identity, routing overrides

    static final Set<String> RESPONSE_BANNERS = caseInsensitive("server", "x-powered-by");

    /** Not forwarded upstream: Bastion sets its own or frames the body itself. */
    static final Set<String> REPLACED = caseInsensitive("host", "content-length", "expect");

    /**
     * W3C trace context: the upstream gets Bastion's own ({@link Exchange#traceparent()}: the attempt's span, or
     * a trusted caller's when tracing is off), never what an untrusted client sent (docs/observability.md#trust).
     */
    static final Set<String> TRACE_CONTEXT = caseInsensitive("traceparent", "tracestate", "baggage");

    /** Every exact name kept from the upstream. */
    private static final Set<String> STRIPPED = union(HOP_BY_HOP, CLIENT_CREDENTIALS, FORGEABLE, REPLACED, TRACE_CONTEXT);

    private ForwardHeaders() {}

    /**
     * Headers for the upstream request.
     *
     * @param authority     {@code host[:port]} of the upstream
     * @param providerKey   header name → value to inject (the upstream's own credential), may be empty
     * @param inboundTls    whether the client reached Bastion over TLS
     */
    public static MultiMap toUpstream(Exchange ex, String authority, Map<String, String> providerKey, boolean inboundTls) {
        MultiMap in = ex.headers();
        Set<String> connectionListed = connectionListed(in);
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> h : in) {
            String name = h.getKey();
            if (strippedTowardUpstream(name) || connectionListed.contains(name)) continue;
            out.add(name, h.getValue());
        }
        out.set("Host", authority);
        out.set("X-Request-Id", ex.requestId());
        out.set("X-Forwarded-For", ex.clientIp());
        out.set("X-Forwarded-Proto", inboundTls ? "https" : "http");
        if (ex.traceparent() != null) {
            out.set("traceparent", ex.traceparent());
            if (ex.tracestate() != null) out.set("tracestate", ex.tracestate());
        }
        // W3C baggage is the caller's key-value claims (user ids, tenants, flags) that apps and collectors
        // read as context: passed on from a trusted caller, as tracestate is, never from anyone else.
        if (ex.traceTrusted()) for (String b : in.getAll("baggage")) out.add("baggage", b);
        Identity id = ex.identity();
        if (id != null) {
            out.set("X-Bastion-Org", id.orgId());
            // Bastion's user id for people (the same sub as in X-Bastion-Identity), else the caller's id.
            out.set("X-Bastion-Subject", id.userId() != null ? id.userId() : id.subject());
            if ("api_key".equals(id.credentialType())) out.set("X-Bastion-Key-Id", id.credentialId());
        }
        providerKey.forEach(out::set);
        return out;
    }

    /**
     * Whether a client's header is kept from the upstream: its name, or the name a CGI-style server reads
     * it as ({@code X_Forwarded_User} is {@code X-Forwarded-User} there), is one of the stripped names.
     */
    static boolean strippedTowardUpstream(String name) {
        return strippedAsSpelled(name) || (HeaderNames.hasAlternativeSpelling(name) && strippedAsSpelled(HeaderNames.canonical(name)));
    }

    private static boolean strippedAsSpelled(String name) {
        return STRIPPED.contains(name) || FORGEABLE_PREFIXES.matches(name);
    }

    /**
     * Removes the headers that describe the client's wire format ({@code anthropic-version}, {@code anthropic-beta}…)
     * from a request Bastion translated: the provider gets the format Bastion wrote, stated by the provider's own
     * headers, and a client's beta flag must not switch on features at Bastion's key that no control judged.
     */
    static void removeClientWireFormat(MultiMap headers) {
        java.util.List<String> names = new java.util.ArrayList<>(2);
        for (Map.Entry<String, String> h : headers) {
            String canonical = HeaderNames.hasAlternativeSpelling(h.getKey()) ? HeaderNames.canonical(h.getKey()) : h.getKey();
            if (canonical.regionMatches(true, 0, "anthropic-", 0, 10)) names.add(h.getKey());
        }
        names.forEach(headers::remove);
    }

    /** Copies an upstream response's headers that may reach the client. */
    public static void toClient(MultiMap upstream, MultiMap out) {
        Set<String> connectionListed = connectionListed(upstream);
        for (Map.Entry<String, String> h : upstream) {
            String name = h.getKey();
            if (HOP_BY_HOP.contains(name) || connectionListed.contains(name) || RESPONSE_BANNERS.contains(name)) continue;
            out.add(name, h.getValue());
        }
    }

    /**
     * Copies every header but the hop-by-hop ones and those {@code Connection} names, unchanged otherwise: what a
     * forward proxy passes on in either direction (the egress proxy; {@code Proxy-Authorization} is hop-by-hop).
     */
    public static void withoutHopByHop(MultiMap from, MultiMap out) {
        Set<String> connectionListed = connectionListed(from);
        for (Map.Entry<String, String> h : from) {
            if (HOP_BY_HOP.contains(h.getKey()) || connectionListed.contains(h.getKey())) continue;
            out.add(h.getKey(), h.getValue());
        }
    }

    private static Set<String> connectionListed(MultiMap headers) {
        String connection = headers.get("Connection");
        if (connection == null) return Set.of();
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String t : connection.split(",")) names.add(t.trim());
        return names;
    }

    /** A set that matches header names case-insensitively without allocating a lower-cased copy per lookup. */
    private static Set<String> caseInsensitive(String... names) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(List.of(names));
        return Collections.unmodifiableSet(s);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Set<String> part : sets) s.addAll(part);
        return Collections.unmodifiableSet(s);
    }

    /**
     * Header-name prefixes, matched case-insensitively with one ordered lookup. In a prefix-free set, the
     * only prefix that can start a name is the greatest one not after it (any prefix between the two
     * would itself start with the first), so no list is walked per header.
     */
    record Prefixes(NavigableSet<String> sorted) {
        static Prefixes of(String... prefixes) {
            TreeSet<String> sorted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            sorted.addAll(List.of(prefixes));
            String previous = null;
            for (String p : sorted) {
                // Sorted, a prefix of another sits right before an entry it starts: checking neighbours suffices.
                if (previous != null && p.regionMatches(true, 0, previous, 0, previous.length())) {
                    throw new IllegalArgumentException("'" + previous + "' is a prefix of '" + p + "' (expected: a prefix-free set)");
                }
                previous = p;
            }
            return new Prefixes(Collections.unmodifiableNavigableSet(sorted));
        }

        boolean matches(String name) {
            String candidate = sorted.floor(name);
            return candidate != null && name.regionMatches(true, 0, candidate, 0, candidate.length());
        }
    }
}
