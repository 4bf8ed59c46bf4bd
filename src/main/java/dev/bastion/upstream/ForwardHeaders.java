package dev.bastion.upstream;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross Bastion, in each direction (Z4, U2). Toward the upstream: the client's
 * credentials and every identity header a client could forge are removed, then Bastion's own identity
 * headers and the upstream's key are set. Toward the client: hop-by-hop headers and the upstream's
 * software banners are removed.
 */
public final class ForwardHeaders {
    /** RFC 9110 §7.6.1 connection-specific headers; never forwarded in either direction. */
    static final Set<String> HOP_BY_HOP = caseInsensitive("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    /** Client credentials: the upstream gets Bastion's identity headers and its own key instead. */
    static final Set<String> CLIENT_CREDENTIALS = caseInsensitive("authorization", "x-api-key", "api-key", "cookie");

    /** Identity and routing headers a client could forge to impersonate a user, tenant or proxy. */
    static final Set<String> FORGEABLE = caseInsensitive("x-user-id", "x-org-id", "x-tenant-id", "x-forwarded-for",
            "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded", "x-request-id",
            "x-original-url", "x-rewrite-url");

    static final Set<String> RESPONSE_BANNERS = caseInsensitive("server", "x-powered-by");

    /** Not forwarded upstream: Bastion sets its own or frames the body itself. */
    static final Set<String> REPLACED = caseInsensitive("host", "content-length", "expect");

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
            if (HOP_BY_HOP.contains(name) || CLIENT_CREDENTIALS.contains(name) || FORGEABLE.contains(name) || REPLACED.contains(name)
                    || name.regionMatches(true, 0, "x-bastion-", 0, 10) || connectionListed.contains(name)) {
                continue;
            }
            out.add(name, h.getValue());
        }
        out.set("Host", authority);
        out.set("X-Request-Id", ex.requestId());
        out.set("X-Forwarded-For", ex.clientIp());
        out.set("X-Forwarded-Proto", inboundTls ? "https" : "http");
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

    /** Copies an upstream response's headers that may reach the client. */
    public static void toClient(MultiMap upstream, MultiMap out) {
        Set<String> connectionListed = connectionListed(upstream);
        for (Map.Entry<String, String> h : upstream) {
            String name = h.getKey();
            if (HOP_BY_HOP.contains(name) || connectionListed.contains(name) || RESPONSE_BANNERS.contains(name)) continue;
            out.add(name, h.getValue());
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
        s.addAll(java.util.List.of(names));
        return java.util.Collections.unmodifiableSet(s);
    }
}
