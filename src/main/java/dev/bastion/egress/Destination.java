package dev.bastion.egress;

import java.net.URI;
import java.util.Locale;
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
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
    }

    /** The scheme, host and port of an {@code http(s)} URL (the default port when it names none). */
    public static Destination of(URI url) {
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("scheme '" + scheme + "' (expected: http or https)");
        }
        if (url.getHost() == null) throw new IllegalArgumentException("no host in '" + url + "'");
        boolean tls = "https".equalsIgnoreCase(scheme);
        String host = url.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1); // IPv6 literal
        return new Destination(tls, host, url.getPort() != -1 ? url.getPort() : tls ? 443 : 80);
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
