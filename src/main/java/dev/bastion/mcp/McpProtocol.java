package dev.bastion.mcp;

import java.util.List;

/**
 * What Bastion takes from the MCP specification, revision 2026-07-28 (Streamable HTTP, stateless: no
 * {@code initialize}, no {@code Mcp-Session-Id}; SEP-2243's standard headers). Where the stored specification was
 * unclear, the choice is written down in docs/mcp.md.
 */
public final class McpProtocol {
    /** The revisions this gateway speaks; a request naming another is refused before it reaches a server. */
    public static final List<String> VERSIONS = List.of("2026-07-28");
    public static final String VERSION_HEADER = "MCP-Protocol-Version";
    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";

    /** JSON-RPC 2.0's own codes. */
    static final int PARSE_ERROR = -32700, INVALID_REQUEST = -32600, METHOD_NOT_FOUND = -32601, INVALID_PARAMS = -32602;
    /** SEP-2243's {@code HeaderMismatch}: a standard header disagrees with the body (HTTP 400). */
    static final int HEADER_MISMATCH = -32020;
    /** {@code UnsupportedProtocolVersion}: the revision asked for is not spoken here (HTTP 400; {@code data.supported} lists ours). */
    static final int UNSUPPORTED_VERSION = -32022;
    /** Where a 2026-07-28 request's body names its revision: {@code params._meta}. */
    static final String VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion";
    /** Implementation-defined server errors (JSON-RPC reserves -32000 to -32099). */
    public static final int SERVER_ERROR = -32000;

    private McpProtocol() {}
}
