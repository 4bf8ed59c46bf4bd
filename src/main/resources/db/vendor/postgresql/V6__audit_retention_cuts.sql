-- Retention of the audit trail (D2, docs/audit.md "Retention"). A retention cut is a signed statement that a node's
-- events 1..up_to_seq were removed by retention, anchored on the signed checkpoint at up_to_seq. The cuts are
-- append-only like the trail. The trail's DELETE refusal becomes: refused, except for the rows a recorded cut covers
-- (seq <= the node's highest cut) — so the application can remove a cut prefix and nothing else. UPDATE and TRUNCATE
-- stay refused; checkpoints are never deleted.
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
CREATE TRIGGER audit_retention_cuts_append_only BEFORE UPDATE OR DELETE ON audit_retention_cuts FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_retention_cuts_no_truncate BEFORE TRUNCATE ON audit_retention_cuts FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_delete_within_cut() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq <= COALESCE((SELECT MAX(up_to_seq) FROM audit_retention_cuts WHERE node = OLD.node), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (DELETE of % seq % beyond its retention cut)', OLD.node, OLD.seq;
END;
$$;
DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_delete_within_cut BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_delete_within_cut();

-- What retention looks rows up by (each batch is a bounded delete over an index, not a scan of the table), and the
-- revocation feed's prune of expired revocations.
CREATE INDEX llm_usage_updated ON llm_usage (updated_at);
CREATE INDEX users_last_seen ON users (last_seen);
CREATE INDEX revocations_expiry ON revocations (expires_at);
