package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * @param publicListener the listener clients call ({@code public} in YAML)
 * @param admin          health, readiness and metrics; loopback only unless explicitly exposed
 * @param egress         the egress proxy for the applications behind Bastion; disabled unless enabled
 */
public record ListenersConfig(@JsonProperty("public") PublicListenerConfig publicListener, AdminListenerConfig admin, EgressListenerConfig egress) {
    public ListenersConfig {
        publicListener = publicListener == null ? new PublicListenerConfig(null, null, null, null, null) : publicListener;
        admin = admin == null ? new AdminListenerConfig(null, null, null, null) : admin;
        egress = egress == null ? new EgressListenerConfig(null, null, null) : egress;
    }

    /** Whether a listener's host is loopback as written (never resolved): what only this machine can reach. */
    public static boolean isLoopback(String host) {
        return "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "::1".equals(host) || "[::1]".equals(host);
    }
}
