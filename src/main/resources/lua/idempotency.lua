-- Bastion idempotency keys. KEYS[1]: the key (scoped to route, org and credential).
-- claim    ARGV: pending, lease_ms       -> nil when claimed, else the entry already there
-- complete ARGV: pending, outcome, ttl_ms -> replaces the entry only if it is still this claim
-- release  ARGV: pending                 -> deletes the entry only if it is still this claim
local op = ARGV[1]
local v = redis.call('GET', KEYS[1])
if op == 'claim' then
  if v then return v end
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return nil
elseif op == 'complete' then
  if v == ARGV[2] then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
  return nil
elseif op == 'release' then
  if v == ARGV[2] then redis.call('DEL', KEYS[1]) end
  return nil
end
return redis.error_reply('unknown op')
