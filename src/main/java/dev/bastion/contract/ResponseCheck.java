package dev.bastion.contract;

import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict.Violation;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks one upstream answer against its route's response schema, in detect mode: every chunk passes on unchanged
 * and at once, a copy is kept (up to the schema's {@code max_bytes}), and when the answer ends it is validated. A
 * mismatch is a signal — an app returning a field it should not (a data leak), or a contract out of date — logged
 * with the pointers and keywords (never the values) and counted in
 * {@code bastion_contract_response_mismatch_total{route}}; it never changes, delays or refuses the answer. Only
 * successful (2xx) JSON answers are checked.
 */
final class ResponseCheck implements ResponseFilter {
    private static final Logger log = LoggerFactory.getLogger(ResponseCheck.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The route's counters and schema, made once. */
    record Meters(Contracts.ResponseSchema schema, String route, Counter checked, Counter mismatched, Counter unchecked) {}

    private final Meters meters;
    private final String requestId;
    private Buffer copy;
    private boolean checking;

    ResponseCheck(Meters meters, String requestId) {
        this.meters = meters;
        this.requestId = requestId;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        checking = status >= 200 && status < 300 && MediaTypes.json(headers.get("Content-Type"));
        if (checking) copy = Buffer.buffer();
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        if (checking) {
            if (copy.length() + chunk.length() > meters.schema().maxBytes()) {
                checking = false;
                copy = null;
                meters.unchecked().increment();
            } else {
                copy.appendBuffer(chunk);
            }
        }
        return chunk;
    }

    @Override
    public Buffer onEnd() {
        if (!checking) return null;
        List<Violation> violations;
        try {
            JsonNode tree = JSON.readTree(copy.getBytes());
            violations = meters.schema().schema().validate(tree);
        } catch (JacksonException e) {
            violations = List.of(new Violation("", "json"));
        } finally {
            copy = null;
        }
        if (!violations.isEmpty()) {
            log.warn("contract: the answer to request {} on route {} does not match its response schema: {}", requestId, meters.route(),
                    violations.stream().map(v -> (v.pointer().isEmpty() ? "(root)" : v.pointer()) + " " + v.keyword()).toList());
            meters.mismatched().increment();
        }
        meters.checked().increment();
        return null;
    }

    @Override
    public void onAbort() {
        copy = null;
    }
}
