package dev.bastion.server;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.Faults;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.failover.FailoverPlan;
import dev.bastion.failover.Outcome;
import dev.bastion.models.ModelCatalogue;
import dev.bastion.observe.RequestTrace;
import dev.bastion.secrets.EchoedSecrets;
import dev.bastion.secrets.LogRedactor;
import dev.bastion.store.StoreException;
import dev.bastion.upstream.Cancellation;
import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResponse;
import dev.bastion.upstream.UpstreamResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exchange through its listener's steps, in order:
 * <pre>
 *   edge controls ─► route ─► route's controls (the body is read before the first that needs it)
 *                                   ─► forward (upstream) or Bastion's own endpoint ─► response relay ─► record
 * </pre>
 * Every verdict is handled in one exhaustive switch — a failed future, a thrown exception or a null verdict
 * is a fault, answered 503 {@code control_fault} — or {@code store_unavailable} when the cause is the store being
 * unreachable — never an allow. Every refusal is written by
 * {@link Responses}; every step's time goes to the exchange (the access line) and to its meter; every
 * refusal and every finished exchange is told to the {@link ExchangeListener}s, once — the access log, the
 * metrics, and the audit trail's attachment point.
 */
final class ChainRunner {
    private static final Logger log = LoggerFactory.getLogger(ChainRunner.class);
    static final Verdict.Deny FAULT = new Verdict.Deny(503, "control_fault", "A security control could not decide; the request was refused.");
    private static final Verdict.Deny UNAVAILABLE = new Verdict.Deny(503, "service_unavailable", "Bastion could not complete the request; retry later.");
    /** A store read on the request's path found no store: says which dependency failed, never its address or the driver's text. */
    static final Verdict.Deny STORE_UNAVAILABLE = new Verdict.Deny(503, "store_unavailable", "The gateway's store is unavailable; try again.",
            Map.of("Retry-After", "5"));
    private static final Verdict.Deny MALFORMED = new Verdict.Deny(400, "request_malformed", "The request body could not be parsed.").closing();
    private static final Verdict.Deny PREFLIGHT_REFUSED = new Verdict.Deny(403, "cors_preflight_denied",
            "This origin, method or header is not allowed for this route.");

    /** Where the exchange is; anything that completes late checks it first. */
    private enum Phase { CHAIN, TERMINAL, RELAY, ANSWERED, DONE }

    private final Listener listener;
    private final ClientChannel client;
    private final Exchange ex;
    private Phase phase = Phase.CHAIN;
    private Route route;
    private boolean bodyRead;
    private Cancellation cancellation;
    private ResponseRelay relay;
    private boolean finished;
    // Failing over (U3): where the model-dependent policy begins, the exchange as it was there, and the plan.
    private int reentryAt = -1;
    private Exchange.Mark mark;
    private boolean reentering;
    private FailoverPlan plan;
    private Route.Forward forwardTarget;
    /** The request's spans; null when tracing is off (every use is one null check). */
    private RequestTrace trace;

    ChainRunner(Listener listener, ClientChannel client, Exchange ex) {
        this.listener = listener;
        this.client = client;
        this.ex = ex;
    }

    void start() {
        trace = listener.tracing().start(ex);
        client.onGone(this::clientGone);
        client.onMalformed(() -> refuse("body", MALFORMED));
        client.onDone(this::finish);
        run(listener.edge(), 0, this::route);
    }

    /** Refuses the exchange before any step ran (a request the HTTP decoder could not read). */
    void reject(String step, Verdict.Deny refusal) {
        trace = listener.tracing().start(ex);
        client.onGone(this::clientGone);
        client.onDone(this::finish);
        refuse(step, refusal);
    }

    /** Runs {@code steps} from {@code from}; synchronous verdicts continue in this loop without allocating. */
    private void run(Steps steps, int from, Runnable next) {
        for (int i = from; i < steps.size(); i++) {
            Control control = steps.control(i);
            if (control.needsBody() && !bodyRead) {
                int at = i;
                readBody(() -> run(steps, at, next));
                return;
            }
            if (control.reentryPoint() && mark == null) {
                reentryAt = i;
                mark = ex.mark();
            }
            long start = System.nanoTime();
            Future<Verdict> f;
            try {
                f = control.check(ex);
            } catch (RuntimeException e) {
                timed(steps, i, System.nanoTime() - start);
                fault(control, e);
                return;
            }
            if (f == null) {
                fault(control, new NullPointerException("check returned null"));
                return;
            }
            if (!f.isComplete()) {
                int at = i;
                f.onComplete(ar -> {
                    timed(steps, at, System.nanoTime() - start);
                    if (phase == Phase.CHAIN && decided(control, f)) run(steps, at + 1, next);
                });
                return;
            }
            timed(steps, i, System.nanoTime() - start);
            if (!decided(control, f)) return;
        }
        next.run();
    }

    /** A step's time: on the access line, its timer, and (tracing on) its span. */
    private void timed(Steps steps, int i, long nanos) {
        steps.timed(ex, i, nanos);
        if (trace != null) trace.step(steps.control(i).name(), nanos);
    }

    /** A step of the runner's own (route, body): on the access line and (tracing on) its span. */
    private void timed(String step, long nanos) {
        ex.stepTime(step, nanos);
        if (trace != null) trace.step(step, nanos);
    }

    /** True to go on; otherwise the exchange has been answered. */
    private boolean decided(Control control, Future<Verdict> f) {
        if (f.failed()) {
            fault(control, f.cause());
            return false;
        }
        Verdict v = f.result();
        if (v == null) {
            fault(control, new NullPointerException("null verdict"));
            return false;
        }
        return switch (v) {
            case Verdict.Allow a -> true;
            case Verdict.Deny d -> {
                if (reentering) fallbackRefused(control.name(), d);
                else refuse(control.name(), d);
                yield false;
            }
            case Verdict.Respond r -> {
                phase = Phase.ANSWERED;
                Responses.whole(client, ex, r.status(), r.headers(), r.body(), cors());
                yield false;
            }
        };
    }

    private void fault(Control control, Throwable cause) {
        // The cause's class and message may describe internals; they go to the log, never to the client.
        if (storeUnreachable(cause)) {
            // an outage outside Bastion, not a bug: one warning per request, the JDBC text left out (it names the host)
            log.warn("control {} could not reach the store on request {}: {}", control.name(), ex.requestId(), Faults.describe(cause));
            refuse(control.name(), STORE_UNAVAILABLE);
            return;
        }
        log.error("control {} failed on request {}: {}", control.name(), ex.requestId(), Faults.describe(cause));
        refuse(control.name(), FAULT);
    }

    /** Whether a fault's cause is the store being unreachable (a {@link StoreException} somewhere in its causes says so). */
    static boolean storeUnreachable(Throwable cause) {
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof StoreException s) return s.unavailable();
        }
        return false;
    }

    private void route() {
        long start = System.nanoTime();
        RouteTable.Result result = listener.routes().resolve(ex);
        timed("route", System.nanoTime() - start);
        switch (result) {
            case RouteTable.NotFound n -> refuse("route", Verdict.Deny.NO_ROUTE);
            case RouteTable.MethodNotAllowed m -> refuse("route", new Verdict.Deny(405, "method_not_allowed",
                    "This path does not accept this method.", Map.of("Allow", String.join(", ", m.allowed()))));
            case RouteTable.PreflightRefused p -> refuse("route", PREFLIGHT_REFUSED);
            case RouteTable.Preflight p -> {
                route = p.route();
                ex.routeId(route.id());
                ex.operation(route.operation());
                ex.errorFormat(route.errorFormat());
                phase = Phase.ANSWERED;
                route.cors().applyPreflight(ex.headers().get("Origin"), client.responseHeaders());
                Responses.whole(client, ex, 204, List.of(), null, null);
            }
            case RouteTable.Found f -> {
                route = f.route();
                ex.routeId(route.id());
                ex.operation(route.operation());
                ex.errorFormat(route.errorFormat()); // from here on, refusals speak the route's front door
                run(route.steps(), 0, this::terminal);
            }
        }
    }

    private void readBody(Runnable then) {
        long start = System.nanoTime();
        client.readBody(route.maxBodyBytes(), listener.bodyTimeoutMillis()).onComplete(ar -> {
            timed("body", System.nanoTime() - start);
            if (phase != Phase.CHAIN) return;
            if (ar.succeeded()) {
                bodyRead = true;
                if (ar.result() != null) ex.body(ar.result());
                then.run();
            } else if (ar.cause() instanceof ClientChannel.BodyRefused b) {
                refuse("body", new Verdict.Deny(b.status, b.reason, b.getMessage()).closing());
            } else {
                clientGone();
            }
        });
    }

    /** After the chain: the upstream, or Bastion's own endpoint; the body is read first if no control needed it. */
    private void terminal() {
        if (!bodyRead) {
            readBody(this::terminal);
            return;
        }
        phase = Phase.TERMINAL;
        switch (route.target()) {
            case Route.Forward f -> forward(f);
            case Route.Local l -> local(l.endpoint());
        }
    }

    private void forward(Route.Forward target) {
        FailoverPlan failover = ex.attribute(FailoverPlan.class);
        if (failover != null) {
            plan = failover;
            forwardTarget = target;
            if (cancellation == null) cancellation = new Cancellation();
            attempt();
            return;
        }
        cancellation = new Cancellation();
        RequestTrace.Attempt span = trace == null ? null : trace.attempt(ex, target.upstream().name(), null);
        UpstreamRequest request = upstreamRequest(target);
        Future<UpstreamResult> sent;
        try {
            sent = target.upstream().send(request);
        } catch (RuntimeException e) {
            sent = Future.succeededFuture(UpstreamFailure.of(target.upstream().name(), e));
        }
        sent.onComplete(ar -> {
            UpstreamResult result = ar.succeeded() ? ar.result() : UpstreamFailure.of(target.upstream().name(), ar.cause());
            if (span != null) {
                switch (result) {
                    case UpstreamResponse up -> span.end(1, up.status(), null);
                    case UpstreamFailure failure -> span.end(1, 0, failure.kind().reason);
                }
            }
            if (phase != Phase.TERMINAL) {
                if (result instanceof UpstreamResponse up) up.abort(); // the client left while the upstream was thinking
                return;
            }
            switch (result) {
                case UpstreamResponse up -> relay(up);
                case UpstreamFailure failure -> {
                    log.warn("request {} route {}: {} ({})", ex.requestId(), route.id(), failure.kind().reason, failure.detail());
                    refuse("forward", new Verdict.Deny(failure.kind().status, failure.kind().reason, failure.message()));
                }
            }
        });
    }

    /** One attempt of the plan on its current deployment; what follows depends on how it went. */
    private void attempt() {
        RequestTrace.Attempt span = trace == null ? null : trace.attempt(ex, plan.current().upstreamName(), plan.current().id());
        int before = plan.attempts();
        Future<Outcome> sent;
        try {
            sent = plan.attempt(listener.vertx(), upstreamRequest(forwardTarget));
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        sent.onComplete(ar -> {
            Outcome outcome = ar.succeeded() ? ar.result()
                    : new Outcome.Failed(dev.bastion.config.FailoverConfig.On.UNCERTAIN, 0, UpstreamFailure.of(plan.current().upstreamName(), ar.cause()));
            if (span != null) {
                // A deployment whose breaker opened in the meantime is not sent to: its span (failure "unavailable") gets no number.
                int number = plan.attempts() > before ? plan.attempts() : 0;
                switch (outcome) {
                    case Outcome.Answer a -> span.end(number, a.response().status(), null);
                    case Outcome.Failed f -> span.end(number, f.last() instanceof UpstreamResponse up ? up.status() : 0,
                            f.cause().name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            if (phase != Phase.TERMINAL) {
                if (outcome instanceof Outcome.Answer a) a.response().abort(); // the client left while the upstream was thinking
                return;
            }
            switch (outcome) {
                case Outcome.Answer a -> relayAnswer(plan.current(), a.response());
                case Outcome.Failed f -> after(plan.next(f));
            }
        });
    }

    private void after(FailoverPlan.Next next) {
        switch (next) {
            case FailoverPlan.Next.Retry r -> listener.vertx().setTimer(Math.max(1, r.delayMillis()), t -> {
                if (phase == Phase.TERMINAL) attempt();
            });
            case FailoverPlan.Next.Move m -> reenter();
            case FailoverPlan.Next.GiveUp g -> giveUp();
        }
    }

    /**
     * Another deployment: the chain runs again from the model step, on the client's body as it came, so the
     * allow-list, the budget (at that deployment's prices) and the guardrails judge what is sent now. What the
     * failed attempt reserved is released by its filters' abort: a failed attempt costs nothing.
     */
    private void reenter() {
        for (ResponseFilter f : ex.rewind(mark)) {
            try {
                f.onAbort();
            } catch (RuntimeException e) {
                log.error("request {}: response filter abort failed: {}", ex.requestId(), Faults.describe(e));
            }
        }
        ex.attribute(FailoverPlan.class, plan);
        phase = Phase.CHAIN;
        reentering = true;
        run(route.steps(), reentryAt, () -> {
            reentering = false;
            terminal();
        });
    }

    /** The policy refused the fallback (not allowed, no budget left for it): the next one, or the last failure. */
    private void fallbackRefused(String step, Verdict.Deny refusal) {
        reentering = false;
        phase = Phase.TERMINAL;
        after(plan.refused(step, refusal.reason()));
    }

    /** Nothing more to try: the client gets the last failure — the provider's own error when it answered one. */
    private void giveUp() {
        Outcome.Failed last = plan.lastFailure();
        if (last == null) { // only a refusal of the policy, never an upstream's answer: cannot happen after a failed attempt
            refuse("forward", new Verdict.Deny(502, "upstream_error", "The upstream could not be reached."));
            return;
        }
        ex.logField("deployment", plan.lastFailedDeployment().id());
        ex.logField("failover", plan.trail());
        switch (last.last()) {
            case UpstreamResponse up -> relayAnswer(plan.lastFailedDeployment(), up);
            case UpstreamFailure failure -> {
                log.warn("request {} route {}: {} after {} attempt(s) ({})", ex.requestId(), route.id(), failure.kind().reason, plan.attempts(), failure.detail());
                refuse("forward", new Verdict.Deny(failure.kind().status, failure.kind().reason, failure.message()));
            }
        }
    }

    /** An answer from a deployment of the plan: it names the public model that answered and how many attempts it took. */
    private void relayAnswer(dev.bastion.failover.Deployment by, UpstreamResponse up) {
        up.headers().set("X-Bastion-Model", by.publicName());
        up.headers().set("X-Bastion-Attempts", Integer.toString(Math.max(1, plan.attempts())));
        if (!plan.trail().isEmpty()) ex.logField("failover", plan.trail());
        relay(up);
    }

    /**
     * Relays the upstream's answer through the exchange's filters — the first of them, nearest the upstream, taking
     * out any secret value it repeats (an error that echoes the provider key Bastion sent: K3).
     */
    private void relay(UpstreamResponse up) {
        phase = Phase.RELAY;
        ex.addResponseMeter(new EchoedSecrets(LogRedactor.global()));
        relay = new ResponseRelay(listener.vertx(), client, ex, route.cors());
        relay.start(up);
    }

    private UpstreamRequest upstreamRequest(Route.Forward target) {
        boolean readsBody = false;
        for (ResponseFilter f : ex.responseFilters()) readsBody |= f.readsBody();
        return new UpstreamRequest(ex, target.path(ex.rawPath()), ex.outboundBody(), ex.secure(), target.forwardUserToken(), readsBody, cancellation);
    }

    private void local(LocalEndpoint endpoint) {
        Future<Verdict> answer;
        try {
            answer = endpoint.handle(ex);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        answer.onComplete(ar -> {
            if (phase != Phase.TERMINAL) return;
            if (ar.failed() || ar.result() == null) {
                // A store outage or unreachable identity-provider keys: temporary, and never a pass.
                if (ar.failed() && storeUnreachable(ar.cause())) {
                    log.warn("request {} route {}: local endpoint could not reach the store: {}", ex.requestId(), route.id(), Faults.describe(ar.cause()));
                    refuse("endpoint", STORE_UNAVAILABLE);
                    return;
                }
                log.error("request {} route {}: local endpoint failed: {}", ex.requestId(), route.id(), ar.failed() ? Faults.describe(ar.cause()) : "no answer");
                refuse("endpoint", UNAVAILABLE);
                return;
            }
            switch (ar.result()) {
                case Verdict.Respond r -> {
                    phase = Phase.ANSWERED;
                    Responses.whole(client, ex, r.status(), r.headers(), r.body(), route.cors());
                }
                case Verdict.Deny d -> refuse("endpoint", d);
                case Verdict.Allow a -> {
                    log.error("request {} route {}: local endpoint answered with an allow", ex.requestId(), route.id());
                    refuse("endpoint", FAULT);
                }
            }
        });
    }

    /** Answers with the refusal; the step's name goes to the access line. */
    private void refuse(String step, Verdict.Deny refusal) {
        if (phase == Phase.ANSWERED || phase == Phase.RELAY || phase == Phase.DONE) return;
        phase = Phase.ANSWERED;
        ex.refusedBy(step);
        if (trace != null) trace.refused(step, refusal.reason());
        for (ExchangeListener l : listener.listeners()) l.refused(ex, step, refusal);
        Responses.error(client, ex, refusal, cors());
    }

    private CorsPolicy cors() {
        return route == null ? null : route.cors();
    }

    private void clientGone() {
        switch (phase) {
            case CHAIN, TERMINAL -> {
                ex.status(499);
                if (ex.errorCode() == null) ex.errorCode("client_closed");
                if (cancellation != null) cancellation.cancel(); // the upstream would otherwise work (and bill) for nobody
            }
            case RELAY -> {
                if (ex.errorCode() == null) ex.errorCode("client_closed");
                relay.clientGone();
            }
            case ANSWERED, DONE -> { }
        }
        phase = Phase.DONE;
    }

    /** The record step: exactly once, however the exchange ended. */
    private void finish() {
        if (finished) return;
        finished = true;
        phase = Phase.DONE;
        if (relay != null) relay.abortOpen();
        else ResponseRelay.abortAll(ex);
        for (Runnable r : ex.finishers()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // A finisher releases something (a slot, a reservation): one failing must not stop the others.
                log.error("request {}: finisher failed: {}", ex.requestId(), Faults.describe(e));
            }
        }
        long end = System.nanoTime();
        if (trace != null) trace.end(ex, route == null ? null : route.match().path(), end);
        for (ExchangeListener l : listener.listeners()) {
            try {
                l.finished(ex, end);
            } catch (RuntimeException e) {
                log.error("request {}: recording failed: {}", ex.requestId(), Faults.describe(e));
            }
        }
    }
}
