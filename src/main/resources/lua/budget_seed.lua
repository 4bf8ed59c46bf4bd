-- Bastion LLM budgets: start an account from the usage the store holds (first use in a period, or after
-- Redis lost its data). Only the first seeding counts, however many nodes try at once.
-- KEYS: per account, its hash. ARGV: per account, stored tokens, stored cost, ttl ms.
for i = 1, #KEYS do
  if redis.call('HSETNX', KEYS[i], 'seeded', 1) == 1 then
    redis.call('HINCRBY', KEYS[i], 'ut', tonumber(ARGV[3 * (i - 1) + 1]))
    redis.call('HINCRBY', KEYS[i], 'uc', tonumber(ARGV[3 * (i - 1) + 2]))
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3 * (i - 1) + 3]))
  end
end
return 1
