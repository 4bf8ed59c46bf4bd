package dev.bastion.contract;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ContractConfig;
import dev.bastion.config.RouteConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route's contract, compiled once when the gateway (or {@code bastion check}) loads its config. A schema that
 * does not compile is a config error naming the route and the part ({@code routes[2] 'boards.create':
 * contract.body: …}); the gateway does not start with a contract it cannot hold requests to.
 */
public final class Contracts {
    private final Map<String, RequestContract> byRoute;
    private final Map<String, ResponseSchema> responses;
    private final Map<String, HtmlFields> html;

    private Contracts(Map<String, RequestContract> byRoute, Map<String, ResponseSchema> responses, Map<String, HtmlFields> html) {
        this.byRoute = byRoute;
        this.responses = responses;
        this.html = html;
    }

    /** A route's answer schema, checked in detect mode. */
    record ResponseSchema(CompiledSchema schema, long maxBytes) {}

    /** @throws ConfigException one problem per schema that does not compile */
    public static Contracts compile(BastionConfig config) {
        Map<String, RequestContract> out = new LinkedHashMap<>();
        Map<String, ResponseSchema> responses = new LinkedHashMap<>();
        Map<String, HtmlFields> html = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            ContractConfig c = r.contract();
            if (c == null) continue;
            String at = "routes[" + i + "] '" + r.id() + "': contract.";
            CompiledSchema body = compile(c.body(), at + "body", problems);
            CompiledSchema query = compile(c.query(), at + "query", problems);
            out.put(r.id(), new RequestContract(body, c.body() == null || c.body().required(), query, config.contracts().with(c.limits())));
            if (!c.sanitizeHtml().isEmpty()) html.put(r.id(), new HtmlFields(c.sanitizeHtml()));
            if (c.response() != null) {
                CompiledSchema response = compile(new ContractConfig.Schema(c.response().schema(), null, null), at + "response", problems);
                if (response != null) responses.put(r.id(), new ResponseSchema(response, c.response().maxBytes().bytes()));
            }
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new Contracts(Map.copyOf(out), Map.copyOf(responses), Map.copyOf(html));
    }

    private static CompiledSchema compile(ContractConfig.Schema schema, String at, List<String> problems) {
        if (schema == null) return null;
        try {
            // The config's YAML tree (Jackson 2) becomes the validator's (Jackson 3) through its JSON text, once.
            return CompiledSchema.compile(schema.schema().toString());
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }

    /** The route's contract step, or null when it has no contract. */
    public ContractControl control(String routeId, io.micrometer.core.instrument.MeterRegistry registry) {
        RequestContract request = byRoute.get(routeId);
        return request == null ? null : new ContractControl(request, responses.get(routeId), html.get(routeId), routeId, registry);
    }

    /** The route's contract, or null when it has none. */
    public RequestContract forRoute(String routeId) {
        return byRoute.get(routeId);
    }
}
