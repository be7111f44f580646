import { ERROR_SCORE_GRACE } from './transitions.js';

/**
 * The Lua scripts of a pool's state in Redis (redis-state.ts): transitions.ts's rules, each run
 * whole inside Redis, so a take or an outcome is one atomic step for the whole fleet. Every key
 * shares the pool's hash tag, so they run on Redis Cluster too. Each state change is published on
 * the pool's channel as `{"origin": …, "change": …}` for the other processes' `state` events.
 * test/pool/redis-state.spec.ts holds them to transitions.ts by running both on the same operations.
 *
 * Keys: KEYS[1] the pool's hash (`seq`, `cursor`, `current`), KEYS[2] the set of accounts that have
 * a hash, then the accounts' hashes (`status`, `reason`, `until`, `lastUsed`, `lastSeq`, `uses`,
 * `errorScore`, `scoreAt`, `refreshFailures`; a field absent is its newMember() default).
 * Epoch ms go in and out as integers (`%d`): Lua's tostring would print 13 digits as a float.
 */

const COMMON = `
local function ms(x) return string.format('%d', x) end
local function publish(channel, origin, change)
  redis.call('PUBLISH', channel, cjson.encode({origin = origin, change = change}))
end
local function load(key)
  local m = {status = 'ready', lastSeq = 0, uses = 0, errorScore = 0, refreshFailures = 0}
  local flat = redis.call('HGETALL', key)
  for j = 1, #flat, 2 do
    local f, v = flat[j], flat[j + 1]
    if f == 'status' or f == 'reason' then m[f] = v else m[f] = tonumber(v) end
  end
  return m
end
`;

/**
 * Wakes the accounts whose cool-down is over, picks one by the strategy and marks it used.
 * ARGV: now, pick, pinned ('' for none), channel, origin, then the pool's names (one per hash key).
 * Returns JSON: `{name?, changes, members}` as transitions.ts's take.
 */
export const TAKE = `${COMMON}
local now = tonumber(ARGV[1])
local pick, pinned, channel, origin = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = #KEYS - 2
local names, members, index, changes = {}, {}, {}, {}
for i = 1, n do
  local name, key = ARGV[5 + i], KEYS[2 + i]
  names[i] = name
  index[name] = i
  local m = load(key)
  if (m.status == 'cooling' or m.status == 'quarantined') and (m['until'] or 0) <= now then
    local from = m.status
    local reason = from == 'cooling' and 'cool-down over' or 'quarantine over'
    m.status, m.reason, m['until'] = 'ready', reason, nil
    redis.call('HSET', key, 'status', 'ready', 'reason', reason)
    redis.call('HDEL', key, 'until')
    local change = {name = name, from = from, to = 'ready', reason = reason, at = now}
    changes[#changes + 1] = change
    publish(channel, origin, change)
  end
  members[i] = m
end
local function ready(i) return i ~= nil and members[i].status == 'ready' end
local chosen
if pinned ~= '' then
  if ready(index[pinned]) then chosen = index[pinned] end
elseif pick == 'least-recently-used' then
  for i = 1, n do
    if ready(i) and (chosen == nil or members[i].lastSeq < members[chosen].lastSeq) then chosen = i end
  end
else
  local current = pick == 'use-until-failure' and redis.call('HGET', KEYS[1], 'current') or false
  if current and ready(index[current]) then chosen = index[current]
  else
    -- 0-based, as transitions.ts: after the current account, else the round-robin cursor.
    local start
    if current then start = index[current] or 0 else start = tonumber(redis.call('HGET', KEYS[1], 'cursor') or '0') end
    for k = 0, n - 1 do
      local i = ((start + k) % n) + 1
      if ready(i) then chosen = i break end
    end
  end
end
local shown = {}
if pinned ~= '' then shown[pinned] = members[index[pinned]] else for i = 1, n do shown[names[i]] = members[i] end end
local result = {changes = changes, members = shown}
if chosen then
  local key = KEYS[2 + chosen]
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  redis.call('HSET', key, 'lastSeq', seq, 'lastUsed', ARGV[1])
  redis.call('HINCRBY', key, 'uses', 1)
  redis.call('SADD', KEYS[2], names[chosen])
  if pinned == '' and pick ~= 'least-recently-used' then redis.call('HSET', KEYS[1], 'cursor', chosen % n) end
  if pinned == '' and pick == 'use-until-failure' then redis.call('HSET', KEYS[1], 'current', names[chosen]) end
  result.name = names[chosen]
end
return cjson.encode(result)
`;

/**
 * Applies one outcome to one account. KEYS: the pool's hash, the set, the account's hash.
 * ARGV: name, kind, reason, coolDownMs, now, maxErrorScore, errorHalfLifeMs, errorCoolDownMs,
 * maxRefreshFailures, the reason of a quarantine for errors, channel, origin.
 * Returns the state change as JSON, or '' for none.
 */
export const RECORD = `${COMMON}
local key, name, kind, reason = KEYS[3], ARGV[1], ARGV[2], ARGV[3]
local now = tonumber(ARGV[5])
local from = redis.call('HGET', key, 'status') or 'ready'
if kind ~= 'ok' and redis.call('HGET', KEYS[1], 'current') == name then redis.call('HDEL', KEYS[1], 'current') end
-- A retired account stays retired whatever a request still in flight brings back.
if from == 'retired' then return '' end
redis.call('SADD', KEYS[2], name)
local function move(to, why, untilMs)
  redis.call('HSET', key, 'status', to, 'reason', why)
  if untilMs then redis.call('HSET', key, 'until', ms(untilMs)) else redis.call('HDEL', key, 'until') end
  if from == to and to ~= 'cooling' and to ~= 'quarantined' then return '' end
  local change = {name = name, from = from, to = to, reason = why, ['until'] = untilMs, at = now}
  publish(ARGV[11], ARGV[12], change)
  return cjson.encode(change)
end
if kind == 'ok' then
  redis.call('HSET', key, 'refreshFailures', 0)
  return ''
elseif kind == 'blocked' then
  return move('quarantined', reason, now + tonumber(ARGV[4]))
elseif kind == 'rate-limited' then
  return move('cooling', reason, now + tonumber(ARGV[4]))
elseif kind == 'error' then
  local m = load(key)
  local score = m.errorScore
  if score ~= 0 and m.scoreAt then score = score * 0.5 ^ (math.max(0, now - m.scoreAt) / tonumber(ARGV[7])) end
  score = score + 1
  redis.call('HSET', key, 'scoreAt', ARGV[5])
  if score < tonumber(ARGV[6]) - ${ERROR_SCORE_GRACE} then
    redis.call('HSET', key, 'errorScore', string.format('%.17g', score))
    return ''
  end
  redis.call('HSET', key, 'errorScore', 0)
  return move('quarantined', ARGV[10], now + tonumber(ARGV[8]))
elseif kind == 'refresh-failed' then
  local count = redis.call('HINCRBY', key, 'refreshFailures', 1)
  if count < tonumber(ARGV[9]) then return '' end
  return move('retired', 'refresh failed ' .. count .. (count == 1 and ' time' or ' times') .. ' in a row (last: ' .. reason .. ')')
end
return redis.error_reply('unknown outcome ' .. kind)
`;

/**
 * Accounts back to ready with fresh counters. KEYS: the pool's hash, the set, the accounts' hashes.
 * ARGV: now, channel, origin, then the accounts' names. Returns the changes as JSON.
 */
export const RESET = `${COMMON}
local changes = {}
for i = 1, #KEYS - 2 do
  local key, name = KEYS[2 + i], ARGV[3 + i]
  local from = redis.call('HGET', key, 'status') or 'ready'
  redis.call('DEL', key)
  redis.call('HSET', key, 'reason', 'reset by hand')
  redis.call('SADD', KEYS[2], name)
  if from ~= 'ready' then
    local change = {name = name, from = from, to = 'ready', reason = 'reset by hand', at = tonumber(ARGV[1])}
    changes[#changes + 1] = change
    publish(ARGV[2], ARGV[3], change)
  end
end
return cjson.encode(changes)
`;
