-- Sealed audit members (data_protection.audit_encrypt): SQLite does not enforce VARCHAR lengths, so the longer
-- sealed ip and actor ids need nothing here (PostgreSQL widens the columns in its own V9).
CREATE INDEX data_keys_state ON data_keys (state);
