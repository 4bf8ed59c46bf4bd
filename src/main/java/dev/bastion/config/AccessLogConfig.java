package dev.bastion.config;

/** @param enabled one JSON line per request on the {@code bastion.access} logger; default true */
public record AccessLogConfig(Boolean enabled) {
    public AccessLogConfig {
        enabled = enabled == null || enabled;
    }
}
