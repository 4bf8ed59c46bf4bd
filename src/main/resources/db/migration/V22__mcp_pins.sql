-- MCP tool-definition pins (issue 20, docs/mcp.md#pinning-tool-definitions): per route and exposed tool, the
-- fingerprint an operator approved (or trust_first took on first sight) and, when a server's definition differs,
-- the pending one an operator reviews. Portable SQL: SQLite and PostgreSQL read it alike. Every node polls the
-- table, so an approval on one node holds on all.
CREATE TABLE mcp_pins (
    route_id           VARCHAR(64)  NOT NULL,
    tool               VARCHAR(200) NOT NULL,
    pinned_fp          VARCHAR(80),
    pinned_desc_fp     VARCHAR(80),
    pending_fp         VARCHAR(80),
    pending_desc_fp    VARCHAR(80),
    pending_reason     VARCHAR(16),
    pending_from       VARCHAR(200),
    pending_definition TEXT,
    pending_since      BIGINT,
    rejected_fp        VARCHAR(80),
    decided_by         VARCHAR(128),
    updated_at         BIGINT       NOT NULL,
    PRIMARY KEY (route_id, tool)
);
