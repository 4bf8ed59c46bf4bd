package dev.bastion.chain;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * One request on its way through the chain: what arrived (method, path, headers, client IP, body), what
 * controls established (the decoded path, identity, the parsed body), and what happened (status, bytes,
 * per-step timings, which step refused it) for the record step.
 * Built by the server per request; tests build one with {@link #builder()}, no mocks needed.
 * Confined to one event loop, so it is not thread-safe.
 */
public final class Exchange {
    private final String requestId;
    private final String clientIp;
    private final HttpMethod method;
    private final String rawPath;
    private String path;
    private final String rawQuery;
    private final String host;
    private final MultiMap headers;
    private final long startNanos;
    private final boolean secure;
    private final String protocol;
    private MultiMap responseHeaders;
    private ErrorFormat errorFormat;

    private String routeId;
    private Identity identity;
    private Buffer body;
    private JsonBody json;
    private JsonBody answerJson;
    private int status;
    private String refusedBy;
    private String[] stepNames;
    private long[] stepNanos;
    private int steps;
    private String errorCode;
    private long bytesSent;
    private long upstreamNanos = -1;
    private java.util.List<ResponseFilter> responseFilters;
    private int responseMeters; // the first ones in responseFilters
    private java.util.List<Runnable> finishers;
    private java.util.Map<Object, Object> attributes;
    private java.util.Map<String, Object> logFields;
    private final boolean traceTrusted;
    private String traceId;
    private String traceparent;
    private String tracestate;
    private String operation;

    private Exchange(Builder b) {
        this.requestId = Objects.requireNonNull(b.requestId, "requestId");
        this.clientIp = Objects.requireNonNull(b.clientIp, "clientIp");
        this.method = Objects.requireNonNull(b.method, "method");
        this.rawPath = Objects.requireNonNull(b.rawPath != null ? b.rawPath : b.path, "rawPath");
        this.path = b.path;
        this.rawQuery = b.rawQuery;
        this.host = b.host;
        this.headers = b.headers == null ? MultiMap.caseInsensitiveMultiMap() : b.headers;
        this.startNanos = b.startNanos == 0 ? System.nanoTime() : b.startNanos;
        this.secure = b.secure;
        this.protocol = b.protocol;
        this.routeId = b.routeId;
        this.identity = b.identity;
        this.body = b.body;
        this.traceTrusted = b.traceTrusted;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String requestId() { return requestId; }
    /** Canonical text of the client's IP (after trusted-proxy resolution). */
    public String clientIp() { return clientIp; }
    public HttpMethod method() { return method; }
    /**
     * The decoded request path routes match (no dot segments, no encoded slashes); null until the edge's
     * path check accepted it.
     */
    public String path() { return path; }
    public void path(String decoded) { this.path = decoded; }
    /** The path as received (without query or fragment): what is forwarded once the decoded form was accepted. */
    public String rawPath() { return rawPath; }
    /** The query string as received, without '?', or null. */
    public String rawQuery() { return rawQuery; }
    /** Host name the request was for, lower case, without port; may be null. */
    public String host() { return host; }
    /** Request headers as received. Controls read them; the forwarder decides what goes upstream. */
    public MultiMap headers() { return headers; }
    public long startNanos() { return startNanos; }
    /** Whether the client reached Bastion over TLS (here, or at a trusted proxy that says so). */
    public boolean secure() { return secure; }
    /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String protocol() { return protocol; }
    /** Headers controls want on the response, success or denial (e.g. rate-limit state). */
    public MultiMap responseHeaders() {
        if (responseHeaders == null) responseHeaders = MultiMap.caseInsensitiveMultiMap();
        return responseHeaders;
    }

    /** Whether any control added response headers (without creating the map). */
    public boolean hasResponseHeaders() { return responseHeaders != null && !responseHeaders.isEmpty(); }

    public String routeId() { return routeId; }

    /** The shape of Bastion's own errors on this exchange's route; null for Bastion's ({@link ErrorBody}). */
    public ErrorFormat errorFormat() { return errorFormat; }
    public void errorFormat(ErrorFormat format) { this.errorFormat = format; }
    public void routeId(String routeId) { this.routeId = routeId; }

    /** Null until a control authenticated the caller (and for public routes). */
    public Identity identity() { return identity; }
    public void identity(Identity identity) { this.identity = identity; }

    /** The complete request body as received, once read; null before, or when there was none. */
    public Buffer body() { return body; }
    public void body(Buffer body) {
        this.body = body;
        this.json = null;
    }

    /** The body as JSON, parsed once for every control that reads it; null when there is no body. */
    public JsonBody json() {
        if (json == null && body != null && body.length() > 0) json = new JsonBody(body);
        return json;
    }

    /**
     * A whole answer body as JSON, parsed once for every response filter that reads it (the usage meter, the
     * answer guard): the parse is shared when they pass each other the same bytes.
     */
    public JsonBody answerJson(Buffer whole) {
        if (answerJson == null || !answerJson.of(whole)) answerJson = new JsonBody(whole);
        return answerJson;
    }

    /** The body to forward: as received, or serialised once if a control changed its JSON. */
    public Buffer outboundBody() {
        return json == null ? body : json.toSend();
    }

    /** The step that refused the exchange (a control's name, or the runner's {@code route}, {@code body}, {@code forward}); else null. */
    public String refusedBy() { return refusedBy; }
    public void refusedBy(String step) { this.refusedBy = step; }

    /** Records how long a step took (the runner calls this once per step that ran). */
    public void stepTime(String step, long nanos) {
        if (stepNames == null) {
            stepNames = new String[8];
            stepNanos = new long[8];
        } else if (steps == stepNames.length) {
            stepNames = java.util.Arrays.copyOf(stepNames, steps * 2);
            stepNanos = java.util.Arrays.copyOf(stepNanos, steps * 2);
        }
        stepNames[steps] = step;
        stepNanos[steps++] = nanos;
    }

    /** How many steps were timed. */
    public int steps() { return steps; }
    public String stepName(int i) { return stepNames[i]; }
    public long stepNanos(int i) { return stepNanos[i]; }

    public int status() { return status; }
    public void status(int status) { this.status = status; }
    /** The reason code when the exchange ended in an error, else null. */
    public String errorCode() { return errorCode; }
    public void errorCode(String errorCode) { this.errorCode = errorCode; }
    public long bytesSent() { return bytesSent; }
    public void addBytesSent(long n) { this.bytesSent += n; }
    /** Time from sending upstream to the upstream's response headers; -1 when never forwarded. */
    public long upstreamNanos() { return upstreamNanos; }
    public void upstreamNanos(long n) { this.upstreamNanos = n; }

    /**
     * Adds a filter over the upstream response. Filters nest like the controls that add them: the one
     * added first is outermost and sees the response last, exactly as the client will receive it (so an
     * idempotency capture sees what a budget filter changed).
     */
    public void addResponseFilter(ResponseFilter filter) {
        if (responseFilters == null) responseFilters = new java.util.ArrayList<>(2);
        responseFilters.add(responseMeters, filter);
    }

    /**
     * Adds a filter that must see the upstream's body exactly as it arrived, whichever stage adds it: it
     * goes innermost. For metering what the upstream produced (and billed) — a guardrail that withholds
     * part of an answer must not make a budget undercount it.
     */
    public void addResponseMeter(ResponseFilter filter) {
        if (responseFilters == null) responseFilters = new java.util.ArrayList<>(2);
        responseFilters.addFirst(filter);
        responseMeters++;
    }

    /** Innermost first: the order a response passes through them. */
    public java.util.List<ResponseFilter> responseFilters() {
        return responseFilters == null ? java.util.List.of() : responseFilters;
    }

    /**
     * Runs when the exchange is over, whichever way — response sent, error, client gone, timeout. Where
     * controls release what they hold (concurrency slots, budget reservations): exactly once each.
     */
    public void onFinish(Runnable finisher) {
        if (finishers == null) finishers = new java.util.ArrayList<>(2);
        finishers.add(finisher);
    }

    public java.util.List<Runnable> finishers() {
        return finishers == null ? java.util.List.of() : finishers;
    }

    /**
     * A field for this request's access line: what a control decided (a guardrail's action and entity
     * counts), so a decision is recorded with the request it belongs to at no extra write. Names are
     * snake_case; values are strings, numbers, booleans, lists and maps of those — ids, counts and codes,
     * never content.
     */
    public void logField(String name, Object value) {
        if (logFields == null) logFields = new java.util.LinkedHashMap<>(4);
        logFields.put(name, value);
    }

    /** The fields controls added for the access line, in order; empty when none. */
    public java.util.Map<String, Object> logFields() {
        return logFields == null ? java.util.Map.of() : logFields;
    }

    /** What {@link #rewind} goes back to: the response filters, the body and the attributes at one point of the chain. */
    public record Mark(java.util.List<ResponseFilter> filters, int meters, Buffer body, java.util.Map<Object, Object> attributes) {}

    /** Where the chain is now, to run its rest again for another deployment (U3). */
    public Mark mark() {
        return new Mark(responseFilters == null ? java.util.List.of() : java.util.List.copyOf(responseFilters), responseMeters, body,
                attributes == null ? java.util.Map.of() : new java.util.HashMap<>(attributes));
    }

    /**
     * Back to {@code mark}: the response filters added since are dropped (returned, for the caller to abort:
     * a budget reservation made for a deployment that failed settles at nothing), the body is the client's
     * again, unparsed — so no control sees another's edits twice — and the attributes are as they were.
     */
    public java.util.List<ResponseFilter> rewind(Mark mark) {
        java.util.List<ResponseFilter> dropped = new java.util.ArrayList<>(2);
        for (ResponseFilter f : responseFilters()) {
            boolean kept = false;
            for (ResponseFilter m : mark.filters()) kept |= m == f;
            if (!kept) dropped.add(f);
        }
        responseFilters = mark.filters().isEmpty() ? null : new java.util.ArrayList<>(mark.filters());
        responseMeters = mark.meters();
        body(mark.body());
        attributes = mark.attributes().isEmpty() ? null : new java.util.HashMap<>(mark.attributes());
        return dropped;
    }

    /**
     * Whether the caller's {@code traceparent}/{@code tracestate} may be continued: the TCP peer is a trusted
     * proxy or a trusted tracing caller (docs/observability.md#trust).
     */
    public boolean traceTrusted() { return traceTrusted; }

    /** The trace this request belongs to (32 hex digits) when tracing is on or a trusted caller named one; else null. */
    public String traceId() { return traceId; }
    public void traceId(String traceId) { this.traceId = traceId; }

    /**
     * The {@code traceparent} the upstream receives (the current attempt's span, or a trusted caller's own when
     * tracing is off), or null: then none is sent, whatever the client sent.
     */
    public String traceparent() { return traceparent; }
    /** The {@code tracestate} sent with {@link #traceparent()}, or null. */
    public String tracestate() { return tracestate; }
    public void traceparent(String traceparent, String tracestate) {
        this.traceparent = traceparent;
        this.tracestate = tracestate == null || tracestate.isEmpty() ? null : tracestate;
    }

    /** What kind of request this is ({@code chat}, {@code embeddings}, {@code proxy}, …: docs/observability.md), once routed. */
    public String operation() { return operation; }
    public void operation(String operation) { this.operation = operation; }

    /** A per-exchange value shared between controls (e.g. the LLM request's accounting), keyed by its type. */
    @SuppressWarnings("unchecked")
    public <T> T attribute(Class<T> key) {
        return attributes == null ? null : (T) attributes.get(key);
    }

    public <T> void attribute(Class<T> key, T value) {
        if (attributes == null) attributes = new java.util.HashMap<>(4);
        attributes.put(key, value);
    }

    public static final class Builder {
        private String requestId = "test-request-id";
        private String clientIp = "127.0.0.1";
        private HttpMethod method = HttpMethod.GET;
        private String path = "/";
        private String rawPath;
        private String rawQuery;
        private boolean secure;
        private String protocol = "HTTP/1.1";
        private String host;
        private MultiMap headers;
        private long startNanos;
        private String routeId;
        private Identity identity;
        private Buffer body;
        private boolean traceTrusted;

        public Builder requestId(String v) { requestId = v; return this; }
        public Builder clientIp(String v) { clientIp = v; return this; }
        public Builder method(HttpMethod v) { method = v; return this; }
        /** The decoded path; the raw path is the same unless set. */
        public Builder path(String v) { path = v; return this; }
        public Builder rawPath(String v) { rawPath = v; return this; }
        public Builder secure(boolean v) { secure = v; return this; }
        public Builder protocol(String v) { protocol = v; return this; }
        public Builder rawQuery(String v) { rawQuery = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder headers(MultiMap v) { headers = v; return this; }
        public Builder header(String name, String value) {
            if (headers == null) headers = MultiMap.caseInsensitiveMultiMap();
            headers.add(name, value);
            return this;
        }
        public Builder startNanos(long v) { startNanos = v; return this; }
        public Builder routeId(String v) { routeId = v; return this; }
        public Builder identity(Identity v) { identity = v; return this; }
        public Builder body(Buffer v) { body = v; return this; }
        public Builder traceTrusted(boolean v) { traceTrusted = v; return this; }

        public Exchange build() {
            return new Exchange(this);
        }
    }
}
