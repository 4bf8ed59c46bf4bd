-- The audit trail (O2): append-only events, one hash chain per node, signed checkpoints that chain, and the
-- checkpoint keys (private half encrypted with the master key, as signing_keys). Times are epoch
-- milliseconds. Nothing in Bastion updates or deletes these rows; V5 adds triggers that refuse it.
CREATE TABLE audit_events (
    node       VARCHAR(128)  NOT NULL,
    seq        BIGINT        NOT NULL,
    id         VARCHAR(48)   NOT NULL UNIQUE,
    ts         BIGINT        NOT NULL,
    type       VARCHAR(64)   NOT NULL,
    severity   VARCHAR(16)   NOT NULL,
    actor_kind VARCHAR(16),
    actor_id   VARCHAR(256),
    actor_org  VARCHAR(64),
    action     VARCHAR(64),
    target     VARCHAR(300),
    result     VARCHAR(16),
    reason     VARCHAR(128),
    request_id VARCHAR(128),
    trace_id   VARCHAR(64),
    ip         VARCHAR(64),
    -- the bounded extra fields, as canonical JSON (sorted keys; ids and numbers only)
    fields     TEXT          NOT NULL,
    prev_hash  CHAR(64)      NOT NULL,
    hash       CHAR(64)      NOT NULL,
    PRIMARY KEY (node, seq)
);
CREATE INDEX audit_events_ts ON audit_events (ts);
CREATE INDEX audit_events_type ON audit_events (type, ts);
CREATE INDEX audit_events_org ON audit_events (actor_org, ts);

CREATE TABLE audit_checkpoints (
    node       VARCHAR(128) NOT NULL,
    cseq       BIGINT       NOT NULL,
    seq        BIGINT       NOT NULL,
    head_hash  CHAR(64)     NOT NULL,
    ts         BIGINT       NOT NULL,
    prev_hash  CHAR(64)     NOT NULL,
    kid        VARCHAR(64)  NOT NULL,
    signature  VARCHAR(128) NOT NULL,
    hash       CHAR(64)     NOT NULL,
    PRIMARY KEY (node, cseq)
);

CREATE TABLE audit_keys (
    kid             VARCHAR(64)   PRIMARY KEY,
    node            VARCHAR(128)  NOT NULL,
    public_key      VARCHAR(200)  NOT NULL,
    private_key_enc VARCHAR(1000) NOT NULL,
    created_at      BIGINT        NOT NULL
);
CREATE INDEX audit_keys_node ON audit_keys (node, created_at);
