-- Writes this node's presence entries of one organisation and pushes their expiry forward.
-- KEYS[1]: the entries (hash: field ["agent","node"] -> "<sequence>:<status>")
-- KEYS[2]: their expiry times (sorted set: field -> ms on the Redis clock)
-- KEYS[3]: the sequence that orders statuses across nodes (the newest chosen status wins)
-- ARGV[1]: ttl in ms; ARGV[2]: "1" when the statuses were chosen just now (each gets a new
-- sequence), "0" for a heartbeat (an entry keeps its sequence while its status is unchanged);
-- then pairs of field and status.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 3, #ARGV, 2 do
  local field, status = ARGV[i], ARGV[i + 1]
  local current = redis.call('HGET', KEYS[1], field)
  local unchanged = current and string.match(current, '^%d+:(.*)$') == status
  if ARGV[2] == '1' or not unchanged then
    local sequence = redis.call('INCR', KEYS[3])
    redis.call('HSET', KEYS[1], field, sequence .. ':' .. status)
  end
  redis.call('ZADD', KEYS[2], now + ttl, field)
end
-- An organisation nobody heartbeats any more disappears as a whole; so does the sequence once no
-- node has written anything for that long (every entry has expired by then, so none can carry a
-- higher sequence than the next one handed out).
redis.call('PEXPIRE', KEYS[1], ttl * 2)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
redis.call('PEXPIRE', KEYS[3], ttl * 2)
return 1
