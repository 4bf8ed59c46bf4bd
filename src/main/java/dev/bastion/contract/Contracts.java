package dev.bastion.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ContractConfig;
import dev.bastion.config.ContractsConfig;
import dev.bastion.config.RouteConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route's contract, compiled once when the gateway (or {@code bastion check}) loads its config: its own
 * schemas, one operation of an OpenAPI document, or a whole document (every operation, looked up per request in an
 * {@link OperationTable}). A schema that does not compile, or an operation that is not there, is a config error
 * naming the route and the part ({@code routes[2] 'boards.create': contract.body: …}); the gateway does not start
 * with a contract it cannot hold requests to.
 */
public final class Contracts {
    private final Map<String, OperationContract> single;
    private final Map<String, DocumentContract> documents;
    private final Map<String, Long> responseMaxBytes;
    private final Map<String, HtmlFields> html;

    private Contracts(Map<String, OperationContract> single, Map<String, DocumentContract> documents, Map<String, Long> responseMaxBytes,
                      Map<String, HtmlFields> html) {
        this.single = single;
        this.documents = documents;
        this.responseMaxBytes = responseMaxBytes;
        this.html = html;
    }

    /** @throws ConfigException one problem per schema that does not compile or document that cannot be read */
    public static Contracts compile(BastionConfig config) {
        Map<String, OperationContract> single = new LinkedHashMap<>();
        Map<String, DocumentContract> documents = new LinkedHashMap<>();
        Map<String, Long> responses = new LinkedHashMap<>();
        Map<String, HtmlFields> html = new LinkedHashMap<>();
        Compiler compiler = new Compiler();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            ContractConfig c = r.contract();
            if (c == null) continue;
            String at = "routes[" + i + "] '" + r.id() + "': contract.";
            ContractsConfig limits = config.contracts().with(c.limits());
            if (c.openapi() == null) {
                CompiledSchema body = compiler.schema(c.body() == null ? null : c.body().schema(), at + "body");
                CompiledSchema query = compiler.schema(c.query() == null ? null : c.query().schema(), at + "query");
                CompiledSchema response = compiler.schema(c.response() == null ? null : c.response().schema(), at + "response");
                single.put(r.id(), new OperationContract(null, new RequestContract(body, c.body() == null || c.body().required(), query, null, limits),
                        response == null ? null : ResponseSchemas.successful(response)));
            } else {
                try {
                    OpenApiDocument doc = compiler.document(c.openapi().file());
                    if (c.openapi().wholeDocument()) {
                        documents.put(r.id(), compiler.document(doc, c.openapi(), limits, at + "openapi"));
                    } else {
                        // One operation on a route of the config's own path: which segment is which parameter is the
                        // route's business (bind:), so its path parameters are not validated.
                        single.put(r.id(), compiler.operation(doc.operation(c.openapi()), false, limits, at + "openapi"));
                    }
                } catch (IllegalArgumentException e) {
                    compiler.problems.add(at + e.getMessage()); // the message starts with the key: openapi.file: …
                }
            }
            if (!c.sanitizeHtml().isEmpty()) html.put(r.id(), new HtmlFields(c.sanitizeHtml()));
            if (c.response() != null) responses.put(r.id(), c.response().maxBytes().bytes());
        }
        if (!compiler.problems.isEmpty()) throw new ConfigException(compiler.problems);
        return new Contracts(Map.copyOf(single), Map.copyOf(documents), Map.copyOf(responses), Map.copyOf(html));
    }

    /** Compiles once what several routes or operations share: a document read per file, a schema per text. */
    private static final class Compiler {
        final List<String> problems = new ArrayList<>();
        final Map<String, OpenApiDocument> documents = new HashMap<>();
        final Map<String, CompiledSchema> schemas = new HashMap<>();

        OpenApiDocument document(String file) {
            OpenApiDocument doc = documents.get(file);
            if (doc == null) documents.put(file, doc = OpenApiDocument.read(file));
            return doc;
        }

        DocumentContract document(OpenApiDocument doc, ContractConfig.OpenApi ref, ContractsConfig limits, String at) {
            OperationTable table = new OperationTable();
            for (OpenApiDocument.Operation op : doc.operations()) {
                OperationContract compiled = operation(op, true, limits, at);
                table.add(op.path(), op.method(), compiled); // a malformed or repeated path throws: the route's problem
            }
            String base = ref.basePath() != null ? ref.basePath() : doc.serverBasePath();
            return new DocumentContract(table, base, ref.undocumented() == ContractConfig.Undocumented.ALLOW, new RequestContract(null, null, limits));
        }

        OperationContract operation(OpenApiDocument.Operation op, boolean withPath, ContractsConfig limits, String at) {
            String where = at + " (" + op.method() + " " + op.path() + ")";
            CompiledSchema body = schema(op.body(), where + " requestBody");
            CompiledSchema query = schema(op.query(), where + " query parameters");
            CompiledSchema path = withPath ? schema(op.pathParams(), where + " path parameters") : null;
            Map<String, CompiledSchema> responses = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : op.responses().entrySet()) {
                CompiledSchema s = schema(e.getValue(), where + " responses." + e.getKey());
                if (s != null) responses.put(e.getKey(), s);
            }
            return new OperationContract(op.operationId(), new RequestContract(body, op.bodyRequired(), query, path, limits),
                    responses.isEmpty() ? null : new ResponseSchemas(responses));
        }

        CompiledSchema schema(JsonNode schema, String at) {
            if (schema == null) return null;
            // The config's YAML tree (Jackson 2) becomes the validator's (Jackson 3) through its JSON text, once per text.
            String text = schema.toString();
            CompiledSchema compiled = schemas.get(text);
            if (compiled != null) return compiled;
            try {
                compiled = CompiledSchema.compile(text);
                schemas.put(text, compiled);
                return compiled;
            } catch (IllegalArgumentException e) {
                problems.add(at + ": " + e.getMessage());
                return null;
            }
        }
    }

    /** The route's contract step, or null when it has no contract. */
    public ContractControl control(String routeId, MeterRegistry registry) {
        OperationContract op = single.get(routeId);
        DocumentContract doc = documents.get(routeId);
        if (op == null && doc == null) return null;
        return new ContractControl(op, doc, responseMaxBytes.get(routeId), html.get(routeId), routeId, registry);
    }

    /** The route's own (or single operation's) request contract, or null when it has none. */
    public RequestContract forRoute(String routeId) {
        OperationContract op = single.get(routeId);
        return op == null ? null : op.request();
    }
}
