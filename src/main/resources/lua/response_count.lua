-- One hit for an automatic-response rule (O4), shared by every node. A sliding window estimated from two
-- fixed buckets: this bucket's count plus the previous bucket's, weighted by how much of it still overlaps
-- the window. Once the estimate reaches the rule's count the rule fires, once for every node: the fired
-- marker (SET NX) is held for the action's duration and the counts start afresh.
-- KEYS[1] this bucket, KEYS[2] the previous bucket, KEYS[3] the fired marker
-- ARGV[1] window ms, ARGV[2] ms elapsed in this bucket, ARGV[3] count, ARGV[4] marker ttl ms
-- Returns 1: fire now; 0: counted; -1: already fired (not counted).
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local w = tonumber(ARGV[1])
local cur = redis.call('INCR', KEYS[1])
if cur == 1 then redis.call('PEXPIRE', KEYS[1], 2 * w) end
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local est = cur + prev * (w - tonumber(ARGV[2])) / w
if est >= tonumber(ARGV[3]) then
  if redis.call('SET', KEYS[3], '1', 'NX', 'PX', tonumber(ARGV[4])) then
    redis.call('DEL', KEYS[1], KEYS[2])
    return 1
  end
  return -1
end
return 0
