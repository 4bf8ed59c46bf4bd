-- Bastion LLM budgets: start an account from the usage the store holds (first use in a period, or after
-- Redis lost its data). Only the first seeding counts, however many nodes try at once.
-- KEYS: per account, its hash. ARGV: per account, stored tokens, stored cost, ttl ms.
-- Adds v to a hash field; skipped for zero (Lua would pass -0 for a negated zero, which HINCRBY refuses).
local function add(h, f, v)
  if v ~= 0 then return redis.call('HINCRBY', h, f, v) end
  return tonumber(redis.call('HGET', h, f)) or 0
end
for i = 1, #KEYS do
  if redis.call('HSETNX', KEYS[i], 'seeded', 1) == 1 then
    add(KEYS[i], 'ut', tonumber(ARGV[3 * (i - 1) + 1]))
    add(KEYS[i], 'uc', tonumber(ARGV[3 * (i - 1) + 2]))
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3 * (i - 1) + 3]))
  end
end
return 1
