-- Bastion LLM budgets: settle a reservation with what the request really used, atomically and exactly once.
-- A settlement can reach Redis twice — a paused Redis runs one whose caller timed out, and the node sends it
-- again when Redis answers — or after Redis lost its data and re-seeded the account from the store, which may
-- already hold it. Per account:
--   a reservation still held here is released and its usage added (the normal case);
--   one whose lease ran out first (marked 'l' in the done hash) adds its usage, once;
--   one settled before (marked 's', or made in this generation and no longer held) adds nothing;
--   usage with no reservation here (settled on a node's own ledger while Redis was unreachable, or reserved
--   before Redis lost its data) is added, once, unless the seed that started this generation read it from
--   the store: it was written there before the seed read the store (sr).
-- KEYS: per account, its hash, its reservation set, its done hash (see budget_reserve.lua).
-- ARGV[1] reservation id, ARGV[2] reserved tokens, ARGV[3] reserved cost, ARGV[4] used tokens, ARGV[5] used cost;
-- then per account: the generation the reservation was made in ('' for none in Redis), when the usage was
-- written to the store (µs on the writing node's wall clock; -1: not yet).
-- Returns per account: added (1), nothing to add (0) or account gone (-1: Redis lost it and nobody has seeded
-- it again), then ut_before, ut_after, uc_before, uc_after.
-- Adds v to a hash field; skipped for zero (Lua would pass -0 for a negated zero, which HINCRBY refuses).
local function add(h, f, v)
  if v ~= 0 then redis.call('HINCRBY', h, f, v) end
end
local n = #KEYS / 3
local id = ARGV[1]
local member = id .. '|' .. ARGV[2] .. '|' .. ARGV[3]
local rt, rc = tonumber(ARGV[2]), tonumber(ARGV[3])
local ut, uc = tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for i = 1, n do
  local h, z, d = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local gen, written = ARGV[5 + 2 * i - 1], tonumber(ARGV[5 + 2 * i])
  local v = redis.call('HMGET', h, 'seeded', 'ut', 'uc', 'g', 'sr')
  local state = 0
  if not v[1] then
    state = -1
  elseif redis.call('ZREM', z, member) == 1 then
    add(h, 'rt', -rt)
    add(h, 'rc', -rc)
    state = 1
  elseif ut ~= 0 or uc ~= 0 then
    local done = redis.call('HGET', d, id)
    if done == 'l' then
      state = 1
    elseif done == 's' or (gen ~= '' and gen == v[4]) then
      state = 0
    elseif written >= 0 and written < (tonumber(v[5]) or 0) then
      state = 0
    else
      state = 1
    end
    if state == 1 then
      redis.call('HSET', d, id, 's')
      local ttl = redis.call('PTTL', h)
      if ttl > 0 then redis.call('PEXPIRE', d, ttl) end
    end
  end
  local bt, bc = tonumber(v[2]) or 0, tonumber(v[3]) or 0
  if state == 1 then
    add(h, 'ut', ut)
    add(h, 'uc', uc)
    out[#out + 1] = 1
    out[#out + 1] = bt
    out[#out + 1] = bt + ut
    out[#out + 1] = bc
    out[#out + 1] = bc + uc
  else
    out[#out + 1] = state
    out[#out + 1] = bt
    out[#out + 1] = bt
    out[#out + 1] = bc
    out[#out + 1] = bc
  end
end
return out
