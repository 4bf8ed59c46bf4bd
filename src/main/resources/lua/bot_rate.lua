-- Bot control's rate_high: one more request from a client address in this minute, counted across nodes.
-- KEYS[1] the address's key for this minute; ARGV[1] how long it lives (ms: the minute and a margin).
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
