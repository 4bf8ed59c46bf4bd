-- Bastion LLM budgets: settle a reservation with what the request really used, atomically.
-- KEYS: per account, its hash then its reservation set (see budget_reserve.lua).
-- ARGV[1] reservation id ("-" for none: usage recorded while Redis was unreachable), ARGV[2] reserved tokens,
-- ARGV[3] reserved cost, ARGV[4] used tokens, ARGV[5] used cost.
-- Returns per account: ut_before, ut_after, uc_before, uc_after. An account whose state is gone (its
-- period long over) records nothing and returns -1s.
-- Adds v to a hash field; skipped for zero (Lua would pass -0 for a negated zero, which HINCRBY refuses).
local function add(h, f, v)
  if v ~= 0 then redis.call('HINCRBY', h, f, v) end
end
local n = #KEYS / 2
local member = ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3]
local rt, rc = tonumber(ARGV[2]), tonumber(ARGV[3])
local ut, uc = tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local v = redis.call('HMGET', h, 'seeded', 'ut', 'uc')
  if not v[1] then
    for _ = 1, 4 do out[#out + 1] = -1 end
  else
    if ARGV[1] ~= '-' and redis.call('ZREM', z, member) == 1 then
      add(h, 'rt', -rt)
      add(h, 'rc', -rc)
    end
    local bt, bc = tonumber(v[2]) or 0, tonumber(v[3]) or 0
    add(h, 'ut', ut)
    add(h, 'uc', uc)
    out[#out + 1] = bt
    out[#out + 1] = bt + ut
    out[#out + 1] = bc
    out[#out + 1] = bc + uc
  end
end
return out
