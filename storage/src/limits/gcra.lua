-- GCRA step for RedisRateLimiter: mirrors `step` in storage/src/limits/gcra.rs; change both.
-- KEYS[1] = the key's TAT (whole microseconds); ARGV = now_us, interval_us, tolerance_us, min_ttl_ms.
-- Returns {1, remaining} when allowed, {0, retry_after_us} when limited.
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local min_ttl_ms = tonumber(ARGV[4])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  tat = math.max(tonumber(stored), now)
end
local ahead = tat - now
if ahead > tolerance then
  return {0, ahead - tolerance}
end
local new_tat = tat + interval
local headroom = tolerance + interval - (new_tat - now)
local remaining = math.floor(headroom / interval)
local ttl_ms = math.max(min_ttl_ms, math.ceil((new_tat - now) / 1000))
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
return {1, remaining}
