package dev.bastion.tenant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.PathTemplate;
import dev.bastion.config.RouteConfig;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant binding (Z2): a route's {@code bind} list — a path segment, a query parameter, a JSON body field or
 * a GraphQL argument that must name the caller's own org (or user). A request naming anything else, naming
 * nothing where a value is required, or naming it ambiguously (a parameter twice, a duplicate JSON key, a
 * value that is not a plain string or integer) ends the chain with exactly the 404 the gateway gives for an
 * unknown route — whether the other org's resource exists is not disclosed — and is recorded as a
 * {@code tenant.cross_attempt} audit event (who, the route, which binding and why; never the values) and on
 * {@code bastion.tenant.cross_attempts{route,binding,reason}}.
 *
 * <p>Values are compared exactly: case-sensitive, no Unicode folding ({@code ａcme} is not {@code acme}),
 * decoded once (the path by the edge, which refuses encoded slashes and dot segments; query parameters
 * here — a {@code %2561} stays {@code %61}). It runs after authentication and {@code require}, before the
 * limits (so its 404 carries no rate-limit headers an unknown route would not); a route that binds the body
 * or a GraphQL argument reads the body here, within the route's body cap. No identity (which assembly makes
 * impossible) is 401, never an allow. What the gateway cannot know — whether board 42 belongs to acme — stays
 * the application's check, on the signed identity (docs/architecture.md).
 */
public final class TenantControl implements Control {
    private static final Logger log = LoggerFactory.getLogger(TenantControl.class);
    private static final Verdict.Deny NO_IDENTITY = new Verdict.Deny(401, "credentials_missing", "This route requires credentials.");
    private static final String[] REASONS = {"tenant_mismatch", "tenant_value_missing", "tenant_value_ambiguous"};
    private static final int MISMATCH = 0, MISSING = 1, AMBIGUOUS = 2, MATCH = -1;
    // Duplicate keys anywhere are refused: were Bastion to read the last "org_id" and the application the first, the check would be of another org.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final String route;
    private final PathTemplate template;
    private final RouteConfig.Bind[] binds;
    private final JsonPointer[] pointers;
    private final GraphqlArgumentReader graphql;
    private final AuditLog audit;
    private final Counter[][] counters;
    private final boolean needsBody;

    /**
     * @param route     the route's id, for the event and the metric
     * @param matchPath the route's {@code match.path} (its {@code {name}} segments)
     * @param binds     the route's bindings; not empty
     * @param graphql   reads GraphQL arguments; required when a binding names one
     */
    public TenantControl(String route, String matchPath, List<RouteConfig.Bind> binds, GraphqlArgumentReader graphql, AuditLog audit, MeterRegistry registry) {
        this.route = Objects.requireNonNull(route, "route");
        if (binds == null || binds.isEmpty()) throw new IllegalArgumentException("binds: empty (expected: at least one)");
        this.binds = binds.toArray(RouteConfig.Bind[]::new);
        this.template = PathTemplate.isTemplate(matchPath) ? PathTemplate.parse(matchPath) : null;
        this.pointers = new JsonPointer[this.binds.length];
        this.counters = new Counter[this.binds.length][REASONS.length];
        boolean body = false;
        for (int i = 0; i < this.binds.length; i++) {
            RouteConfig.Bind b = this.binds[i];
            if (b.path() != null && (template == null || !template.names(b.path()))) {
                throw new IllegalArgumentException("bind: path '" + b.path() + "' is not a segment of '" + matchPath + "'");
            }
            if (b.body() != null) pointers[i] = JsonPointer.compile(b.body());
            if (b.graphql() != null && graphql == null) throw new IllegalArgumentException("bind: graphql '" + b.graphql() + "' without a GraphQL reader");
            body |= b.body() != null || b.graphql() != null;
            for (int r = 0; r < REASONS.length; r++) {
                counters[i][r] = Counter.builder("bastion.tenant.cross_attempts").description("Requests refused by a tenant binding (Z2)")
                        .tag("route", route).tag("binding", b.where()).tag("reason", REASONS[r]).register(registry);
            }
        }
        this.needsBody = body;
        this.graphql = graphql;
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "tenant";
    }

    @Override
    public boolean needsBody() {
        return needsBody;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        Identity id = ex.identity();
        if (id == null) return NO_IDENTITY.future();
        JsonNode[] body = needsBody ? new JsonNode[1] : null;
        for (int i = 0; i < binds.length; i++) {
            RouteConfig.Bind b = binds[i];
            java.util.Collection<String> expected = expected(b.to(), id);
            int outcome = expected.isEmpty() ? MISMATCH : evaluate(ex, i, b, expected, body);
            if (outcome != MATCH) return refuse(ex, id, i, outcome);
        }
        return Verdict.ALLOWED;
    }

    /**
     * What a bound value may be: the caller's org, its user id (none for a machine), or one of the values of a token
     * claim (none for an API key, whose identity carries no claims).
     */
    private static java.util.Collection<String> expected(String to, Identity id) {
        if ("org".equals(to)) return List.of(id.orgId());
        if ("user".equals(to)) return id.userId() == null ? List.of() : List.of(id.userId());
        return id.claims().getOrDefault(to.substring(RouteConfig.Bind.CLAIM.length()), java.util.Set.of());
    }

    private int evaluate(Exchange ex, int i, RouteConfig.Bind b, java.util.Collection<String> expected, JsonNode[] body) {
        if (b.path() != null) {
            String v = template.value(ex.path(), b.path());
            return v == null ? MISSING : expected.contains(v) ? MATCH : MISMATCH;
        }
        if (b.query() != null) return query(ex.rawQuery(), b.query(), expected, b.required());
        if (b.body() != null) {
            if (body[0] == null) {
                Object parsed = parse(ex);
                if (parsed instanceof Integer outcome) return outcome;
                body[0] = (JsonNode) parsed;
            }
            JsonNode at = body[0].at(pointers[i]);
            if (at.isMissingNode() || at.isNull()) return MISSING;
            if (!at.isTextual() && !at.isIntegralNumber()) return AMBIGUOUS;
            return expected.contains(at.asText()) ? MATCH : MISMATCH;
        }
        List<String> values = graphql.values(ex, b.graphql());
        if (values == null) return AMBIGUOUS;
        if (values.isEmpty()) return b.required() ? MISSING : MATCH;
        for (String v : values) if (!expected.contains(v)) return MISMATCH;
        return MATCH;
    }

    /** The body as JSON, or the outcome when there is none (missing) or it is not one unambiguous JSON document. */
    private static Object parse(Exchange ex) {
        if (ex.body() == null || ex.body().length() == 0) return MISSING;
        try {
            JsonNode n = JSON.readTree(ex.body().getBytes());
            return n == null ? MISSING : n;
        } catch (java.io.IOException e) { // not JSON, or a duplicate key
            return AMBIGUOUS;
        }
    }

    /**
     * A query parameter's one value. The name given twice, or also in another letter case (some frameworks read
     * parameters case-insensitively), or undecodable, is ambiguous: which would the application read?
     */
    static int query(String rawQuery, String name, String expected, boolean required) {
        return query(rawQuery, name, List.of(expected), required);
    }

    static int query(String rawQuery, String name, java.util.Collection<String> expected, boolean required) {
        String value = null;
        boolean seen = false;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            int at = 0;
            while (at <= rawQuery.length()) {
                int end = rawQuery.indexOf('&', at);
                if (end < 0) end = rawQuery.length();
                if (end > at) {
                    int eq = rawQuery.indexOf('=', at);
                    int keyEnd = eq < 0 || eq > end ? end : eq;
                    String key = rawQuery.substring(at, keyEnd);
                    boolean encoded = key.indexOf('%') >= 0 || key.indexOf('+') >= 0;
                    try {
                        if (encoded) key = URLDecoder.decode(key, StandardCharsets.UTF_8);
                        if (key.equalsIgnoreCase(name)) {
                            if (seen || !key.equals(name)) return AMBIGUOUS;
                            seen = true;
                            value = keyEnd == end ? "" : URLDecoder.decode(rawQuery.substring(keyEnd + 1, end), StandardCharsets.UTF_8);
                        }
                    } catch (IllegalArgumentException e) {
                        return AMBIGUOUS;
                    }
                }
                at = end + 1;
            }
        }
        if (!seen) return required ? MISSING : MATCH;
        return expected.contains(value) ? MATCH : MISMATCH;
    }

    private Future<Verdict> refuse(Exchange ex, Identity id, int i, int outcome) {
        RouteConfig.Bind b = binds[i];
        counters[i][outcome].increment();
        log.warn("security_event cross_tenant_attempt actor_org={} actor={} route={} binding={} to={} reason={} request_id={}",
                id.orgId(), id.subject(), route, b.where(), b.to(), REASONS[outcome], ex.requestId());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("org", id.orgId());
        f.put("principal", id.subject());
        f.put("credential", id.credentialType());
        f.put("route", route);
        f.put("binding", b.where());
        f.put("to", b.to());
        f.put("reason", REASONS[outcome]);
        f.put("decision", "denied");
        f.put("request_id", ex.requestId());
        if (ex.traceId() != null) f.put("trace_id", ex.traceId());
        f.put("client_ip", ex.clientIp());
        audit.event("tenant.cross_attempt", f);
        ex.logField("tenant", REASONS[outcome] + " " + b.where());
        // The router's 404 carries no headers from steps (the per-IP limit's RateLimit state): neither does this one.
        if (ex.hasResponseHeaders()) ex.responseHeaders().clear();
        return Verdict.Deny.NO_ROUTE.future();
    }
}
