package dev.bastion.audit;

import dev.bastion.observe.OtlpLogSink;
import dev.bastion.store.AuditRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code otlp} sink: each event as a log record ({@link OtlpLogSink}, where the OpenTelemetry SDK lives) — body
 * its JSON line, event name its type, the schema's members as {@code bastion.audit.*} attributes.
 */
public final class OtlpAuditSink implements AuditSink {
    private final OtlpLogSink exporter;

    public OtlpAuditSink(OtlpLogSink exporter) {
        this.exporter = exporter;
    }

    @Override
    public void send(List<AuditRow> batch) throws IOException {
        List<OtlpLogSink.Entry> entries = new ArrayList<>(batch.size());
        for (AuditRow r : batch) entries.add(entry(r));
        exporter.send(entries);
    }

    static OtlpLogSink.Entry entry(AuditRow r) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("bastion.audit.id", r.id());
        a.put("bastion.audit.node", r.node());
        if (r.seq() > 0) a.put("bastion.audit.seq", r.seq());
        a.put("bastion.audit.type", r.type());
        a.put("bastion.audit.actor.kind", r.actorKind());
        a.put("bastion.audit.actor.id", r.actorId());
        a.put("bastion.audit.actor.org", r.actorOrg());
        a.put("bastion.audit.action", r.action());
        a.put("bastion.audit.target", r.target());
        a.put("bastion.audit.result", r.result());
        a.put("bastion.audit.reason", r.reason());
        a.put("bastion.audit.request_id", r.requestId());
        a.put("bastion.audit.trace_id", r.traceId());
        a.put("bastion.audit.ip", r.ip());
        a.put("bastion.audit.hash", r.hash());
        return new OtlpLogSink.Entry(r.ts(), r.severity(), r.type(), AuditFormats.eventJson(r).encode(), a);
    }

    @Override
    public void close() {
        exporter.close();
    }
}
