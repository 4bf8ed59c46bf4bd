package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.config.TracingConfig;
import dev.bastion.net.Cidr;
import dev.bastion.net.IpAddresses;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * OpenTelemetry tracing (O1): one server span per request, a child per chain step and per upstream attempt,
 * exported over OTLP/HTTP (protobuf) by the SDK's batch processor with a bounded queue. Off by default:
 * {@link #OFF} starts nothing, has no thread and costs the request path one null check.
 *
 * <p>Trust: an inbound {@code traceparent}/{@code tracestate} is continued only when the TCP peer is trusted
 * (the public listener's {@code trusted_proxies}, or {@code observability.tracing.trusted_callers}). From
 * anyone else a new trace starts and the caller's span context, when well formed, is kept as a link; its
 * {@code tracestate} is dropped, so it never reaches a model provider.
 *
 * <p>The only class that knows the OpenTelemetry SDK (with {@link RequestTrace}); spans carry ids, route,
 * step and deployment names, status codes and error codes — never a header value, key, query, body or prompt.
 */
public final class Tracing implements AutoCloseable {
    /** Tracing off: {@link #start} returns null. */
    public static final Tracing OFF = new Tracing();

    static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final List<Cidr> trustedCallers;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong exportFailures = new AtomicLong();
    private final int maxQueue;

    private Tracing() {
        this.provider = null;
        this.tracer = null;
        this.trustedCallers = List.of();
        this.maxQueue = 0;
    }

    private Tracing(TracingConfig config, Supplier<Map<String, String>> headers, SpanExporter exporterOverride) {
        this.trustedCallers = config.trustedCallerRanges();
        this.maxQueue = config.maxQueue();
        SpanExporter exporter = exporterOverride != null ? exporterOverride : OtlpHttpSpanExporter.builder()
                .setEndpoint(config.endpoint().toString())
                .setTimeout(config.exportTimeout())
                .setHeaders(headers)
                .build();
        BatchSpanProcessor batch = BatchSpanProcessor.builder(new Counting(exporter))
                .setMaxQueueSize(maxQueue)
                .setMaxExportBatchSize(Math.min(512, maxQueue))
                .setScheduleDelay(Duration.ofMillis(1000))
                .setExporterTimeout(config.exportTimeout())
                .build();
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), config.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(new Bounded(batch))
                .build();
        this.tracer = provider.get("dev.bastion");
    }

    /**
     * Tracing as configured: {@link #OFF} unless {@code enabled}.
     *
     * @param headers the export headers, read at each export (a {@code file:} secret may rotate)
     */
    public static Tracing create(TracingConfig config, Supplier<Map<String, String>> headers) {
        return config.enabled() ? new Tracing(config, headers, null) : OFF;
    }

    /** For tests and benchmarks: tracing on, spans handed to {@code exporter}. */
    public static Tracing create(TracingConfig config, SpanExporter exporter) {
        return new Tracing(config, Map::of, exporter);
    }

    public boolean enabled() {
        return tracer != null;
    }

    /** Whether {@code peer} is one of {@code trusted_callers} (the listener adds its trusted proxies). */
    public boolean trustsCaller(String peer) {
        if (trustedCallers.isEmpty()) return false;
        byte[] b = IpAddresses.parse(peer);
        if (b == null) return false;
        for (Cidr c : trustedCallers) if (c.contains(b)) return true;
        return false;
    }

    /**
     * The request's trace, its server span started at the exchange's start; null when tracing is off. With
     * tracing off a trusted caller's {@code traceparent} still names the trace on the access line, and is passed
     * on unchanged ({@link Exchange#traceparent()}).
     */
    public RequestTrace start(Exchange ex) {
        if (tracer == null) {
            if (ex.traceTrusted() && ex.headers().contains("traceparent")) {
                SpanContext inbound = Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), ex.headers(), HEADERS)).getSpanContext();
                if (inbound.isValid()) {
                    ex.traceId(inbound.getTraceId());
                    ex.traceparent(ex.headers().get("traceparent"), ex.headers().get("tracestate"));
                }
            }
            return null;
        }
        return RequestTrace.start(tracer, ex);
    }

    /** Counts drops, exports and failures as metrics ({@code bastion_tracing_*}). */
    public void registerMetrics(MeterRegistry registry) {
        if (tracer == null) return;
        FunctionCounter.builder("bastion.tracing.spans.dropped", dropped, AtomicLong::get)
                .description("Spans dropped because the export queue was full").register(registry);
        FunctionCounter.builder("bastion.tracing.spans.exported", exported, AtomicLong::get)
                .description("Spans handed to the OTLP exporter").register(registry);
        FunctionCounter.builder("bastion.tracing.export.failures", exportFailures, AtomicLong::get)
                .description("OTLP exports that failed (their spans are lost)").register(registry);
    }

    public long droppedSpans() {
        return dropped.get();
    }

    /** Exports what is queued (for tests and shutdown). */
    public void flush() {
        if (provider != null) provider.forceFlush().join(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (provider != null) provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    /**
     * Bounds the queue and counts what it drops: a span passes to the batch processor only while fewer than
     * {@code max_queue} wait (counted down when a batch leaves for the exporter), so a collector that cannot
     * keep up costs dropped spans, counted, never memory or the request path's time.
     */
    private final class Bounded implements SpanProcessor {
        private final BatchSpanProcessor batch;

        Bounded(BatchSpanProcessor batch) {
            this.batch = batch;
        }

        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            if (!span.getSpanContext().isSampled()) return;
            if (queued.incrementAndGet() > maxQueue) {
                queued.decrementAndGet();
                dropped.incrementAndGet();
                return;
            }
            batch.onEnd(span);
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }

        @Override
        public CompletableResultCode shutdown() {
            return batch.shutdown();
        }

        @Override
        public CompletableResultCode forceFlush() {
            return batch.forceFlush();
        }
    }

    /** Counts spans leaving the queue (exported) and failed exports. */
    private final class Counting implements SpanExporter {
        private final SpanExporter delegate;

        Counting(SpanExporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            queued.addAndGet(-spans.size());
            exported.addAndGet(spans.size());
            CompletableResultCode result = delegate.export(spans);
            result.whenComplete(() -> {
                if (!result.isSuccess()) exportFailures.incrementAndGet();
            });
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }
}
