package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * One request's spans (O1): the server span, from the exchange's start to the record step; a child per chain
 * step, made when the step's time is recorded (start = its end minus its duration), so a step costs one span
 * and no bookkeeping; a client span per upstream attempt, from sending to the response's headers (or the
 * failure), whose context is the {@code traceparent} the upstream receives. Confined to the exchange's event loop.
 */
public final class RequestTrace {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> ROUTE_ID = AttributeKey.stringKey("bastion.route");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("bastion.operation");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("bastion.request_id");
    static final AttributeKey<String> ORG = AttributeKey.stringKey("bastion.org_id");
    static final AttributeKey<String> REFUSED_BY = AttributeKey.stringKey("bastion.refused_by");
    static final AttributeKey<String> STEP = AttributeKey.stringKey("bastion.step");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bastion.attempt");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("bastion.deployment");
    static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("bastion.upstream");
    static final AttributeKey<String> FAILURE = AttributeKey.stringKey("bastion.failure");
    static final AttributeKey<Boolean> UNTRUSTED = AttributeKey.booleanKey("bastion.untrusted");

    private final Tracer tracer;
    private final Span server;
    private final Context context;
    /** Epoch nanoseconds at the exchange's {@code startNanos}: steps' monotonic times become span times. */
    private final long epochAtStart;
    private final long nanoAtStart;
    /** False when the trace is not sampled: then no child span is made, only the context is passed on. */
    private final boolean recording;

    private RequestTrace(Tracer tracer, Span server, long epochAtStart, long nanoAtStart) {
        this.tracer = tracer;
        this.server = server;
        this.recording = server.isRecording();
        this.context = Context.root().with(server);
        this.epochAtStart = epochAtStart;
        this.nanoAtStart = nanoAtStart;
    }

    static RequestTrace start(Tracer tracer, Exchange ex) {
        long nowNano = System.nanoTime();
        long epochAtStart = currentEpochNanos() - (nowNano - ex.startNanos());
        SpanBuilder b = tracer.spanBuilder(ex.method().name()).setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(epochAtStart, TimeUnit.NANOSECONDS)
                .setAttribute(METHOD, ex.method().name())
                .setAttribute(SCHEME, ex.secure() ? "https" : "http")
                .setAttribute(PROTOCOL, ex.protocol().endsWith("1.0") ? "1.0" : ex.protocol().endsWith("/2") ? "2" : "1.1")
                .setAttribute(REQUEST_ID, ex.requestId());
        if (ex.headers().contains("traceparent")) {
            Context inbound = W3CTraceContextPropagator.getInstance().extract(Context.root(), ex.headers(), Tracing.HEADERS);
            SpanContext remote = Span.fromContext(inbound).getSpanContext();
            if (!remote.isValid()) {
                b.setNoParent();
            } else if (ex.traceTrusted()) {
                b.setParent(inbound);
            } else {
                // Not from a trusted caller: a trace of Bastion's own; the caller's span is only linked (its ids, no state).
                b.setNoParent().addLink(SpanContext.createFromRemoteParent(remote.getTraceId(), remote.getSpanId(), remote.getTraceFlags(),
                        io.opentelemetry.api.trace.TraceState.getDefault()), Attributes.of(UNTRUSTED, true));
            }
        } else {
            b.setNoParent();
        }
        Span server = b.startSpan();
        SpanContext sc = server.getSpanContext();
        if (sc.isValid()) ex.traceId(sc.getTraceId());
        return new RequestTrace(tracer, server, epochAtStart, ex.startNanos());
    }

    private static long currentEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private long epoch(long nano) {
        return epochAtStart + (nano - nanoAtStart);
    }

    /** A chain step that just took {@code nanos}. */
    public void step(String name, long nanos) {
        if (!recording) return;
        long end = System.nanoTime();
        tracer.spanBuilder(name).setParent(context).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(epoch(end - nanos), TimeUnit.NANOSECONDS)
                .setAttribute(STEP, name)
                .startSpan().end(epoch(end), TimeUnit.NANOSECONDS);
    }

    /**
     * An upstream attempt begins: its span is the parent the upstream sees ({@code traceparent} set on the
     * exchange for the forward step; {@code tracestate} only as inherited from a trusted caller).
     *
     * @param deployment the catalogue's deployment ({@code upstream/model}), or null for a route's own upstream
     */
    public Attempt attempt(Exchange ex, String upstream, String deployment) {
        if (!recording) {
            // Not sampled: the upstream continues the request's (unsampled) context; no span to make.
            ex.traceparent(traceparent(server.getSpanContext()), null);
            return Attempt.NONE;
        }
        SpanBuilder b = tracer.spanBuilder(deployment != null ? "attempt " + deployment : "upstream " + upstream)
                .setParent(context).setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, ex.method().name())
                .setAttribute(UPSTREAM, upstream);
        if (deployment != null) b.setAttribute(DEPLOYMENT, deployment);
        Span span = b.startSpan();
        java.util.Map<String, String> out = new java.util.HashMap<>(4);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), out, java.util.Map::put);
        ex.traceparent(out.get("traceparent"), out.get("tracestate"));
        return new Attempt(span);
    }

    private static String traceparent(SpanContext sc) {
        return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
    }

    /** One upstream attempt's span. */
    public static final class Attempt {
        static final Attempt NONE = new Attempt(Span.getInvalid());
        private final Span span;

        Attempt(Span span) {
            this.span = span;
        }

        /**
         * @param number  the attempt's number within the request (1 for the first); 0 when nothing was sent (an open breaker)
         * @param status  the upstream's status, or 0 when none answered
         * @param failure the failure class ({@code rate_limited}, {@code uncertain}, …) when the attempt failed, else null
         */
        public void end(int number, int status, String failure) {
            if (this == NONE) return;
            if (number > 0) span.setAttribute(ATTEMPT, number);
            if (status > 0) span.setAttribute(STATUS, status);
            if (failure != null) {
                span.setAttribute(FAILURE, failure);
                span.setAttribute(ERROR_TYPE, failure);
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /** The step that refused the request and why (a stable error code). */
    public void refused(String step, String reason) {
        if (!recording) return;
        server.setAttribute(REFUSED_BY, step);
        server.setAttribute(ERROR_TYPE, reason);
    }

    /** The record step: the server span ends with the request's route, status and outcome. */
    public void end(Exchange ex, String routeTemplate, long endNanos) {
        if (!recording) {
            server.end();
            return;
        }
        if (ex.routeId() != null) {
            server.setAttribute(ROUTE_ID, ex.routeId());
            if (routeTemplate != null) {
                server.setAttribute(ROUTE, routeTemplate);
                server.updateName(ex.method().name() + " " + routeTemplate);
            }
        }
        if (ex.operation() != null) server.setAttribute(OPERATION, ex.operation());
        Identity id = ex.identity();
        if (id != null) server.setAttribute(ORG, id.orgId());
        server.setAttribute(STATUS, ex.status());
        if (ex.errorCode() != null) server.setAttribute(ERROR_TYPE, ex.errorCode());
        if (ex.status() >= 500) server.setStatus(StatusCode.ERROR);
        server.end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }
}
