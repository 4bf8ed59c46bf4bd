-- The web console (issue 21, docs/console.md). Sessions live here so any admin node accepts them; only the SHA-256 of
-- a session id or a bootstrap token is stored, so a copy of the database logs nobody in. A bootstrap token is used by
-- a conditional update (used_at IS NULL), so it logs in once across nodes. Portable SQL.
CREATE TABLE console_sessions (
    id_hash     VARCHAR(64)  NOT NULL PRIMARY KEY,
    org_id      VARCHAR(64)  NOT NULL,
    user_id     VARCHAR(64)  NOT NULL,
    subject     VARCHAR(512) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    method      VARCHAR(16)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    last_seen   BIGINT       NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE TABLE console_bootstrap (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    org_id      VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    used_at     BIGINT
);
-- A login in progress with the IdP: the state's hash and the hash of the pre-login cookie it is bound to. The PKCE
-- verifier and the nonce are derived from that cookie and the state, so nothing here lets anyone finish the login.
CREATE TABLE console_logins (
    state_hash   VARCHAR(64)  NOT NULL PRIMARY KEY,
    browser_hash VARCHAR(64)  NOT NULL,
    expires_at   BIGINT       NOT NULL
);
