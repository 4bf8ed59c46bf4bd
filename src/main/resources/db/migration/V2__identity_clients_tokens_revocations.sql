-- Users provisioned just in time from identity-provider tokens (A3).
CREATE TABLE users (
    id          VARCHAR(32)  PRIMARY KEY,
    org_id      VARCHAR(64)  NOT NULL REFERENCES orgs (id),
    issuer      VARCHAR(512) NOT NULL,
    external_id VARCHAR(512) NOT NULL,
    role        VARCHAR(16),
    first_seen  BIGINT       NOT NULL,
    last_seen   BIGINT       NOT NULL,
    UNIQUE (issuer, external_id)
);
CREATE INDEX users_org ON users (org_id);

-- Machine clients of the client_credentials grant (A5). Only a hash of the secret is kept.
CREATE TABLE clients (
    id                VARCHAR(32)   PRIMARY KEY,
    org_id            VARCHAR(64)   NOT NULL REFERENCES orgs (id),
    name              VARCHAR(128),
    secret_hash       CHAR(64)      NOT NULL,
    scopes            VARCHAR(1024) NOT NULL,
    token_ttl_seconds BIGINT,
    created_at        BIGINT        NOT NULL,
    disabled_at       BIGINT
);
CREATE INDEX clients_org ON clients (org_id);

-- Bastion's signing keys (A7). The private key is stored encrypted with the master key (Tink AEAD, kid as
-- associated data); the public key is published in /.well-known/jwks.json until expires_at.
CREATE TABLE signing_keys (
    kid             VARCHAR(64)   PRIMARY KEY,
    algorithm       VARCHAR(16)   NOT NULL,
    public_jwk      VARCHAR(4096) NOT NULL,
    private_jwk_enc VARCHAR(8192) NOT NULL,
    created_at      BIGINT        NOT NULL,
    retired_at      BIGINT,
    expires_at      BIGINT
);

-- Revocations (A8): token (jti), user, org, client, key. Token revocations expire with the token.
CREATE TABLE revocations (
    id         VARCHAR(40)  PRIMARY KEY,
    kind       VARCHAR(16)  NOT NULL,
    subject    VARCHAR(512) NOT NULL,
    org_id     VARCHAR(64),
    created_at BIGINT       NOT NULL,
    expires_at BIGINT
);
CREATE INDEX revocations_created ON revocations (created_at);

-- Tokens Bastion issued, so a tenant admin can revoke its own tokens and nobody else's.
CREATE TABLE issued_tokens (
    jti        VARCHAR(64)  PRIMARY KEY,
    org_id     VARCHAR(64)  NOT NULL,
    subject    VARCHAR(512) NOT NULL,
    expires_at BIGINT       NOT NULL
);
CREATE INDEX issued_tokens_expiry ON issued_tokens (expires_at);
