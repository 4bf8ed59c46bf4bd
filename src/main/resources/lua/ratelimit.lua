-- Bastion rate limits: consume one request from every limit of a request, all or none, atomically.
-- Time comes from Redis, so instances with different clocks agree.
-- KEYS[i]: one per limit. ARGV, four per limit: kind ("w" window | "b" bucket), count, period_ms, capacity.
-- Returns { allowed (1|0), remaining_1, reset_ms_1, remaining_2, reset_ms_2, ... }:
--   window: requests left in the window, and ms until it resets;
--   bucket: whole tokens left, and ms until one more token is available (0 when one is).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local st = {}
local ok = 1
for i = 1, n do
  local kind = ARGV[(i - 1) * 4 + 1]
  local count = tonumber(ARGV[(i - 1) * 4 + 2])
  local period = tonumber(ARGV[(i - 1) * 4 + 3])
  local cap = tonumber(ARGV[(i - 1) * 4 + 4])
  local v = redis.call('HMGET', KEYS[i], 'a', 'b')
  local a = tonumber(v[1])
  local b = tonumber(v[2])
  if kind == 'w' then
    -- a: requests in the window; b: when the window started (at its first request)
    if a == nil or b == nil or now - b >= period then a = 0; b = now end
    if a + 1 > count then ok = 0 end
  else
    -- a: tokens (fractional); b: when they were last counted
    if a == nil or b == nil then a = cap; b = now end
    a = math.min(cap, a + (now - b) * count / period)
    b = now
    if a < 1 then ok = 0 end
  end
  st[i] = { kind, a, b, count, period, cap }
end
local out = { ok }
for i = 1, n do
  local kind, a, b, count, period, cap = st[i][1], st[i][2], st[i][3], st[i][4], st[i][5], st[i][6]
  if kind == 'w' then
    if ok == 1 then a = a + 1 end
    redis.call('HSET', KEYS[i], 'a', a, 'b', b)
    redis.call('PEXPIRE', KEYS[i], period - (now - b) + 1000)
    out[#out + 1] = count - a
    out[#out + 1] = b + period - now
  else
    if ok == 1 then a = a - 1 end
    redis.call('HSET', KEYS[i], 'a', string.format('%.6f', a), 'b', b)
    redis.call('PEXPIRE', KEYS[i], math.ceil((cap - a) * period / count) + 1000)
    out[#out + 1] = math.floor(a)
    local wait = 0
    if a < 1 then wait = math.ceil((1 - a) * period / count) end
    out[#out + 1] = wait
  end
end
return out
