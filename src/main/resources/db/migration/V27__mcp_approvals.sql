-- MCP tool calls waiting for a human (issue 20, docs/mcp.md#human-approval). The node holding a call writes its
-- request; any node lists the pending ones and decides by a conditional update (state 'pending' → approved/denied),
-- so a call is decided once across nodes. Timeouts and withdrawn calls update the row too, so nobody approves a call
-- nobody waits for. arguments is a summary (names, JSON types, sizes), never values. Portable SQL.
CREATE TABLE mcp_approvals (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    node        VARCHAR(128) NOT NULL,
    route_id    VARCHAR(64)  NOT NULL,
    tool        VARCHAR(200) NOT NULL,
    org_id      VARCHAR(64)  NOT NULL,
    caller      VARCHAR(512) NOT NULL,
    arguments   TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    decided_by  VARCHAR(512),
    decided_at  BIGINT
);
CREATE INDEX mcp_approvals_org_state ON mcp_approvals (org_id, state, created_at);
