-- Incident switches (R2) are response_actions rows with rule 'incident': an operator's block, suspension, disabled
-- route or model, or lockdown, which every node polls as it polls automatic responses. The reason is the
-- operator's words, shown by `bastion incident list` (docs/operations.md).
ALTER TABLE response_actions ADD COLUMN reason VARCHAR(500);
