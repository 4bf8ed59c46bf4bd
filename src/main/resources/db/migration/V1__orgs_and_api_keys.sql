-- Portable SQL: the same migration runs on SQLite and PostgreSQL. Times are epoch milliseconds.
CREATE TABLE orgs (
    id         VARCHAR(64) PRIMARY KEY,
    created_at BIGINT      NOT NULL
);

CREATE TABLE api_keys (
    id         VARCHAR(32)   PRIMARY KEY,
    org_id     VARCHAR(64)   NOT NULL REFERENCES orgs (id),
    name       VARCHAR(128),
    -- SHA-256 of the whole key, hex. The key itself is never stored.
    key_hash   CHAR(64)      NOT NULL UNIQUE,
    -- space-separated scope names
    scopes     VARCHAR(1024) NOT NULL,
    created_at BIGINT        NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);

CREATE INDEX api_keys_org ON api_keys (org_id);
