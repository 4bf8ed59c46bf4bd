-- Sealed audit members (data_protection.audit_encrypt): a sealed ip or actor id is longer than the plain one.
-- ALTER TYPE rewrites no row through the append-only triggers (V5), and widening keeps every stored value.
ALTER TABLE audit_events ALTER COLUMN ip TYPE VARCHAR(512);
ALTER TABLE audit_events ALTER COLUMN actor_id TYPE VARCHAR(512);
CREATE INDEX data_keys_state ON data_keys (state);
