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
 * Checks one upstream answer against the schema of its status (its operation's, or the route's own for 2xx), in
 * detect mode: every chunk passes on unchanged and at once, a copy is kept (up to the route's {@code max_bytes}), and
 * when the answer ends it is validated. A mismatch is a signal — an app returning a field it should not (a data leak),
 * or a contract out of date — logged with the pointers and keywords (never the values) and counted in
 * {@code bastion_contract_response_mismatch_total{route}}; it never changes, delays or refuses the answer. Only JSON
 * answers whose status has a schema are checked.
 */
final class ResponseCheck implements ResponseFilter {
    private static final Logger log = LoggerFactory.getLogger(ResponseCheck.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The route's counters and size limit, made once. */
    record Meters(long maxBytes, String route, Counter checked, Counter mismatched, Counter unchecked) {}

    private final Meters meters;
    private final ResponseSchemas schemas;
    private final String requestId;
    private final String operation;
    private CompiledSchema schema;
    private int status;
    private Buffer copy;
    private boolean checking;

    /** @param operation the OpenAPI operation the request was held to, for the log; or null */
    ResponseCheck(Meters meters, ResponseSchemas schemas, String requestId, String operation) {
        this.meters = meters;
        this.schemas = schemas;
        this.requestId = requestId;
        this.operation = operation;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        this.status = status;
        schema = MediaTypes.json(headers.get("Content-Type")) ? schemas.forStatus(status) : null;
        checking = schema != null;
        if (checking) copy = Buffer.buffer();
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        if (checking) {
            if (copy.length() + chunk.length() > meters.maxBytes()) {
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
            violations = schema.validate(tree);
        } catch (JacksonException e) {
            violations = List.of(new Violation("", "json"));
        } finally {
            copy = null;
        }
        if (!violations.isEmpty()) {
            log.warn("contract: the {} answer to request {} on route {}{} does not match its response schema: {}", status, requestId, meters.route(),
                    operation == null ? "" : " (operation " + operation + ")",
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
