/**
 * The Lua scripts of the Redis store. Redis runs each script atomically, which is what keeps a
 * token's hash, its index sets and the set of ids in step without MULTI/WATCH (WATCH belongs to
 * a connection, and one ioredis connection is shared by every concurrent call).
 *
 * Key layout, for a prefix `P`:
 * - `P:token:<id>`: a hash per token, fields named like the official columns plus `version`
 *   and `state`; absent values are absent fields;
 * - `P:user:<sha1>`, `P:access:<sha1>`, `P:grant:<sha1>`, `P:refresh:<sha1>`: a set of ids per
 *   looked-up value. The digest only keeps key names short and secrets out of `SCAN` output;
 *   every lookup compares the stored field itself, so the index is exact;
 * - `P:ids`: the set of every id (what `getTokens` and `deleteTokens` walk, never `KEYS`);
 * - `P:next-id`: the counter `INCR` hands ids out from, kept above every numeric id stored;
 * - `P:lease:<key>`: leases (see `redis-lease.ts`).
 *
 * Every script takes the prefix as `ARGV[1]` and names its keys from it, so the store needs a
 * standalone Redis (or a cluster with the whole prefix in one hash slot, e.g. `{zoho}`).
 */
const PRELUDE = `
local prefix = ARGV[1]
local INDEXED = { user_name = 'user', access_token = 'access', grant_token = 'grant',
                  refresh_token = 'refresh' }

local function token_key(id)
  return prefix .. ':token:' .. id
end

local function index_key(field, value)
  return prefix .. ':' .. INDEXED[field] .. ':' .. redis.sha1hex(value)
end

-- Decimal ids in numeric order (shorter first), the order the SQL stores use.
local function id_before(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end

local function hash_of(flat)
  local hash = {}
  for i = 1, #flat, 2 do hash[flat[i]] = flat[i + 1] end
  return hash
end

-- The smallest id whose stored field really equals the value: the key name is only a digest.
local function first_in_index(field, value)
  local best = false
  for _, id in ipairs(redis.call('SMEMBERS', index_key(field, value))) do
    if redis.call('HGET', token_key(id), field) == value and (not best or id_before(id, best)) then
      best = id
    end
  end
  return best
end

-- Pairs of (field, value) tried in order, the first hit wins; the field 'id' names a token.
local function resolve(lookups)
  for i = 1, #lookups, 2 do
    local field, value = lookups[i], lookups[i + 1]
    if field == 'id' then
      if redis.call('EXISTS', token_key(value)) == 1 then return value end
    else
      local id = first_in_index(field, value)
      if id then return id end
    end
  end
  return false
end

local function remove_token(id)
  local hash = hash_of(redis.call('HGETALL', token_key(id)))
  for field in pairs(INDEXED) do
    if hash[field] then redis.call('SREM', index_key(field, hash[field]), id) end
  end
  redis.call('DEL', token_key(id))
  redis.call('SREM', prefix .. ':ids', id)
end
`;

/**
 * `ARGV`: prefix, then (field, value) lookup pairs. Returns `{}` when nothing matches, else
 * `{id, field, value, ...}`: the id the lookup resolved, then the token's hash.
 */
export const FIND = `${PRELUDE}
local lookups = {}
for i = 2, #ARGV do lookups[#lookups + 1] = ARGV[i] end

local id = resolve(lookups)
if not id then return {} end

local reply = { id }
for _, item in ipairs(redis.call('HGETALL', token_key(id))) do reply[#reply + 1] = item end
return reply
`;

/**
 * `ARGV`: prefix, then a JSON plan `{lookups, expectedId, expected, id, hash}`: the lookup the
 * client ran, the id and hash it found (`''` and `{}` for none), and the token it planned from
 * them with `planSave`. The plan is written only if the lookup still resolves to the same row
 * holding exactly the same fields, so a concurrent writer makes this return `retry` instead of
 * being overwritten. An insert under an id someone else took returns `taken`.
 */
export const SAVE = `${PRELUDE}
local function same_hash(a, b)
  local count = 0
  for field, value in pairs(a) do
    if b[field] ~= value then return false end
    count = count + 1
  end
  for _ in pairs(b) do count = count - 1 end
  return count == 0
end

local function write_token(id, hash)
  local args = {}
  for field, value in pairs(hash) do
    args[#args + 1] = field
    args[#args + 1] = value
  end
  redis.call('HSET', token_key(id), unpack(args))
  for field in pairs(INDEXED) do
    if hash[field] then redis.call('SADD', index_key(field, hash[field]), id) end
  end
  redis.call('SADD', prefix .. ':ids', id)
end

-- Keeps INCR above every numeric id, imported ones included (INCR stops at 2^63 - 1).
local function raise_counter(id)
  local digits = string.match(id, '^0*(%d+)$')
  if not digits or #digits > 18 then return end

  local counter = prefix .. ':next-id'
  local current = redis.call('GET', counter) or '0'
  if id_before(current, digits) then redis.call('SET', counter, digits) end
end

local plan = cjson.decode(ARGV[2])
local found = resolve(plan.lookups)
if (found or '') ~= plan.expectedId then return 'retry' end

if found then
  if not same_hash(hash_of(redis.call('HGETALL', token_key(found))), plan.expected) then
    return 'retry'
  end
  remove_token(found)
elseif redis.call('EXISTS', token_key(plan.id)) == 1 then
  return 'taken'
end

write_token(plan.id, plan.hash)
raise_counter(plan.id)
return 'ok'
`;

/** `ARGV`: prefix, id. Removes the token and its index entries; an unknown id is no error. */
export const DELETE_ONE = `${PRELUDE}
if redis.call('EXISTS', token_key(ARGV[2])) == 1 then remove_token(ARGV[2]) end
return 'ok'
`;

/**
 * `ARGV`: prefix. Removes every token of the prefix in one atomic step, so a concurrent save
 * lands either wholly before (and is removed) or wholly after. The id counter and any leases
 * stay: an id is never handed out twice, and a holder keeps its lease.
 */
export const DELETE_ALL = `${PRELUDE}
local ids = redis.call('SMEMBERS', prefix .. ':ids')
for _, id in ipairs(ids) do remove_token(id) end
redis.call('DEL', prefix .. ':ids')
return #ids
`;

/** `ARGV`: prefix. Every token as `{id, field, value, ...}`, read in one consistent step. */
export const ALL = `${PRELUDE}
local tokens = {}
for _, id in ipairs(redis.call('SMEMBERS', prefix .. ':ids')) do
  local reply = { id }
  for _, item in ipairs(redis.call('HGETALL', token_key(id))) do reply[#reply + 1] = item end
  if #reply > 1 then tokens[#tokens + 1] = reply end
end
return tokens
`;

/** `KEYS[1]`: the lease key; `ARGV[1]`: our owner value. Deletes the lease only if still ours. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** The scripts as ioredis custom commands (`defineCommand`): EVALSHA, falling back to EVAL. */
export const SCRIPTS = {
  zohoTokensFind: { lua: FIND, numberOfKeys: 0 },
  zohoTokensSave: { lua: SAVE, numberOfKeys: 0 },
  zohoTokensDelete: { lua: DELETE_ONE, numberOfKeys: 0 },
  zohoTokensDeleteAll: { lua: DELETE_ALL, numberOfKeys: 0 },
  zohoTokensAll: { lua: ALL, numberOfKeys: 0 },
  zohoTokensRelease: { lua: RELEASE_LEASE, numberOfKeys: 1 },
} as const;
