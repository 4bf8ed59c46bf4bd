-- Bastion LLM budgets: start an account from the usage the store holds (first use in a period, or after
-- Redis lost its data). Only the first seeding counts, however many nodes try at once. It starts a new
-- generation of the account (g) and notes when the store was read (sr, µs on the seeding node's wall clock):
-- usage written to the store before that is in the seed, and budget_settle.lua does not add it again.
-- KEYS: per account, its hash. ARGV: per account, stored tokens, stored cost, ttl ms, store read at (µs).
-- Adds v to a hash field; skipped for zero (Lua would pass -0 for a negated zero, which HINCRBY refuses).
local function add(h, f, v)
  if v ~= 0 then redis.call('HINCRBY', h, f, v) end
end
local t = redis.call('TIME')
for i = 1, #KEYS do
  if redis.call('HSETNX', KEYS[i], 'seeded', 1) == 1 then
    add(KEYS[i], 'ut', tonumber(ARGV[4 * (i - 1) + 1]))
    add(KEYS[i], 'uc', tonumber(ARGV[4 * (i - 1) + 2]))
    redis.call('HSET', KEYS[i], 'g', t[1] .. '.' .. t[2], 'sr', ARGV[4 * (i - 1) + 4])
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[4 * (i - 1) + 3]))
  end
end
return 1
