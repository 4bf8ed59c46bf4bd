-- Bastion LLM budgets: reserve an estimate on every budget account of a request, all or none, atomically.
-- Account state is a hash (ut/uc: settled tokens/cost; rt/rc: reserved in flight; seeded: loaded from
-- the store, which also set the hash's expiry; g: the generation, set by that seeding; sr: when the seed
-- read the store; x: exhausted was reported), a sorted set of reservations "id|tokens|cost" scored by
-- lease expiry, so a reservation left by a node that died is swept and stops holding budget, and a "done"
-- hash of reservation ids (see budget_settle.lua): a swept reservation is marked 'l' (lease ran out) there, so a
-- settlement that arrives after its lease still counts, once.
-- KEYS: per account, its hash, its reservation set, its done hash.
-- ARGV[1] reservation id, ARGV[2] lease ms, ARGV[3] tokens, ARGV[4] cost;
-- then per account: token limit (-1: none), cost limit (-1: none), ttl ms.
-- Returns {-1, i, ...} when accounts i need seeding from the store first; else
-- {ok (1|0), then per account: ut, uc, rt, rc, newly_exhausted (1|0), generation} (values before this reservation).
-- Adds v to a hash field; skipped for zero (Lua would pass -0 for a negated zero, which HINCRBY refuses).
local function add(h, f, v)
  if v ~= 0 then redis.call('HINCRBY', h, f, v) end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 3
local id, lease = ARGV[1], tonumber(ARGV[2])
local et, ec = tonumber(ARGV[3]), tonumber(ARGV[4])
local unseeded = { -1 }
local uts, ucs, rts, rcs, gens, fit = {}, {}, {}, {}, {}, {}
local ok = 1
for i = 1, n do
  local h, z, d = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local ttl = tonumber(ARGV[4 + 3 * (i - 1) + 3])
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #expired > 0 then
    for _, m in ipairs(expired) do
      local _, _, mid, mt, mc = string.find(m, '^([^|]*)|(%d+)|(%d+)$')
      if mt then
        add(h, 'rt', -tonumber(mt))
        add(h, 'rc', -tonumber(mc))
        redis.call('HSET', d, mid, 'l')
      end
    end
    redis.call('PEXPIRE', d, ttl)
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  end
  local v = redis.call('HMGET', h, 'seeded', 'ut', 'uc', 'rt', 'rc', 'g')
  if not v[1] then
    unseeded[#unseeded + 1] = i
  elseif not v[6] then
    -- seeded before accounts had generations: give it one, so its reservations can be settled exactly once
    v[6] = t[1] .. '.' .. t[2]
    redis.call('HSET', h, 'g', v[6])
  end
  local ut, uc, rt, rc = tonumber(v[2]) or 0, tonumber(v[3]) or 0, tonumber(v[4]) or 0, tonumber(v[5]) or 0
  local lt, lc = tonumber(ARGV[4 + 3 * (i - 1) + 1]), tonumber(ARGV[4 + 3 * (i - 1) + 2])
  local fits = 1
  if lt >= 0 and ut + rt + et > lt then fits = 0 end
  if lc >= 0 and uc + rc + ec > lc then fits = 0 end
  if fits == 0 then ok = 0 end
  uts[i], ucs[i], rts[i], rcs[i], gens[i], fit[i] = ut, uc, rt, rc, v[6], fits
end
if #unseeded > 1 then return unseeded end
local out = { ok }
for i = 1, n do
  local h, z = KEYS[3 * i - 2], KEYS[3 * i - 1]
  local newly = 0
  if ok == 1 then
    add(h, 'rt', et)
    add(h, 'rc', ec)
    redis.call('ZADD', z, now + lease, id .. '|' .. et .. '|' .. ec)
    redis.call('PEXPIRE', z, tonumber(ARGV[4 + 3 * (i - 1) + 3]))
  elseif fit[i] == 0 then
    newly = redis.call('HSETNX', h, 'x', 1)
  end
  out[#out + 1] = uts[i]
  out[#out + 1] = ucs[i]
  out[#out + 1] = rts[i]
  out[#out + 1] = rcs[i]
  out[#out + 1] = newly
  out[#out + 1] = gens[i]
end
return out
