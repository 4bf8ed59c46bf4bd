-- Bastion rate limits: for each of a batch of requests, in order, consume one request from every one of
-- its limits, all or none, atomically. Requests arrive batched (those one event loop gathered in one
-- turn) so Redis runs one script for many decisions; each is decided exactly as if it came alone.
-- Time comes from Redis, so instances with different clocks agree.
-- ARGV[1]: number of requests; then per request: its number of limits n, then per limit four values:
-- kind ("w" window | "b" bucket), count, period_ms, capacity. KEYS: every request's limit keys, in order.
-- Returns, per request: allowed (1|0), then per limit: remaining, reset_ms
--   window: requests left in the window, and ms until it resets;
--   bucket: whole tokens left, and ms until one more token is available (0 when one is).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
local arg = 2
local key = 1
-- One request's limits, in parallel arrays reused from request to request: a table per limit cost
-- more Redis CPU than the commands themselves.
local ks, kinds, as, bs, counts, periods, caps, fresh = {}, {}, {}, {}, {}, {}, {}, {}
for _ = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[arg]); arg = arg + 1
  local ok = 1
  for i = 1, n do
    local kind, count, period = ARGV[arg], tonumber(ARGV[arg + 1]), tonumber(ARGV[arg + 2])
    local k = KEYS[key + i - 1]
    local v = redis.call('HMGET', k, 'a', 'b')
    local a, b = tonumber(v[1]), tonumber(v[2])
    local f = false
    if kind == 'w' then
      -- a: requests in the window; b: when the window started (at its first request)
      if a == nil or b == nil or now - b >= period then a = 0; b = now; f = true end
      if a + 1 > count then ok = 0 end
    else
      -- a: tokens (fractional); b: when they were last counted
      local cap = tonumber(ARGV[arg + 3])
      caps[i] = cap
      if a == nil or b == nil then a = cap; b = now end
      a = math.min(cap, a + (now - b) * count / period)
      b = now
      if a < 1 then ok = 0 end
    end
    arg = arg + 4
    ks[i], kinds[i], as[i], bs[i], counts[i], periods[i], fresh[i] = k, kind, a, b, count, period, f
  end
  out[#out + 1] = ok
  for i = 1, n do
    local k, a, b, count, period = ks[i], as[i], bs[i], counts[i], periods[i]
    if kinds[i] == 'w' then
      -- A window is written whole once, when it starts; after that only its count moves.
      if ok == 1 then a = a + 1 end
      if fresh[i] then
        redis.call('HSET', k, 'a', a, 'b', b)
        redis.call('PEXPIRE', k, period + 1000)
      elseif ok == 1 then
        redis.call('HINCRBY', k, 'a', 1)
      end
      out[#out + 1] = count - a
      out[#out + 1] = b + period - now
    else
      local cap = caps[i]
      if ok == 1 then a = a - 1 end
      redis.call('HSET', k, 'a', string.format('%.6f', a), 'b', b)
      redis.call('PEXPIRE', k, math.ceil((cap - a) * period / count) + 1000)
      out[#out + 1] = math.floor(a)
      local wait = 0
      if a < 1 then wait = math.ceil((1 - a) * period / count) end
      out[#out + 1] = wait
    end
  end
  key = key + n
end
return out
