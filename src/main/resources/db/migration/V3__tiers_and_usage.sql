-- Tiers (L2): a plan per org, and optionally per API key (which then wins over its org's).
ALTER TABLE orgs ADD COLUMN tier VARCHAR(32);
ALTER TABLE api_keys ADD COLUMN tier VARCHAR(32);

-- LLM usage per budget rule, subject and period (L6): what `bastion usage show` prints, and what a
-- restarted single-node gateway starts from. Amounts are settled usage; reservations in flight are not
-- stored. cost is in millionths of the price table's currency unit.
CREATE TABLE llm_usage (
    rule_id      VARCHAR(64)  NOT NULL,
    subject      VARCHAR(600) NOT NULL,
    org_id       VARCHAR(64),
    period_start BIGINT       NOT NULL,
    tokens       BIGINT       NOT NULL,
    cost_micros  BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (rule_id, subject, period_start)
);
CREATE INDEX llm_usage_org ON llm_usage (org_id, period_start);
