package dev.bastion.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The audit trail's {@code otlp} sink: each event as an OpenTelemetry log record, exported over OTLP/HTTP
 * (protobuf) with the SDK's exporter and the JDK's HTTP client, the one tracing uses — called on the sink's own
 * thread, one export per batch, waited for, so a collector that refuses or is down is a failed send the sink
 * runner retries. The record: body the JSON line of {@code audit export --format jsonl}; event name the type;
 * severity {@code info} → INFO, {@code notice} → INFO2, {@code warning} → WARN, {@code error} → ERROR,
 * {@code critical} → FATAL, {@code alert} → FATAL2 (severity text: Bastion's name); the schema's members as
 * {@code bastion.audit.*} attributes (ids only, as stored); the trace id, when the event has one, as an attribute
 * (the record's own trace context needs a span id the event does not have).
 */
public final class OtlpLogSink {
    /**
     * One record to export.
     *
     * @param tsMillis   when the event happened
     * @param severity   Bastion's severity name ({@code info} … {@code alert})
     * @param eventName  the event's type
     * @param body       the event's JSON line
     * @param attributes ids only; null values are left out; {@code Long} values stay numbers
     */
    public record Entry(long tsMillis, String severity, String eventName, String body, Map<String, Object> attributes) {}

    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.bastion.audit");
    private final LogRecordExporter exporter;
    private final Resource resource;
    private final long timeoutMillis;

    /** @param headers resolved export headers (a collector's credential) */
    public OtlpLogSink(URI endpoint, Map<String, String> headers, String serviceName, Duration timeout) {
        this(OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint.toString()).setTimeout(timeout).setHeaders(() -> headers).build(),
                serviceName, timeout);
    }

    OtlpLogSink(LogRecordExporter exporter, String serviceName, Duration timeout) {
        this.exporter = exporter;
        this.resource = Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)));
        this.timeoutMillis = timeout.toMillis() + 1000;
    }

    public void send(List<Entry> batch) throws IOException {
        List<LogRecordData> records = new ArrayList<>(batch.size());
        for (Entry e : batch) records.add(record(e));
        CompletableResultCode done = exporter.export(records).join(timeoutMillis, TimeUnit.MILLISECONDS);
        if (!done.isSuccess()) throw new IOException("the collector did not take the export");
    }

    public void close() {
        exporter.shutdown().join(5, TimeUnit.SECONDS);
    }

    static Severity severity(String s) {
        return switch (s == null ? "" : s) {
            case "info" -> Severity.INFO;
            case "notice" -> Severity.INFO2;
            case "warning" -> Severity.WARN;
            case "error" -> Severity.ERROR;
            case "critical" -> Severity.FATAL;
            case "alert" -> Severity.FATAL2;
            default -> Severity.UNDEFINED_SEVERITY_NUMBER;
        };
    }

    private LogRecordData record(Entry e) {
        AttributesBuilder a = Attributes.builder();
        e.attributes().forEach((k, v) -> {
            if (v instanceof Long l) a.put(AttributeKey.longKey(k), l);
            else if (v != null) a.put(AttributeKey.stringKey(k), v.toString());
        });
        Attributes attributes = a.build();
        String body = e.body();
        long nanos = TimeUnit.MILLISECONDS.toNanos(e.tsMillis());
        Severity sev = severity(e.severity());
        return new LogRecordData() {
            @Override public Resource getResource() { return resource; }
            @Override public InstrumentationScopeInfo getInstrumentationScopeInfo() { return SCOPE; }
            @Override public long getTimestampEpochNanos() { return nanos; }
            @Override public long getObservedTimestampEpochNanos() { return nanos; }
            @Override public SpanContext getSpanContext() { return SpanContext.getInvalid(); }
            @Override public Severity getSeverity() { return sev; }
            @Override public String getSeverityText() { return e.severity(); }
            @Override @SuppressWarnings("deprecation") public Body getBody() { return Body.string(body); }
            @Override public Value<?> getBodyValue() { return Value.of(body); }
            @Override public Attributes getAttributes() { return attributes; }
            @Override public int getTotalAttributeCount() { return attributes.size(); }
            @Override public String getEventName() { return e.eventName(); }
        };
    }
}
