-- Automatic responses (O4): IP blocks and API key suspensions made by a rule or by an operator. A row is
-- active while lifted_at is null and expires_at is in the future; changed_at is when it was made or lifted,
-- which every node polls (docs/audit.md#automatic-responses).
CREATE TABLE response_actions (
    id         VARCHAR(40)  PRIMARY KEY,
    rule       VARCHAR(64)  NOT NULL,
    action     VARCHAR(16)  NOT NULL,
    subject    VARCHAR(200) NOT NULL,
    org_id     VARCHAR(64),
    node       VARCHAR(128),
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    lifted_at  BIGINT,
    lifted_by  VARCHAR(128),
    changed_at BIGINT       NOT NULL
);
CREATE INDEX response_actions_changed ON response_actions (changed_at);
CREATE INDEX response_actions_subject ON response_actions (action, subject);
