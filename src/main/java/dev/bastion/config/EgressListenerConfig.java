package dev.bastion.config;

/**
 * The egress proxy listener ({@code listeners.egress}): the HTTP(S) proxy the applications and workers behind
 * Bastion use for their own outbound calls (docs/egress.md, "Proxy mode"). Its ACLs are {@code egress.proxy}.
 *
 * @param enabled default false
 * @param host    default {@code 127.0.0.1}; a sidecar's apps reach it on loopback, workers elsewhere need an interface address
 * @param port    default 3128; 0 picks a free port
 */
public record EgressListenerConfig(Boolean enabled, String host, Integer port) {
    public EgressListenerConfig {
        enabled = enabled != null && enabled;
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 3128 : port;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
}
