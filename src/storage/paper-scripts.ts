/**
 * Lua scripts of a paper write, one per cluster slot they touch (see keys.ts and docs/SCALING.md).
 *
 * A paper's own record — its data, vector, content hash and the set of links it may have elsewhere —
 * is written in one atomic step in the paper's slot. Its effects on other entities (author links,
 * researcher records, term counts, citations, the change stream) are then projected by idempotent
 * steps (paper-projection.ts), each one a single command or a script in one slot. The record's
 * `linked` field is a superset of every link a projection may have made, so a later projection can
 * remove what an interrupted one left behind, and `dirty` says the links may not match the record.
 */

/**
 * KEYS: paper. ARGV: payload JSON { contentHash, state JSON, fields: [name, value, ...], now }, vector.
 * Writes the record unless it holds the same content and is not dirty. `linked` grows to include the
 * new state, so what the old one linked can still be found and removed.
 * Returns 'created', 'updated', 'unchanged' (nothing written) or 'repair' (same content whose
 * projection did not finish: nothing written, the caller projects it again).
 */
export const writePaperScript = `
local a = cjson.decode(ARGV[1])
local key = KEYS[1]
local current = redis.call('HMGET', key, 'contentHash', 'dirty', 'linked', 'createdAt', 'countedTerms')
if current[1] == a.contentHash then
  if current[2] then return 'repair' end
  return 'unchanged'
end
local linked = { authors = {}, refs = {}, own = {} }
if current[3] then linked = cjson.decode(current[3]) end
local state = cjson.decode(a.state)
for _, part in ipairs({ 'authors', 'refs', 'own' }) do
  local seen = {}
  for _, v in ipairs(linked[part]) do seen[v] = true end
  for _, v in ipairs(state[part]) do
    if not seen[v] then table.insert(linked[part], v); seen[v] = true end
  end
end
redis.call('DEL', key)
redis.call('HSET', key, 'vector', ARGV[2], 'linked', cjson.encode(linked), 'dirty', '1',
  'countedTerms', current[5] or '[]', 'createdAt', current[4] or a.now, 'updatedAt', a.now, unpack(a.fields))
if current[1] then return 'updated' end
return 'created'
`;

/**
 * KEYS: paper. Turns a stored paper into a tombstone that keeps only what its projection needs to
 * remove its links (`linked`, `countedTerms`) and says so (`deleted`, `dirty`); readers see no paper.
 * Returns 1 when there was a paper (or a tombstone still being projected), 0 when there was nothing.
 */
export const markPaperDeletedScript = `
local key = KEYS[1]
local current = redis.call('HMGET', key, 'contentHash', 'linked', 'countedTerms', 'deleted')
if current[4] then return 1 end
if not current[1] then return 0 end
redis.call('DEL', key)
redis.call('HSET', key, 'linked', current[2], 'countedTerms', current[3] or '[]', 'deleted', '1', 'dirty', '1')
return 1
`;

/**
 * KEYS: paper. ARGV: the content hash the projection read ('' for a tombstone), the state it projected
 * (JSON), the terms it counted (JSON). When the record is still the one projected, its links now match
 * it exactly: `linked` becomes that state and `dirty` goes (a tombstone goes altogether). Returns 1, or
 * 0 when the record changed meanwhile and must be projected again.
 */
export const finishProjectionScript = `
local key = KEYS[1]
local current = redis.call('HMGET', key, 'contentHash', 'deleted')
if ARGV[1] == '' then
  if not current[2] then return 0 end
  redis.call('DEL', key)
  return 1
end
if current[1] ~= ARGV[1] then return 0 end
redis.call('HSET', key, 'linked', ARGV[2], 'countedTerms', ARGV[3])
redis.call('HDEL', key, 'dirty')
return 1
`;

/**
 * KEYS: researcher, researcher's papers, researcher's affiliations. ARGV: paper id, year, author name,
 * affiliation ('' for none), now. Creates the researcher record when absent and links the paper.
 * The record's name is the spelling on the newest paper that names them (the larger paper id among
 * papers of one year), whichever order papers are written in: `nameFrom` keeps the year and id it
 * came from. Returns the record's name, which the name index lists.
 */
export const linkAuthorScript = `
local from = string.format('%04d:%s', tonumber(ARGV[2]), ARGV[1])
if redis.call('HSETNX', KEYS[1], 'name', ARGV[3]) == 1 then
  redis.call('HSET', KEYS[1], 'claimed', 'false', 'openToCollaborate', 'false',
    'verificationLevel', '0', 'createdAt', ARGV[5], 'nameFrom', from)
elseif from >= (redis.call('HGET', KEYS[1], 'nameFrom') or '') then
  redis.call('HSET', KEYS[1], 'name', ARGV[3], 'nameFrom', from)
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[5])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[3], 'LT', ARGV[2], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return redis.call('HGET', KEYS[1], 'name')
`;

/**
 * KEYS: term document frequencies, terms-counted markers. ARGV: paper id, the terms the paper counts
 * with when no marker says otherwise (JSON), the terms it must count with (JSON). Moves the paper's
 * counts from what they are to what they must be and records that in the marker, so that repeating
 * the step changes nothing.
 */
export const countTermsScript = `
local marker = redis.call('HGET', KEYS[2], ARGV[1])
local from = cjson.decode(marker or ARGV[2])
local to = cjson.decode(ARGV[3])
local had, has = {}, {}
for _, t in ipairs(from) do had[t] = true end
for _, t in ipairs(to) do has[t] = true end
for _, t in ipairs(to) do
  if not had[t] then redis.call('HINCRBY', KEYS[1], t, 1) end
end
for _, t in ipairs(from) do
  if not has[t] and redis.call('HINCRBY', KEYS[1], t, -1) <= 0 then redis.call('HDEL', KEYS[1], t) end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`;

/** KEYS: a hash. ARGV: field, value. Deletes the field only while it holds that value. */
export const deleteFieldIfScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/** KEYS: a key. ARGV: value. Deletes the key only while it holds that value (a lease's release). */
export const deleteKeyIfScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
