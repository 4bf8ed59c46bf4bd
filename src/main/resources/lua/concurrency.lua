-- Bastion concurrency caps: take one in-flight slot from every cap of a request, all or none.
-- Each cap is a sorted set of leases scored by their expiry, so a slot held by a node that died frees
-- itself when its lease runs out. KEYS[i]: one per cap. ARGV[1]: lease id; ARGV[2]: lease ms;
-- ARGV[2 + i]: max for KEYS[i]. Returns { acquired (1|0), in_flight_1, ... } (before this request).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = ARGV[1]
local ms = tonumber(ARGV[2])
local out = { 1 }
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local c = redis.call('ZCARD', KEYS[i])
  out[#out + 1] = c
  if c >= tonumber(ARGV[2 + i]) then out[1] = 0 end
end
if out[1] == 1 then
  for i = 1, #KEYS do
    redis.call('ZADD', KEYS[i], now + ms, lease)
    redis.call('PEXPIRE', KEYS[i], ms + 1000)
  end
end
return out
