/**
 * Lua scripts: each runs atomically in Redis, so two workers never take the same request and a
 * request is never in neither the frontier nor the leases. Times come from the Redis server
 * clock (TIME), so workers on machines with skewed clocks agree on lease expiry. Scores are
 * passed as '%.0f' strings because Lua's default number formatting keeps 14 digits only.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Returns expired leases (dead or stalled workers) to the frontier with their original score; `limit` bounds the work per call. */
const REQUEUE_EXPIRED = `
local function requeue_expired(queue, leases, expiries, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', expiries, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local lease = redis.call('HGET', leases, id)
    if lease then
      local score = string.match(lease, ' (%S+)$')
      if score then redis.call('ZADD', queue, score, id) end
      redis.call('HDEL', leases, id)
    end
    redis.call('ZREM', expiries, id)
  end
  return #ids
end
`;

/** KEYS: queue, requests, seq, dupefilter. ARGV: fingerprint ('' = dontFilter), priority, lifo '1'|'0', json. Returns 1 if queued, 0 if a duplicate. */
export const ENQUEUE = `
if ARGV[1] ~= '' and redis.call('SADD', KEYS[4], ARGV[1]) == 0 then return 0 end
local seq = redis.call('INCR', KEYS[3])
local span = 4294967296
local s = seq % span
local rank = s
if ARGV[3] ~= '1' then rank = span - 1 - s end
local score = tonumber(ARGV[2]) * span + rank
local id = string.format('%.0f', seq)
redis.call('ZADD', KEYS[1], string.format('%.0f', score), id)
redis.call('HSET', KEYS[2], id, ARGV[4])
return 1
`;

/**
 * KEYS: queue, requests, leases, expiries. ARGV: worker id, lease ms, requeue limit.
 * Returns {requeued} when the frontier is empty, else {requeued, id, json ('' when missing)}.
 */
export const NEXT = `${REQUEUE_EXPIRED}${NOW}
local requeued = requeue_expired(KEYS[1], KEYS[3], KEYS[4], now, tonumber(ARGV[3]))
local popped = redis.call('ZPOPMAX', KEYS[1])
if #popped == 0 then return {requeued} end
local id = popped[1]
redis.call('HSET', KEYS[3], id, ARGV[1] .. ' ' .. popped[2])
redis.call('ZADD', KEYS[4], string.format('%.0f', now + tonumber(ARGV[2])), id)
local data = redis.call('HGET', KEYS[2], id)
return {requeued, id, data or ''}
`;

/**
 * KEYS: queue, requests, leases, expiries. ARGV: worker id, ids…
 * Removes this worker's leases and their data. A lease that expired and went back to the
 * frontier meanwhile is taken out of it again (the work is done); one re-leased by another
 * worker is left alone. Returns the number acknowledged.
 */
export const ACK = `
local mine = ARGV[1] .. ' '
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local lease = redis.call('HGET', KEYS[3], id)
  if lease then
    if string.sub(lease, 1, #mine) == mine then
      redis.call('HDEL', KEYS[3], id)
      redis.call('ZREM', KEYS[4], id)
      redis.call('HDEL', KEYS[2], id)
      n = n + 1
    end
  elseif redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('HDEL', KEYS[2], id)
    n = n + 1
  end
end
return n
`;

/** KEYS: queue, leases, expiries. ARGV: worker id, ids… Puts this worker's leases back in the frontier now (an aborted crawl). */
export const RELEASE = `
local mine = ARGV[1] .. ' '
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local lease = redis.call('HGET', KEYS[2], id)
  if lease and string.sub(lease, 1, #mine) == mine then
    redis.call('ZADD', KEYS[1], string.sub(lease, #mine + 1), id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    n = n + 1
  end
end
return n
`;

/** KEYS: leases, expiries. ARGV: worker id, lease ms, ids… Extends this worker's leases (heartbeat). */
export const RENEW = `${NOW}
local mine = ARGV[1] .. ' '
local expiry = string.format('%.0f', now + tonumber(ARGV[2]))
local n = 0
for i = 3, #ARGV do
  local lease = redis.call('HGET', KEYS[1], ARGV[i])
  if lease and string.sub(lease, 1, #mine) == mine then
    redis.call('ZADD', KEYS[2], 'XX', expiry, ARGV[i])
    n = n + 1
  end
end
return n
`;

/** KEYS: queue, leases, expiries. ARGV: requeue limit. Returns {queued, leased, requeued}. */
export const SIZE = `${REQUEUE_EXPIRED}${NOW}
local requeued = requeue_expired(KEYS[1], KEYS[2], KEYS[3], now, tonumber(ARGV[1]))
return {redis.call('ZCARD', KEYS[1]), redis.call('HLEN', KEYS[2]), requeued}
`;

/** KEYS: requests, leases, expiries, rejected. ARGV: worker id, id, raw. Drops a refused entry, keeping a copy for inspection. */
export const REJECT = `
local mine = ARGV[1] .. ' '
local lease = redis.call('HGET', KEYS[2], ARGV[2])
if lease and string.sub(lease, 1, #mine) == mine then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
  redis.call('HDEL', KEYS[1], ARGV[2])
end
redis.call('LPUSH', KEYS[4], ARGV[3])
redis.call('LTRIM', KEYS[4], 0, 999)
return 1
`;
