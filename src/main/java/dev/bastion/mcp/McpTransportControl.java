package dev.bastion.mcp;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.McpConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds a request on an MCP route to the Streamable HTTP transport of revision 2026-07-28, after authentication:
 * an {@code Origin} not on the route's list is refused (DNS rebinding); GET (no server stream in a stateless server)
 * and DELETE (no sessions), and any other method, are answered 405; a POST names a revision spoken here in {@code MCP-Protocol-Version} (and
 * in the body's {@code _meta}, if it names one there too) and carries one JSON-RPC request or notification — a batch
 * is refused — whose method and name {@code Mcp-Method} and {@code Mcp-Name} repeat exactly (a notification may leave
 * the headers out). A header that disagrees with the body, or is absent where the body names something,
 * is refused: anything that routes, limits or authorizes on the headers could otherwise be sent one thing while the
 * server runs another. The message is kept on the exchange ({@link McpMessage}) for the steps after it.
 */
public final class McpTransportControl implements Control {
    static final String ORIGIN = "mcp_origin_refused", NO_STREAM = "mcp_method_not_allowed", VERSION_MISSING = "mcp_protocol_version_missing",
            VERSION_UNSUPPORTED = "mcp_protocol_version_unsupported", PARSE_ERROR = "mcp_parse_error", BATCH = "mcp_batch_refused",
            INVALID_REQUEST = "mcp_invalid_request", HEADER_MISMATCH = "mcp_header_mismatch";

    private static final Verdict.Deny ORIGIN_REFUSED = new Verdict.Deny(403, ORIGIN, "This origin may not call this MCP endpoint.");
    private static final Verdict.Deny GET = new Verdict.Deny(405, NO_STREAM, "This MCP endpoint offers no server stream: POST each message.",
            Map.of("Allow", "POST"));
    private static final Verdict.Deny DELETE = new Verdict.Deny(405, NO_STREAM, "This MCP endpoint keeps no sessions to end.", Map.of("Allow", "POST"));
    private static final Verdict.Deny OTHER = new Verdict.Deny(405, NO_STREAM, "This MCP endpoint takes POST.", Map.of("Allow", "POST"));
    private static final Verdict.Deny MISSING = new Verdict.Deny(400, VERSION_MISSING, "MCP-Protocol-Version is required (supported: "
            + String.join(", ", McpProtocol.VERSIONS) + ").");
    private static final Verdict.Deny UNSUPPORTED = new Verdict.Deny(400, VERSION_UNSUPPORTED, "This MCP protocol version is not supported (supported: "
            + String.join(", ", McpProtocol.VERSIONS) + ").");
    private static final Verdict.Deny NOT_JSON = new Verdict.Deny(400, PARSE_ERROR, "The body is not one JSON document (or repeats a key).");
    private static final Verdict.Deny BATCHED = new Verdict.Deny(400, BATCH, "JSON-RPC batches are not part of this MCP revision: send one message per request.");
    private static final Verdict.Deny INVALID = new Verdict.Deny(400, INVALID_REQUEST, "The body is not a JSON-RPC 2.0 request or notification.");
    private static final Verdict.Deny VERSION_MISMATCH = new Verdict.Deny(400, HEADER_MISMATCH, "MCP-Protocol-Version must equal the revision the body names.");
    private static final Verdict.Deny METHOD_MISMATCH = new Verdict.Deny(400, HEADER_MISMATCH, "Mcp-Method must equal the body's method.");
    private static final Verdict.Deny NAME_MISMATCH = new Verdict.Deny(400, HEADER_MISMATCH,
            "Mcp-Name must be present exactly when the body names a tool, prompt, resource or task, and equal it.");

    private final Set<String> origins;

    public McpTransportControl(McpConfig config) {
        this.origins = Set.copyOf(config.allowedOrigins());
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "mcp_transport";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        List<String> origin = ex.headers().getAll("Origin");
        if (!origin.isEmpty() && (origin.size() > 1 || !origins.contains(origin.getFirst()))) return ORIGIN_REFUSED.future();
        if (ex.method() == HttpMethod.GET) return GET.future();
        if (ex.method() == HttpMethod.DELETE) return DELETE.future();
        if (ex.method() != HttpMethod.POST) return OTHER.future();
        List<String> version = ex.headers().getAll(McpProtocol.VERSION_HEADER);
        if (version.size() > 1 || (version.size() == 1 && !McpProtocol.VERSIONS.contains(version.getFirst()))) return UNSUPPORTED.future();
        McpMessage.Parsed parsed = McpMessage.parse(ex.body());
        if (parsed.problem() != null) {
            return (switch (parsed.problem()) {
                case NOT_JSON -> NOT_JSON;
                case BATCH -> BATCHED;
                case NOT_A_REQUEST -> INVALID;
            }).future();
        }
        McpMessage msg = parsed.message();
        List<String> method = ex.headers().getAll(McpProtocol.METHOD_HEADER), name = ex.headers().getAll(McpProtocol.NAME_HEADER);
        // A request carries every standard header; a notification may carry none (it calls nothing), but what it
        // carries must agree with its body all the same.
        if (!msg.notification() && version.isEmpty()) return MISSING.future();
        if (msg.version() != null && !version.isEmpty() && !msg.version().equals(version.getFirst())) return VERSION_MISMATCH.future();
        if (msg.version() != null && !McpProtocol.VERSIONS.contains(msg.version())) return UNSUPPORTED.future();
        if (!(msg.notification() && method.isEmpty()) && !same(method, msg.method())) return METHOD_MISMATCH.future();
        if (msg.name() == null ? !name.isEmpty() : !(msg.notification() && name.isEmpty()) && !sameName(name, msg.name())) return NAME_MISMATCH.future();
        ex.attribute(McpMessage.class, msg);
        ex.logField("mcp_method", msg.method());
        return Verdict.ALLOWED;
    }

    /** Exactly one header, equal to the body's value (case and all). */
    private static boolean same(List<String> header, String body) {
        return header.size() == 1 && header.getFirst().equals(body);
    }

    /** As {@link #same}, reading SEP-2243's {@code =?base64?…?=} form (a name outside visible ASCII) as the UTF-8 it encodes. */
    static boolean sameName(List<String> header, String body) {
        if (header.size() != 1) return false;
        String v = header.getFirst();
        if (v.length() > 11 && v.startsWith("=?base64?") && v.endsWith("?=")) {
            try {
                v = new String(java.util.Base64.getDecoder().decode(v.substring(9, v.length() - 2)), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false; // not base64: agrees with nothing
            }
        }
        return v.equals(body);
    }
}
