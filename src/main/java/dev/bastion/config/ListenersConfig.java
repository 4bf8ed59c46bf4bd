package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * @param publicListener the listener clients call ({@code public} in YAML)
 * @param admin          health, readiness and metrics; loopback only unless explicitly exposed
 */
public record ListenersConfig(@JsonProperty("public") PublicListenerConfig publicListener, AdminListenerConfig admin) {
    public ListenersConfig {
        publicListener = publicListener == null ? new PublicListenerConfig(null, null, null, null) : publicListener;
        admin = admin == null ? new AdminListenerConfig(null, null, null, null) : admin;
    }
}
