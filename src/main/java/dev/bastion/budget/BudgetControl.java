package dev.bastion.budget;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Faults;
import dev.bastion.chain.Identity;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.BudgetsConfig;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.failover.FailoverPlan;
import dev.bastion.llm.LlmRequest;
import dev.bastion.llm.MeteredCall;
import dev.bastion.llm.ResponseMeter;
import dev.bastion.llm.TokenCounter;
import dev.bastion.llm.Usage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM token and cost budgets (L6): reserve, then settle. Before the request goes upstream, its most
 * expensive outcome — prompt tokens counted with the model's encoding, plus {@code max_tokens} (or the
 * configured default) for every choice — is reserved on every budget that applies, atomically and all or
 * none; a reservation that does not fit is refused with 429 {@code budget_exhausted}. When the response
 * has passed, the reservation is replaced by what was really used: the provider's {@code usage} (for a
 * stream, Bastion asks for it with {@code stream_options.include_usage} and takes that chunk out again if
 * the client did not ask), or, when none arrives (a cut stream), the completion text counted as it went by.
 */
public final class BudgetControl implements Control {
    private static final Logger log = LoggerFactory.getLogger(BudgetControl.class);
    private static final Verdict.Deny UNAVAILABLE = new Verdict.Deny(503, "budget_unavailable",
            "Budgets cannot be checked right now; retry shortly.", Map.of("Retry-After", "1"));

    private final LlmApi api;
    private final List<BudgetsConfig.Rule> rules;
    private final BudgetsConfig config;
    private final TokenCounter counter;
    private final Ledger ledger;
    private final StoredUsage stored;
    private final BudgetEvents events;
    private final Clock clock;
    private final boolean anyCost;

    BudgetControl(LlmApi api, List<BudgetsConfig.Rule> rules, BudgetsConfig config, TokenCounter counter, Ledger ledger,
                  StoredUsage stored, BudgetEvents events, Clock clock) {
        this.api = api;
        this.rules = List.copyOf(rules);
        this.config = config;
        this.counter = counter;
        this.ledger = ledger;
        this.stored = stored;
        this.events = events;
        this.clock = clock;
        this.anyCost = rules.stream().anyMatch(r -> r.cost() != null);
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        Identity id = ex.identity();
        if (id == null) return Future.failedFuture(new IllegalStateException("budget without a caller"));
        LlmRequest req = ex.attribute(LlmRequest.class);
        if (req == null) {
            try {
                if (ex.json() == null) throw new LlmRequest.Invalid("The request body is empty; a JSON object is expected.");
                if (ex.json().duplicateKey()) throw new LlmRequest.Invalid(JsonBody.DUPLICATE_KEY);
                req = LlmRequest.parse(api, ex.json().tree(), counter);
            } catch (LlmRequest.Invalid e) {
                return new Verdict.Deny(400, "invalid_llm_request", e.getMessage()).future();
            }
            ex.attribute(LlmRequest.class, req);
        }
        BudgetsConfig.Price price = priceOf(ex, req);
        if (anyCost && price == null) {
            return new Verdict.Deny(403, "model_not_priced", "The requested model has no price configured, so a cost budget cannot admit it.").future();
        }
        long completion = (long) (req.maxTokens() != null ? req.maxTokens() : api == LlmApi.EMBEDDINGS ? 0 : config.defaultMaxTokens()) * req.choices();
        long prompt = reservedPrompt(req, config);
        Amount estimate = new Amount(prompt + completion, Pricing.costMicros(price, prompt, completion));
        Instant now = clock.instant();
        List<Account> accounts = new ArrayList<>(rules.size());
        for (BudgetsConfig.Rule r : rules) {
            Instant start = Periods.start(r.period(), now);
            accounts.add(new Account(r.id(), id.key(r.per().key), id.orgId(), start, Periods.end(r.period(), start),
                    r.tokens() == null ? -1 : r.tokens(), r.cost() == null ? -1 : Pricing.micros(r.cost())));
        }
        LlmRequest request = req;
        return ledger.reserve(accounts, estimate).map(res -> {
            if (res == FailoverLedger.UNAVAILABLE) return UNAVAILABLE;
            if (!res.granted()) return refuse(res, request, now);
            // Only the provider sees this: the controls after this one read the request as the client sent it.
            if (request.needsUsageReport()) ex.json().beforeSend(LlmRequest::includeUsage);
            // What was reserved is what the model may write: a request that named no limit would otherwise
            // run to the model's own (thousands of tokens over the reservation, settled after the fact).
            if (request.maxTokens() == null && api != LlmApi.EMBEDDINGS) {
                int cap = config.defaultMaxTokens();
                ex.json().beforeSend(body -> LlmRequest.capCompletion(body, api, cap));
            }
            ex.addResponseMeter(new Settlement(ex, res, request, price, whole -> ex.answerJson(whole).tree()));
            return Verdict.ALLOW;
        });
    }

    /**
     * The prompt's most expensive outcome: its count, with each image the provider may read in high detail at
     * {@code image_tokens} instead of the low-detail price the count gives it (a high-detail image costs up to
     * 17 times that on GPT-4o, more on models that bill images at a multiple).
     */
    static long reservedPrompt(LlmRequest req, BudgetsConfig config) {
        return req.promptTokens() + (long) req.detailedImages() * (config.imageTokens() - TokenCounter.PER_IMAGE);
    }

    /**
     * The price of the deployment that will serve the request when it names one (the model step chose it;
     * a fallback re-enters here with its own), else the price table's for the public model.
     */
    private BudgetsConfig.Price priceOf(Exchange ex, LlmRequest req) {
        FailoverPlan plan = ex.attribute(FailoverPlan.class);
        BudgetsConfig.Price own = plan == null ? null : plan.current().price();
        return own != null ? own : config.priceOf(req.model());
    }

    private Verdict refuse(Ledger.Reservation res, LlmRequest req, Instant now) {
        int i = 0;
        for (int k = 0; k < res.accounts().size(); k++) {
            Account a = res.accounts().get(k);
            Amount held = res.used()[k].plus(res.reserved()[k]);
            boolean over = (a.tokenLimit() >= 0 && held.tokens() + res.amount().tokens() > a.tokenLimit())
                    || (a.costLimitMicros() >= 0 && held.costMicros() + res.amount().costMicros() > a.costLimitMicros());
            if (over) {
                events.refused(a, res.newlyExhausted()[k]);
                i = k;
            }
        }
        Account a = res.accounts().get(i);
        Amount held = res.used()[i].plus(res.reserved()[i]);
        String left = a.tokenLimit() >= 0 && held.tokens() + res.amount().tokens() > a.tokenLimit()
                ? Math.max(0, a.tokenLimit() - held.tokens()) + " tokens left, and this request may use up to " + res.amount().tokens()
                + " (prompt " + reservedPrompt(req, config) + " + completion " + (res.amount().tokens() - reservedPrompt(req, config)) + ")"
                : Pricing.format(Math.max(0, a.costLimitMicros() - held.costMicros())) + " left, and this request may cost up to "
                + Pricing.format(res.amount().costMicros());
        long retry = Math.max(1, a.periodEnd().getEpochSecond() - now.getEpochSecond());
        return new Verdict.Deny(429, "budget_exhausted", "Budget '" + a.ruleId() + "' has " + left + ". It renews at "
                + a.periodEnd() + ". A request with a lower max_tokens may still fit.", Map.of("Retry-After", Long.toString(retry)));
    }

    private record Used(long in, long out, long cost) {
        static final Used NONE = new Used(0, 0, 0);
    }

    /** Meters the response and settles the reservation exactly once, however the exchange ends. */
    private final class Settlement implements ResponseFilter {
        private final Exchange ex;
        private final Ledger.Reservation reservation;
        private final LlmRequest req;
        private final BudgetsConfig.Price price;
        private final ResponseMeter meter;
        private int status = -1;
        private boolean broken;
        private boolean settled;

        Settlement(Exchange ex, Ledger.Reservation reservation, LlmRequest req, BudgetsConfig.Price price,
                   java.util.function.Function<Buffer, com.fasterxml.jackson.databind.JsonNode> answerJson) {
            this.ex = ex;
            this.reservation = reservation;
            this.req = req;
            this.price = price;
            this.meter = new ResponseMeter(counter, req.model(), req.stream() && !req.clientWantsUsage(), ResponseMeter.DEFAULT_MAX_BUFFERED, answerJson);
        }

        @Override
        public void onHeaders(int status, MultiMap headers) {
            this.status = status;
            String type = headers.get("Content-Type");
            meter.contentType(type);
            // Taking the usage chunk out changes the length: a stream must not carry the upstream's.
            if (req.stream() && !req.clientWantsUsage()) headers.remove("Content-Length");
        }

        @Override
        public Buffer onChunk(Buffer chunk) {
            if (broken) return chunk;
            try {
                return meter.onChunk(chunk);
            } catch (RuntimeException e) {
                broken = true; // never break the response over metering: settle at the reservation instead
                log.error("budget metering failed; settling at the reservation: {}", Faults.describe(e));
                return chunk;
            }
        }

        @Override
        public Buffer onEnd() {
            Buffer tail = null;
            if (!broken) {
                try {
                    tail = meter.onEnd();
                } catch (RuntimeException e) {
                    broken = true;
                    log.error("budget metering failed; settling at the reservation: {}", Faults.describe(e));
                }
            }
            settle();
            return tail;
        }

        @Override
        public void onAbort() {
            settle();
        }

        private void settle() {
            if (settled) return;
            settled = true;
            Used used = used();
            Amount amount = new Amount(used.in() + used.out(), used.cost());
            // for usage over time (the record step); nothing reached the model without a response
            if (status >= 0) ex.attribute(MeteredCall.class, new MeteredCall(req.model(), used.in(), used.out(), used.cost()).plus(ex.attribute(MeteredCall.class)));
            StoredUsage.Receipt receipt = stored.add(reservation.accounts(), amount);
            ledger.settle(reservation, amount, receipt).onSuccess(events::settled)
                    .onFailure(t -> log.warn("budget settlement failed ({}); the reservation's lease frees it", t.getMessage()));
        }

        /** What the request used, prompt and completion apart, as well as can be known. */
        private Used used() {
            if (status < 0) return Used.NONE; // no upstream response: nothing reached the model as far as we know
            long prompt = reservedPrompt(req, config); // without the provider's usage, images count at their worst case
            if (broken || !meter.measurable()) {
                Amount r = reservation.amount();
                return new Used(prompt, Math.max(0, r.tokens() - prompt), r.costMicros());
            }
            Usage u = meter.reported();
            if (u != null) return new Used(u.promptTokens(), u.completionTokens(), Pricing.costMicros(price, u.promptTokens(), u.completionTokens()));
            if (status >= 400) return Used.NONE; // an error without usage: the provider did not bill it
            long completion = meter.countedCompletionTokens();
            return new Used(prompt, completion, Pricing.costMicros(price, prompt, completion));
        }
    }
}
