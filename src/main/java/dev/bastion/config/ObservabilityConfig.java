package dev.bastion.config;

/**
 * Observability beyond the access log and the metrics (docs/observability.md).
 *
 * @param tracing OpenTelemetry tracing; off by default
 */
public record ObservabilityConfig(TracingConfig tracing) {
    public static final ObservabilityConfig DEFAULTS = new ObservabilityConfig(null);

    public ObservabilityConfig {
        tracing = tracing == null ? TracingConfig.DEFAULTS : tracing;
    }
}
