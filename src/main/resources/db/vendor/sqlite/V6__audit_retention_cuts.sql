-- Retention of the audit trail (see the PostgreSQL variant): signed, append-only retention cuts, and DELETE on
-- audit_events refused except for the rows a recorded cut covers. UPDATE stays refused; checkpoints are never deleted.
CREATE TABLE audit_retention_cuts (
    node        VARCHAR(128) NOT NULL,
    up_to_seq   BIGINT       NOT NULL,
    cseq        BIGINT       NOT NULL,
    anchor_hash CHAR(64)     NOT NULL,
    ts          BIGINT       NOT NULL,
    purged_by   VARCHAR(128) NOT NULL,
    kid         VARCHAR(64)  NOT NULL,
    signature   VARCHAR(128) NOT NULL,
    PRIMARY KEY (node, up_to_seq)
);
CREATE TRIGGER audit_retention_cuts_no_update BEFORE UPDATE ON audit_retention_cuts BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_retention_cuts_no_delete BEFORE DELETE ON audit_retention_cuts BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

DROP TRIGGER audit_events_no_delete;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    WHEN OLD.seq > COALESCE((SELECT MAX(up_to_seq) FROM audit_retention_cuts WHERE node = OLD.node), 0)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (DELETE beyond the retention cut)'); END;

-- What retention looks rows up by (each batch is a bounded delete over an index, not a scan of the table), and the
-- revocation feed's prune of expired revocations.
CREATE INDEX llm_usage_updated ON llm_usage (updated_at);
CREATE INDEX users_last_seen ON users (last_seen);
CREATE INDEX revocations_expiry ON revocations (expires_at);
