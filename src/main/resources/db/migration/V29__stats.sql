-- The admin API's numbers (issue 21, docs/observability.md#traffic-and-usage-history). Each node writes its own rows;
-- every query sums them, so a fleet's figures are the sum of its nodes'. Times are epoch milliseconds. No content:
-- counts, control names, rule ids, detector types, a latency histogram. Portable SQL (SQLite and PostgreSQL).

-- One row per node, finished minute and (org, route, deployment) — or more than one when a minute was flushed early
-- (shutdown): sums are unchanged by that. refused, error_codes and decisions are JSON objects of counts; latency is
-- the fixed log-bucket histogram ("index:count ..."), merged by adding counts.
CREATE TABLE stats_traffic (
    node        VARCHAR(128) NOT NULL,
    minute_ts   BIGINT       NOT NULL,
    org_id      VARCHAR(64)  NOT NULL,
    route_id    VARCHAR(128) NOT NULL,
    deployment  VARCHAR(256) NOT NULL,
    requests    BIGINT       NOT NULL,
    errors      BIGINT       NOT NULL,
    refused     TEXT         NOT NULL,
    error_codes TEXT         NOT NULL,
    decisions   TEXT         NOT NULL,
    latency     TEXT         NOT NULL
);
CREATE INDEX stats_traffic_minute ON stats_traffic (minute_ts, org_id);

-- LLM usage per node, hour, org, credential and model, added to as the node flushes.
CREATE TABLE stats_usage (
    node        VARCHAR(128) NOT NULL,
    hour_ts     BIGINT       NOT NULL,
    org_id      VARCHAR(64)  NOT NULL,
    key_id      VARCHAR(256) NOT NULL,
    model       VARCHAR(256) NOT NULL,
    tokens_in   BIGINT       NOT NULL,
    tokens_out  BIGINT       NOT NULL,
    cost_micros BIGINT       NOT NULL,
    requests    BIGINT       NOT NULL,
    PRIMARY KEY (node, hour_ts, org_id, key_id, model)
);
CREATE INDEX stats_usage_hour ON stats_usage (hour_ts, org_id);
