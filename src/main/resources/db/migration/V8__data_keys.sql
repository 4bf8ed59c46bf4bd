-- Data keys (D1): per-org and per-user AES-256-GCM keys, stored wrapped by the key-encryption key (the master
-- keyset or an AWS KMS key, named by kek_id). A scope ('org:ID', 'user:ID', 'system') has versions; the newest
-- active one seals, every not-destroyed one opens. Destroying a scope's keys (subject deletion) clears
-- wrapped_key: what was sealed with them can no longer be read by anyone (crypto-shredding). Times: epoch ms.
CREATE TABLE data_keys (
    scope        VARCHAR(80)   NOT NULL,
    version      INTEGER       NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    kek_id       VARCHAR(300)  NOT NULL,
    wrapped_key  VARCHAR(2048),
    created_at   BIGINT        NOT NULL,
    retired_at   BIGINT,
    destroyed_at BIGINT,
    PRIMARY KEY (scope, version)
);
CREATE INDEX data_keys_kek ON data_keys (kek_id);
