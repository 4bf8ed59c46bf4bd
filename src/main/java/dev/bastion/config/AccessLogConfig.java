package dev.bastion.config;

/**
 * @param enabled one JSON line per request on the {@code bastion.access} logger; default true
 * @param dir     write the lines to one file per UTC day in this directory ({@code access-YYYY-MM-DD.log}, owner-only)
 *                instead of stdout; {@code retention.access_logs} deletes the old ones. Default: stdout, kept by the
 *                log pipeline
 */
public record AccessLogConfig(Boolean enabled, String dir) {
    public AccessLogConfig {
        enabled = enabled == null || enabled;
        if (dir != null && dir.isBlank()) throw new IllegalArgumentException("access_log.dir: empty (leave it out for stdout)");
    }
}
