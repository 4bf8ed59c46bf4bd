package dev.bastion.graphql;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.GraphqlConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GraphQL request limits for a route (W7): depth, aliases, fields, complexity, document size, batch size,
 * introspection (off in prod unless the route says otherwise) and the optional persisted-query
 * allow-list. Reads a GET's query string or a POST's body ({@code application/json}, one request or a
 * batch; {@code application/graphql}) and refuses with 400 and a stable {@code graphql_…} code whose
 * message never contains the document. The decision is {@link GraphqlLimits}'s; this adapts it to the
 * chain. It never ends the chain any other way: a request it can read and that is within limits goes on,
 * with its measures on the access line.
 */
public final class GraphqlControl implements Control {
    private final GraphqlLimits limits;

    /**
     * @param config the route's {@code graphql:} block
     * @param prod   whether Bastion runs with {@code environment: prod} (introspection is off there by default)
     */
    public GraphqlControl(GraphqlConfig config, boolean prod) {
        this.limits = new GraphqlLimits(config, prod);
    }

    @Override
    public Stage stage() {
        // After authentication and the limits: a caller who may not call this route never makes Bastion read or parse a body.
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "graphql";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        GraphqlLimits.Result result;
        if (ex.method() == HttpMethod.GET) {
            result = limits.checkGet(ex.rawQuery());
        } else if (ex.method() == HttpMethod.POST) {
            result = limits.checkPost(ex.headers().get("Content-Type"), ex.body() == null ? null : ex.body().getBytes(), ex.rawQuery());
        } else {
            result = new GraphqlLimits.Refusal(GraphqlLimits.Code.INVALID, "GraphQL requests are GET or POST.");
        }
        return switch (result) {
            case GraphqlLimits.Refusal r -> new Verdict.Deny(400, r.code().code(), r.message()).future();
            case GraphqlLimits.Ok ok -> {
                Map<String, Object> measured = new LinkedHashMap<>();
                measured.put("operations", ok.operations());
                measured.put("depth", ok.depth());
                measured.put("aliases", ok.aliases());
                measured.put("fields", ok.fields());
                measured.put("complexity", ok.complexity());
                ex.logField("graphql", measured);
                yield Verdict.ALLOWED;
            }
        };
    }
}
