// The Lua of the Upstash presence. Each script runs atomically in Redis, which is what makes a
// transition (first device in, last device out, expiry) visible to exactly one caller.
//
// Keys, all under the adapter's prefix:
//   presence:conns:<user>  sorted set: connectionId → expiry (ms); the key itself expires with its last entry
//   presence:index         sorted set: userId → the latest expiry of the user's connections
//   presence:seen          hash: userId → lastSeen of users whose offline transition was reported
// A user whose index score has passed has no live connection left; until a refresh reaps it
// (reporting it once), status derives lastSeen from that score.
//
// Every key a script touches is passed in KEYS (Upstash locks and routes by them), and times come
// from the caller in ARGV (Upstash wants scripts deterministic).

const SETTLE = `
local function settle(conns, index, user)
  local last = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')[2]
  if not last then return false end
  redis.call('ZADD', index, last, user)
  redis.call('PEXPIREAT', conns, last)
  return true
end
`;

/** KEYS: conns, index. ARGV: user, connection, now, expiry. Returns 1 when the user came online. */
export const CONNECT = `${SETTLE}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
settle(KEYS[1], KEYS[2], ARGV[1])
if before == 0 then return 1 end
return 0
`;

/** KEYS: conns, index, seen. ARGV: user, connection, now. Returns 1 when the user went offline. */
export const DISCONNECT = `${SETTLE}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[2])
local wasLive = expiry and tonumber(expiry) > tonumber(ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if settle(KEYS[1], KEYS[2], ARGV[1]) or not wasLive then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
`;

/**
 * KEYS: index, then the conns of each user. ARGV: now, expiry, reap limit, then per user: its id,
 * n, n connection ids. Extends the entries still present; returns {lost (user, connection pairs),
 * users due for reaping}.
 */
export const REFRESH = `${SETTLE}
local now, expiry = ARGV[1], ARGV[2]
local lost = {}
local a = 4
for k = 2, #KEYS do
  local user, n = ARGV[a], tonumber(ARGV[a + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now)
  for i = a + 2, a + 1 + n do
    if redis.call('ZSCORE', KEYS[k], ARGV[i]) then
      redis.call('ZADD', KEYS[k], expiry, ARGV[i])
    else
      lost[#lost + 1] = user
      lost[#lost + 1] = ARGV[i]
    end
  end
  settle(KEYS[k], KEYS[1], user)
  a = a + 2 + n
end
return { lost, redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[3]) }
`;

/**
 * KEYS: index, seen, then the conns of each candidate. ARGV: now, ttl, then the candidates.
 * Rechecks each candidate; returns (user, lastSeen) pairs of those it took offline.
 */
export const REAP = `${SETTLE}
local gone = {}
for k = 3, #KEYS do
  local user = ARGV[k]
  local due = redis.call('ZSCORE', KEYS[1], user)
  if due and tonumber(due) <= tonumber(ARGV[1]) then
    redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', ARGV[1])
    if not settle(KEYS[k], KEYS[1], user) then
      local lastSeen = tonumber(due) - tonumber(ARGV[2])
      redis.call('ZREM', KEYS[1], user)
      redis.call('HSET', KEYS[2], user, string.format('%d', lastSeen))
      gone[#gone + 1] = user
      gone[#gone + 1] = lastSeen
    end
  end
end
return gone
`;

/** KEYS: index, seen, then the conns of each user. ARGV: now, ttl, then the users. Returns (online, lastSeen|nil) pairs. */
export const STATUS = `
local out = {}
for k = 3, #KEYS do
  local user = ARGV[k]
  if redis.call('ZCOUNT', KEYS[k], '(' .. ARGV[1], '+inf') > 0 then
    out[#out + 1] = 1
    out[#out + 1] = false
  else
    local due = redis.call('ZSCORE', KEYS[1], user)
    local seen
    if due then seen = tonumber(due) - tonumber(ARGV[2]) else seen = redis.call('HGET', KEYS[2], user) end
    out[#out + 1] = 0
    out[#out + 1] = seen and tonumber(seen) or false
  end
end
return out
`;
