package dev.bastion.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/HTTP traces receiver of the tests' own: accepts {@code POST /v1/traces} with
 * {@code application/x-protobuf} and decodes {@code ExportTraceServiceRequest} from the wire format by hand
 * (the fields the tests assert: ids, parent, name, kind, attributes, links; opentelemetry-proto's classes need
 * a newer protobuf runtime than the one Tink brings).
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One decoded span; ids are lower-case hex, attribute values strings, numbers or booleans. */
    public record Span(String traceId, String spanId, String traceState, String parentSpanId, String name, int kind,
                       Map<String, Object> attributes, List<Link> links, Map<String, Object> resource) {
        public boolean root() {
            return parentSpanId.isEmpty();
        }
    }

    public record Link(String traceId, String spanId, Map<String, Object> attributes) {}

    /** One decoded log record ({@code POST /v1/logs}): severity, body (a string), attributes, event name, trace id. */
    public record LogRecord(long timeUnixNano, int severityNumber, String severityText, String body, Map<String, Object> attributes,
                            String eventName, String traceId, Map<String, Object> resource) {}

    private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
    /** Answer every export with this status (503: a collector that is down); 0 for 200. */
    public volatile int failWith;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    public final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> {
            boolean logRecords = req.path().equals("/v1/logs");
            if (!req.path().equals("/v1/traces") && !logRecords) {
                req.response().setStatusCode(404).end();
                return;
            }
            if (failWith != 0) {
                req.response().setStatusCode(failWith).end();
                return;
            }
            contentTypes.add(String.valueOf(req.getHeader("Content-Type")));
            Map<String, String> h = new LinkedHashMap<>();
            req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
            headers.add(h);
            req.body().onSuccess(body -> {
                try {
                    if (logRecords) decodeLogsRequest(body.getBytes());
                    else decodeRequest(body.getBytes());
                    req.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer(new byte[0]));
                } catch (RuntimeException e) {
                    req.response().setStatusCode(400).end();
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1/traces";
    }

    public String logsEndpoint() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1/logs";
    }

    public List<LogRecord> logs() {
        return List.copyOf(logs);
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** The spans of one trace, waiting until {@code min} have arrived (the batch processor exports each second). */
    public List<Span> trace(String traceId, int min) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            List<Span> of = spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
            if (of.size() >= min) {
                Thread.sleep(200); // anything of the same request still in flight
                return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + min + " spans of trace " + traceId + " arrived: " + spans);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    // ---- the protobuf wire format, for opentelemetry/proto/collector/trace/v1 and trace/v1

    private void decodeRequest(byte[] b) {
        for (Field f : fields(b)) if (f.number == 1) decodeResourceSpans(f.bytes); // resource_spans
    }

    private void decodeResourceSpans(byte[] b) {
        Map<String, Object> resource = new LinkedHashMap<>();
        List<byte[]> scopes = new ArrayList<>();
        for (Field f : fields(b)) {
            if (f.number == 1) for (Field r : fields(f.bytes)) if (r.number == 1) keyValue(r.bytes, resource); // resource.attributes
            if (f.number == 2) scopes.add(f.bytes); // scope_spans
        }
        for (byte[] scope : scopes) for (Field f : fields(scope)) if (f.number == 2) spans.add(span(f.bytes, resource));
    }

    // opentelemetry/proto/collector/logs/v1 and logs/v1

    private void decodeLogsRequest(byte[] b) {
        for (Field f : fields(b)) {
            if (f.number != 1) continue; // resource_logs
            Map<String, Object> resource = new LinkedHashMap<>();
            List<byte[]> scopes = new ArrayList<>();
            for (Field r : fields(f.bytes)) {
                if (r.number == 1) for (Field a : fields(r.bytes)) if (a.number == 1) keyValue(a.bytes, resource);
                if (r.number == 2) scopes.add(r.bytes); // scope_logs
            }
            for (byte[] scope : scopes) for (Field s : fields(scope)) if (s.number == 2) logs.add(logRecord(s.bytes, resource));
        }
    }

    private static LogRecord logRecord(byte[] b, Map<String, Object> resource) {
        long time = 0;
        int severity = 0;
        String text = "", body = null, eventName = "", traceId = "";
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Field f : fields(b)) {
            switch (f.number) {
                case 1 -> time = f.varint;
                case 2 -> severity = (int) f.varint;
                case 3 -> text = new String(f.bytes, StandardCharsets.UTF_8);
                case 5 -> {
                    for (Field v : fields(f.bytes)) if (v.number == 1) body = new String(v.bytes, StandardCharsets.UTF_8);
                }
                case 6 -> keyValue(f.bytes, attributes);
                case 9 -> traceId = HexFormat.of().formatHex(f.bytes);
                case 12 -> eventName = new String(f.bytes, StandardCharsets.UTF_8);
                default -> { }
            }
        }
        return new LogRecord(time, severity, text, body, attributes, eventName, traceId, resource);
    }

    private static Span span(byte[] b, Map<String, Object> resource) {
        String traceId = "", spanId = "", state = "", parent = "", name = "";
        int kind = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<Link> links = new ArrayList<>();
        for (Field f : fields(b)) {
            switch (f.number) {
                case 1 -> traceId = HexFormat.of().formatHex(f.bytes);
                case 2 -> spanId = HexFormat.of().formatHex(f.bytes);
                case 3 -> state = new String(f.bytes, StandardCharsets.UTF_8);
                case 4 -> parent = HexFormat.of().formatHex(f.bytes);
                case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
                case 6 -> kind = (int) f.varint;
                case 9 -> keyValue(f.bytes, attributes);
                case 13 -> links.add(link(f.bytes));
                default -> { }
            }
        }
        return new Span(traceId, spanId, state, parent, name, kind, attributes, links, resource);
    }

    private static Link link(byte[] b) {
        String traceId = "", spanId = "";
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Field f : fields(b)) {
            if (f.number == 1) traceId = HexFormat.of().formatHex(f.bytes);
            if (f.number == 2) spanId = HexFormat.of().formatHex(f.bytes);
            if (f.number == 4) keyValue(f.bytes, attributes);
        }
        return new Link(traceId, spanId, attributes);
    }

    private static void keyValue(byte[] b, Map<String, Object> into) {
        String key = null;
        Object value = null;
        for (Field f : fields(b)) {
            if (f.number == 1) key = new String(f.bytes, StandardCharsets.UTF_8);
            if (f.number == 2) {
                for (Field v : fields(f.bytes)) { // AnyValue
                    value = switch (v.number) {
                        case 1 -> new String(v.bytes, StandardCharsets.UTF_8);
                        case 2 -> v.varint != 0;
                        case 3 -> v.varint;
                        case 4 -> Double.longBitsToDouble(v.varint);
                        default -> "<" + v.number + ">";
                    };
                }
            }
        }
        if (key != null) into.put(key, value);
    }

    private record Field(int number, long varint, byte[] bytes) {}

    private static List<Field> fields(byte[] b) {
        List<Field> out = new ArrayList<>();
        int[] at = {0};
        while (at[0] < b.length) {
            long tag = varint(b, at);
            int number = (int) (tag >>> 3), type = (int) (tag & 7);
            switch (type) {
                case 0 -> out.add(new Field(number, varint(b, at), null));
                case 1 -> {
                    long v = 0;
                    for (int i = 0; i < 8; i++) v |= (b[at[0] + i] & 0xffL) << (8 * i);
                    at[0] += 8;
                    out.add(new Field(number, v, null));
                }
                case 2 -> {
                    int len = (int) varint(b, at);
                    byte[] bytes = java.util.Arrays.copyOfRange(b, at[0], at[0] + len);
                    at[0] += len;
                    out.add(new Field(number, 0, bytes));
                }
                case 5 -> {
                    long v = 0;
                    for (int i = 0; i < 4; i++) v |= (b[at[0] + i] & 0xffL) << (8 * i);
                    at[0] += 4;
                    out.add(new Field(number, v, null));
                }
                default -> throw new IllegalArgumentException("wire type " + type);
            }
        }
        return out;
    }

    private static long varint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[at[0]++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new IllegalArgumentException("varint too long");
    }
}
