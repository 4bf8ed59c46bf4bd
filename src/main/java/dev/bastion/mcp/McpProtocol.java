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
    /** SEP-2243: a standard header disagrees with the body. */
    static final int HEADER_MISMATCH = -32001;
    /** The revision in {@code MCP-Protocol-Version} is not spoken here (assumed code; docs/mcp.md). */
    static final int UNSUPPORTED_VERSION = -32004;
    /** Implementation-defined server errors (JSON-RPC reserves -32000 to -32099). */
    static final int SERVER_ERROR = -32000;

    private McpProtocol() {}
}
