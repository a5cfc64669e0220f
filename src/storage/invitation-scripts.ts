/**
 * Lua scripts for invitations. Writing a digest and changing an invitation's status are each one atomic
 * step; key names come from keys.ts through the `prefixes` argument. Every key they touch is in the
 * catalogue slot; what they need of researcher records (which live in their own slots on a cluster)
 * the caller reads just before and passes in.
 */

/**
 * Lua: how many more digests of a period may name a candidate — the platform's `cap`, or the
 * candidate's own smaller invitationsPerPeriod (`own`, nil for none; 0 pauses them), less the
 * recipients already named.
 * The one statement of that rule, shared by the write script and the capacity read.
 */
const candidateRoomLua = `
local function candidateRoom(P, period, cap, candidate, own)
  local limit = cap
  if own and own < limit then limit = own end
  return limit - redis.call('SCARD', P.exposure .. period .. ':' .. candidate)
end
`;

/**
 * KEYS: digest set (recipient, period), inbox, invited hash (candidate → latest invitation id), feedback hash.
 * ARGV: prefixes JSON, payload JSON { recipient, period, max, cap, exposureTtl, dryRun, now,
 * candidates: [{ candidate, id, score, evidence, claimed, open, own }] } (claimed, open to collaborate
 * and own invitationsPerPeriod, or null, as the candidate's record says).
 * Writes candidates in order until the period holds `max` of them, skipping anyone with an open or
 * accepted invitation from this recipient, anyone who holds an open or accepted invitation naming this
 * recipient (one open suggestion per pair), anyone declined, blocked or dismissed within the cooldown,
 * anyone who is not claimed and open to collaborate right now, and anyone already named in as many
 * digests of the period as their cap allows (the platform's `cap`, or their own smaller
 * invitationsPerPeriod; 0 pauses them). Re-running it for the same period writes only what is missing.
 * Returns the ids of the invitations it created; with `dryRun`, writes nothing and returns the
 * candidates that pass every rule but the caps (what a digest may propose).
 */
export const createInvitationsScript = `${candidateRoomLua}
local P = cjson.decode(ARGV[1])
local a = cjson.decode(ARGV[2])
local created = {}
local count = redis.call('SCARD', KEYS[1])
for _, c in ipairs(a.candidates) do
  if count >= a.max and not a.dryRun then break end
  local skip = redis.call('SISMEMBER', KEYS[1], c.candidate) == 1
  if not skip then
    local last = redis.call('HGET', KEYS[3], c.candidate)
    if last then
      local status = redis.call('HGET', P.invitation .. last, 'status')
      if status == 'pending' or status == 'snoozed' or status == 'sent' or status == 'accepted' then skip = true end
    end
  end
  if not skip then
    local said = redis.call('HGET', KEYS[4], c.candidate)
    if said then
      local feedback = cjson.decode(said)
      if feedback.kind ~= 'dismissed' or tonumber(feedback['until']) > a.now then skip = true end
    end
  end
  if not skip then
    -- One open suggestion per pair: not B to A while A holds an open one naming B.
    local reverse = redis.call('HGET', P.invited .. c.candidate, a.recipient)
    if reverse then
      local status = redis.call('HGET', P.invitation .. reverse, 'status')
      if status == 'pending' or status == 'snoozed' or status == 'sent' or status == 'accepted' then skip = true end
    end
  end
  local exposure = P.exposure .. a.period .. ':' .. c.candidate
  if not skip then
    if c.claimed ~= true or c.open ~= true then skip = true end
    local own = nil
    if c.own ~= cjson.null then own = c.own end
    if not skip and not a.dryRun and redis.call('SISMEMBER', exposure, a.recipient) == 0
      and candidateRoom(P, a.period, a.cap, c.candidate, own) <= 0 then
      skip = true
    end
  end
  if not skip and a.dryRun then
    table.insert(created, c.candidate)
  elseif not skip then
    local key = P.invitation .. c.id
    if redis.call('EXISTS', key) == 0 then
      redis.call('HSET', key, 'id', c.id, 'recipient', a.recipient, 'candidate', c.candidate, 'period', a.period,
        'status', 'pending', 'score', c.score, 'evidence', c.evidence, 'createdAt', a.now, 'updatedAt', a.now)
      redis.call('ZADD', KEYS[2], a.now, c.id)
      redis.call('ZADD', P.namedIn .. c.candidate, a.now, c.id)
      table.insert(created, c.id)
    end
    redis.call('SADD', KEYS[1], c.candidate)
    redis.call('HSET', KEYS[3], c.candidate, c.id)
    redis.call('SADD', exposure, a.recipient)
    redis.call('EXPIRE', exposure, a.exposureTtl)
    count = count + 1
  end
end
return created
`;

/**
 * KEYS: invitation, collaboration change stream. ARGV: prefixes JSON, action, now (ms), until (ms, for snooze
 * and dismiss cooldown), stream max length. An accepted invitation becomes a collaboration edge and a
 * 'collaborate' entry on the change stream, through which every index learns of it.
 * Moves the invitation through pending → sent → accepted | declined, or pending → dismissed | snoozed
 * (snoozed → pending when it is due). Returns the new status, or 'illegal:<status>' / 'missing'.
 */
export const transitionInvitationScript = `
local P = cjson.decode(ARGV[1])
local action = ARGV[2]
local now = tonumber(ARGV[3])
local untilTime = tonumber(ARGV[4])
local key = KEYS[1]
local fields = redis.call('HMGET', key, 'status', 'recipient', 'candidate', 'snoozedUntil', 'id')
local status = fields[1]
if not status then return 'missing' end
local recipient, candidate, id = fields[2], fields[3], fields[5]
if status == 'snoozed' and tonumber(fields[4] or '0') <= now then status = 'pending' end
local allowed = {
  send = { pending = 'sent', snoozed = 'sent' },
  dismiss = { pending = 'dismissed', snoozed = 'dismissed' },
  snooze = { pending = 'snoozed', snoozed = 'snoozed' },
  accept = { sent = 'accepted' },
  decline = { sent = 'declined' },
  withdraw = { pending = 'withdrawn', snoozed = 'withdrawn' },
}
local next = allowed[action] and allowed[action][status]
if not next then return 'illegal:' .. status end
redis.call('HSET', key, 'status', next, 'updatedAt', now)
if action == 'snooze' then redis.call('HSET', key, 'snoozedUntil', untilTime) end
if action == 'send' then
  redis.call('HSET', key, 'sentAt', now)
  redis.call('ZADD', P.incoming .. candidate, now, id)
end
if action == 'dismiss' then
  redis.call('HSET', P.feedback .. recipient, candidate, cjson.encode({ kind = 'dismissed', ['until'] = untilTime }))
end
if action == 'decline' then
  redis.call('HSET', P.feedback .. recipient, candidate, cjson.encode({ kind = 'declined', ['until'] = 0 }))
end
if action == 'accept' then
  redis.call('HSET', key, 'respondedAt', now)
  local pair = recipient < candidate and (recipient .. '|' .. candidate) or (candidate .. '|' .. recipient)
  if redis.call('SADD', P.collaborationEdges, pair) == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'op', 'collaborate', 'id', pair)
  end
end
return next
`;

/**
 * KEYS: the first candidate's exposure set (a key the script reads: a Redis Cluster routes a script by
 * its declared keys, and one that declares none goes to any node). ARGV: prefixes JSON, period, cap,
 * then pairs of candidate id and own invitationsPerPeriod ('' for none). Returns, for each candidate,
 * how many more digests of the period may name them (never below 0), by the same rule the write
 * script enforces.
 */
export const candidateRoomScript = `${candidateRoomLua}
local P = cjson.decode(ARGV[1])
local rooms = {}
for i = 4, #ARGV, 2 do
  local room = candidateRoom(P, ARGV[2], tonumber(ARGV[3]), ARGV[i], tonumber(ARGV[i + 1]))
  table.insert(rooms, math.max(0, room))
end
return rooms
`;
