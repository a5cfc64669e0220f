/**
 * Lua scripts that write a paper, its vector and its author links in one atomic step. All checks that
 * could fail run before the first write, so a script either writes everything or nothing. Key names
 * come from keys.ts through the `prefixes` argument.
 *
 * Redis runs one script at a time and cannot stop one that has written, so a script's work must stay
 * linear in the paper's authors, terms, references (at most MAX_REFERENCES) and citing papers: the
 * co-author graph is kept as authorship (paper → author ids, researcher → paper ids), never as per-pair
 * edges, whose upkeep grows with the square of the author count. Citations are kept both ways (cites,
 * cited-by) with each reference also waiting under its key, so that they appear whichever of two
 * papers is stored first.
 */

const graphHelpers = `
local P = cjson.decode(ARGV[1])

local function unlinkAuthors(authors, paperId)
  for _, x in ipairs(authors) do redis.call('ZREM', P.researcherPapers .. x, paperId) end
end

local function yearOf(id) return tonumber(redis.call('HGET', P.paper .. id, 'year')) or 0 end

local function cite(citing, citingYear, cited, citedYear)
  if citing == cited then return end
  redis.call('ZADD', P.cites .. citing, citedYear, cited)
  redis.call('ZADD', P.citedBy .. cited, citingYear, citing)
end

-- A paper's own citations go, and it stops waiting for the papers its references name.
local function dropCitations(id, referenceKeysJson)
  for _, cited in ipairs(redis.call('ZRANGE', P.cites .. id, 0, -1)) do
    redis.call('ZREM', P.citedBy .. cited, id)
  end
  redis.call('DEL', P.cites .. id)
  if not referenceKeysJson then return end
  for _, key in ipairs(cjson.decode(referenceKeysJson)) do redis.call('SREM', P.referencers .. key, id) end
end

-- Citations of a paper go; the citing papers still wait for it under its keys.
local function dropCitedBy(id)
  for _, citing in ipairs(redis.call('ZRANGE', P.citedBy .. id, 0, -1)) do
    redis.call('ZREM', P.cites .. citing, id)
  end
  redis.call('DEL', P.citedBy .. id)
end

local function releaseOwnKeys(id, ownKeysJson)
  if not ownKeysJson then return end
  for _, key in ipairs(cjson.decode(ownKeysJson)) do
    if redis.call('HGET', P.referenceOwners, key) == id then redis.call('HDEL', P.referenceOwners, key) end
  end
end

-- The papers whose references name this one, by its id or by a DOI or title key it answers to, cite it.
local function linkCiters(id, year, ownKeys)
  local keys = { 'i:' .. id }
  for _, key in ipairs(ownKeys) do
    redis.call('HSETNX', P.referenceOwners, key, id)
    if redis.call('HGET', P.referenceOwners, key) == id then table.insert(keys, key) end
  end
  for _, key in ipairs(keys) do
    for _, citing in ipairs(redis.call('SMEMBERS', P.referencers .. key)) do
      cite(citing, yearOf(citing), id, year)
    end
  end
end

local function storedPaperFor(referenceKey)
  if string.sub(referenceKey, 1, 2) == 'i:' then
    local id = string.sub(referenceKey, 3)
    if redis.call('EXISTS', P.paper .. id) == 1 then return id end
    return false
  end
  return redis.call('HGET', P.referenceOwners, referenceKey)
end

-- Each reference waits under its key, and cites the stored paper that answers to it, if any.
local function linkReferences(id, year, referenceKeys)
  for _, key in ipairs(referenceKeys) do
    redis.call('SADD', P.referencers .. key, id)
    local cited = storedPaperFor(key)
    if cited then cite(id, year, cited, yearOf(cited)) end
  end
end

local function countTerms(dfKey, termsJson, delta)
  if not termsJson then return end
  for _, term in ipairs(cjson.decode(termsJson)) do
    local count = redis.call('HINCRBY', dfKey, term, delta)
    if count <= 0 then redis.call('HDEL', dfKey, term) end
  end
end
`;

/**
 * KEYS: paper, papers, changes, researchers, researcherNames, termDocumentFrequency.
 * ARGV: prefixes JSON, payload JSON, vector bytes.
 * Returns 'created', 'updated' or 'unchanged' (same content hash: nothing is written).
 */
export const upsertPaperScript = `${graphHelpers}
local a = cjson.decode(ARGV[2])
local paperKey = KEYS[1]
local existingHash = redis.call('HGET', paperKey, 'contentHash')
if existingHash == a.contentHash then return 'unchanged' end
local oldAuthors = {}
local oldJson = redis.call('HGET', paperKey, 'authorIds')
if oldJson then oldAuthors = cjson.decode(oldJson) end
local createdAt = redis.call('HGET', paperKey, 'createdAt') or a.now
local oldTerms = redis.call('HGET', paperKey, 'terms')
local oldReferenceKeys = redis.call('HGET', paperKey, 'referenceKeys')
local oldOwnKeys = redis.call('HGET', paperKey, 'ownKeys')

if existingHash then unlinkAuthors(oldAuthors, a.id) end
countTerms(KEYS[6], oldTerms, -1)
countTerms(KEYS[6], a.termsJson, 1)

redis.call('DEL', paperKey)
redis.call('HSET', paperKey,
  'data', a.data, 'contentHash', a.contentHash, 'textHash', a.textHash, 'vector', ARGV[3],
  'authorIds', a.authorIdsJson, 'terms', a.termsJson, 'year', a.year, 'venue', a.venue,
  'referenceKeys', a.referenceKeysJson, 'ownKeys', a.ownKeysJson,
  'createdAt', createdAt, 'updatedAt', a.now)
redis.call('ZADD', KEYS[2], 0, a.id)

dropCitations(a.id, oldReferenceKeys)
-- Who cites this paper changes only when the keys it answers to do (a new DOI, title or year).
if oldOwnKeys ~= a.ownKeysJson then
  dropCitedBy(a.id)
  releaseOwnKeys(a.id, oldOwnKeys)
  linkCiters(a.id, a.year, cjson.decode(a.ownKeysJson))
end
linkReferences(a.id, a.year, cjson.decode(a.referenceKeysJson))

for _, author in ipairs(a.authors) do
  local researcherKey = P.researcher .. author.id
  if redis.call('HSETNX', researcherKey, 'name', author.name) == 1 then
    redis.call('HSET', researcherKey, 'claimed', 'false', 'openToCollaborate', 'false',
      'verificationLevel', '0', 'createdAt', a.now)
    redis.call('ZADD', KEYS[4], 0, author.id)
    for _, token in ipairs(author.nameTokens) do
      redis.call('ZADD', KEYS[5], 0, token .. '\\0' .. author.id)
    end
  end
  redis.call('HSET', researcherKey, 'updatedAt', a.now)
  if author.affiliation then
    redis.call('ZADD', P.affiliations .. author.id, 'LT', a.year, author.affiliation)
  end
  redis.call('ZADD', P.researcherPapers .. author.id, a.year, a.id)
end

redis.call('XADD', KEYS[3], 'MAXLEN', '~', a.streamMaxLen, '*', 'op', 'upsert', 'id', a.id)
if existingHash then return 'updated' end
return 'created'
`;

/**
 * KEYS: paper, papers, changes, termDocumentFrequency. ARGV: prefixes JSON, paper id, stream max length.
 * Returns 1 when the paper existed and was deleted, 0 otherwise.
 */
export const deletePaperScript = `${graphHelpers}
local paperKey = KEYS[1]
local authorsJson = redis.call('HGET', paperKey, 'authorIds')
if not authorsJson then return 0 end
local authors = cjson.decode(authorsJson)
unlinkAuthors(authors, ARGV[2])
countTerms(KEYS[4], redis.call('HGET', paperKey, 'terms'), -1)
dropCitations(ARGV[2], redis.call('HGET', paperKey, 'referenceKeys'))
dropCitedBy(ARGV[2])
releaseOwnKeys(ARGV[2], redis.call('HGET', paperKey, 'ownKeys'))
redis.call('DEL', paperKey)
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'op', 'delete', 'id', ARGV[2])
return 1
`;
