/**
 * Lua for the session caps in Redis. Two sorted sets, scored by the slot's expiry (Redis TIME, ms):
 * KEYS[1] every slot of the service, KEYS[2] the user's slots. Members are `<replicaId>:<uuid>`.
 * Expired members (a replica that crashed stopped renewing them) are dropped before counting.
 */

const NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** Holds (or renews) member ARGV[1] until now + ARGV[2] ms in both sets; the sets expire with their last slot. */
const HOLD = `local expires = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], expires, ARGV[1])
redis.call('ZADD', KEYS[2], expires, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 0
`;

/**
 * ARGV = [member, ttlMs, maxSessions, maxSessionsPerUser]. Returns 0 (held), 1 (the service is
 * full: 503) or 2 (the user is at the cap: 429) — total checked first, as the in-process manager.
 */
export const RESERVE_SLOT_SCRIPT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 2 end
${HOLD}`;

/**
 * ARGV = [member, ttlMs]. Pushes a held slot's expiry forward — or registers it again when Redis
 * lost it (a restart) or never had it (taken while Redis was down). Caps are not checked: the
 * session exists already.
 */
export const RENEW_SLOT_SCRIPT = `${NOW}
${HOLD}`;
