package dev.bastion.egress;

import java.net.URI;
import java.util.Objects;

/**
 * Where an outbound call goes: scheme, host and port, taken from config once and never from a request.
 * Every outbound connection Bastion opens is to a {@code Destination} handed to the
 * {@link OutboundConnector}, so the connector is the one place that decides whether and how to reach it.
 *
 * @param host lower case; an IP literal or a DNS name
 */
public record Destination(boolean tls, String host, int port) {
    public Destination {
        Objects.requireNonNull(host, "host");
        host = canonicalHost(host);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
    }

    /** The scheme, host and port of an {@code http(s)} URL (the default port when it names none), read as browsers read it. */
    public static Destination of(URI url) {
        return of(url.toString());
    }

    /** As {@link #of(URI)}: {@code http://127.1/} is 127.0.0.1, {@code http://127.0.0.1\\@1.1.1.1/} is 127.0.0.1. */
    public static Destination of(String url) {
        WhatwgUrl u = WhatwgUrl.parse(url);
        if (!u.scheme().equals("http") && !u.scheme().equals("https")) {
            throw new IllegalArgumentException("scheme '" + u.scheme() + "' (expected: http or https)");
        }
        // Credentials in an outbound URL are where parsers disagree about the host; none of Bastion's calls needs them.
        if (u.userinfo()) throw new IllegalArgumentException("credentials in an outbound URL are refused");
        boolean tls = u.scheme().equals("https");
        return new Destination(tls, u.host().serialize(), u.port() != -1 ? u.port() : tls ? 443 : 80);
    }

    /** A host as the URL Standard spells it: IPv4 dotted, IPv6 compressed without brackets, names in lower-case ASCII. */
    static String canonicalHost(String host) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        String s = WhatwgUrl.parseHost(h, false).serialize();
        return s.startsWith("[") ? s.substring(1, s.length() - 1) : s;
    }

    /** {@code host[:port]} for a {@code Host} header: the port only when it is not the scheme's default. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + authority();
    }
}
