-- Drops the expired presence entries of one organisation (their node stopped heartbeating)
-- and returns the others as a flat list of field, value.
-- KEYS[1]: the entries (hash); KEYS[2]: their expiry times (sorted set).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired, 500 do
  local batch = {}
  for j = i, math.min(i + 499, #expired) do
    batch[#batch + 1] = expired[j]
  end
  redis.call('HDEL', KEYS[1], unpack(batch))
  redis.call('ZREM', KEYS[2], unpack(batch))
end
return redis.call('HGETALL', KEYS[1])
