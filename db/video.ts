/** Video rooms, one-time meeting links (join tokens) and what Janus told us about each participant. */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { JanusHandle, JoinToken, MeetingPresence, MeetRole, VideoRoom } from './entities';
import { insertIgnore } from './insert';

/** Stores the room's PIN, secret and Janus server once; returns the stored ones (the first call's on a retry). */
export async function ensureVideoRoom(
  em: EntityManager,
  r: { encounterId: string; roomId: string; pin: string; secret: string; janusServer: string | null },
): Promise<VideoRoom> {
  await insertIgnore(em, VideoRoom, [r]);
  return em.findOneOrFail(VideoRoom, { encounterId: r.encounterId });
}

/** Open (not destroyed) rooms per Janus server, for placing a new one; rooms of a day ago or more are left over, not open. */
export async function openRoomsByServer(em: EntityManager): Promise<Record<string, number>> {
  // A grouped count: SQL says it plainly (video_room_open_server_idx).
  const rows = await em.getConnection().execute<Array<{ janus_server: string | null; n: string }>>(
    `select janus_server, count(*) as n from video_room
      where destroyed_at is null and created_at > now() - interval '1 day' group by janus_server`,
  );
  return Object.fromEntries(rows.filter((r) => r.janus_server).map((r) => [r.janus_server, Number(r.n)]));
}

/** Records that the room now lives on another Janus server (re-created there after its own was gone). */
export async function moveVideoRoom(em: EntityManager, encounterId: string, janusServer: string): Promise<void> {
  await em.nativeUpdate(VideoRoom, { encounterId }, { janusServer });
}

export async function findVideoRoom(em: EntityManager, encounterId: string): Promise<VideoRoom | null> {
  return em.findOne(VideoRoom, { encounterId });
}

/** Marks the room destroyed; the first time stays. */
export async function markVideoRoomDestroyed(em: EntityManager, encounterId: string): Promise<void> {
  await em.nativeUpdate(VideoRoom, { encounterId, destroyedAt: null }, { destroyedAt: new Date() });
}

/** Stores new links (their hashes) in one statement, so both or neither. */
export async function insertJoinTokens(
  em: EntityManager,
  tokens: Array<
    Pick<JoinToken, 'tokenHash' | 'encounterId' | 'role' | 'createdBy' | 'expiresAt'> &
      Partial<Pick<JoinToken, 'participantId' | 'codeHash' | 'codeExpiresAt'>>
  >,
): Promise<void> {
  await em.insertMany(JoinToken, tokens);
}

/**
 * Withdraws the links of an encounter that are not withdrawn yet (all, or only those of some roles or
 * of one participant); returns how many.
 */
export async function revokeJoinTokens(
  em: EntityManager,
  encounterId: string,
  only: { roles?: MeetRole[]; participantId?: string } = {},
): Promise<number> {
  return em.nativeUpdate(
    JoinToken,
    {
      encounterId,
      revokedAt: null,
      ...(only.roles ? { role: { $in: only.roles } } : {}),
      ...(only.participantId ? { participantId: only.participantId } : {}),
    },
    { revokedAt: new Date() },
  );
}

/** What a participant's link holds for the one-time code: its hash, expiry and wrong tries. */
export async function findJoinTokenCode(
  em: EntityManager,
  tokenHash: string,
): Promise<Pick<JoinToken, 'codeHash' | 'codeExpiresAt' | 'codeAttempts' | 'participantId' | 'encounterId'> | null> {
  return em.findOne(
    JoinToken,
    { tokenHash, revokedAt: null },
    { fields: ['codeHash', 'codeExpiresAt', 'codeAttempts', 'participantId', 'encounterId'] },
  );
}

/** The stored form of a one-time code (SHA-256; the code itself is only in the SMS or mail). */
export const oneTimeCodeHash = (code: string) => createHash('sha256').update(`code:${code.trim()}`).digest('hex');

/**
 * Stores a new one-time code (its hash) on an unused, unwithdrawn link; wrong tries are not forgiven
 * by a new code (the link is withdrawn after the fifth). Returns 1 when stored.
 */
export async function setJoinTokenCode(em: EntityManager, tokenHash: string, codeHash: string, expiresAt: Date) {
  return em.nativeUpdate(
    JoinToken,
    { tokenHash, revokedAt: null, usedAt: null, expiresAt: { $gt: new Date() } },
    { codeHash, codeExpiresAt: expiresAt },
  );
}

/**
 * A new code is asked for on an unused link: the old code stops holding at once and the request time is
 * marked (as a code expiring `ttlSeconds` from now), unless one was asked for within `resendSeconds`.
 * One statement, so two requests at once send one code. Returns 1 when the new code may be sent.
 */
export async function markCodeRequested(
  em: EntityManager,
  tokenHash: string,
  ttlSeconds: number,
  resendSeconds: number,
) {
  const now = Date.now();
  return em.nativeUpdate(
    JoinToken,
    {
      tokenHash,
      revokedAt: null,
      usedAt: null,
      expiresAt: { $gt: new Date(now) },
      $or: [{ codeExpiresAt: null }, { codeExpiresAt: { $lte: new Date(now + (ttlSeconds - resendSeconds) * 1000) } }],
    },
    { codeHash: null, codeExpiresAt: new Date(now + ttlSeconds * 1000) },
  );
}

/**
 * Takes one try at a link's one-time code, right or wrong, in one statement: parallel tries each use one,
 * so a burst cannot test more codes than the limit. Null when the link is unknown, withdrawn or out of tries.
 */
export async function takeCodeTry(
  em: EntityManager,
  tokenHash: string,
  maxTries: number,
): Promise<{
  codeHash: string | null;
  codeExpiresAt: Date | null;
  tries: number;
  participantId: string | null;
  encounterId: string;
} | null> {
  const [row] = await em.execute<
    Array<{
      code_hash: string | null;
      code_expires_at: Date | null;
      code_attempts: number;
      participant_id: string | null;
      encounter_id: string;
    }>
  >(
    `update join_token set code_attempts = code_attempts + 1
     where token_hash = ? and revoked_at is null and code_attempts < ?
     returning code_hash, code_expires_at, code_attempts, participant_id, encounter_id`,
    [tokenHash, maxTries],
  );
  return row
    ? {
        codeHash: row.code_hash,
        codeExpiresAt: row.code_expires_at && new Date(row.code_expires_at),
        tries: row.code_attempts,
        participantId: row.participant_id,
        encounterId: row.encounter_id,
      }
    : null;
}

/** A link as it stands, without using it: its encounter and role, or why it cannot be used. */
export async function inspectJoinToken(
  em: EntityManager,
  tokenHash: string,
  person: string,
): Promise<
  | { encounterId: string; role: MeetRole; participantId: string | null }
  | { refused: 'unknown' | 'used' | 'expired' | 'revoked' }
> {
  const t = await em.findOne(JoinToken, { tokenHash });
  if (!t) return { refused: 'unknown' };
  if (t.revokedAt) return { refused: 'revoked' };
  if (t.expiresAt.getTime() <= Date.now()) return { refused: 'expired' };
  if (t.usedAt && t.openedBy !== person) return { refused: 'used' };
  return { encounterId: t.encounterId, role: t.role, participantId: t.participantId ?? null };
}

/**
 * Uses a link for one person: marks it used and starts the page's session in one statement, so two
 * people racing for one link cannot both win. The person who opened it may open it again (a new page
 * session replaces the old). Null when the link is unknown, withdrawn, expired or someone else's.
 */
export async function claimJoinToken(
  em: EntityManager,
  tokenHash: string,
  person: string,
  session: { sessionKeyHash: string; publisherId: string },
): Promise<{ encounterId: string; role: MeetRole; participantId: string | null } | null> {
  const now = new Date();
  const claimed = await em.nativeUpdate(
    JoinToken,
    { tokenHash, revokedAt: null, expiresAt: { $gt: now }, $or: [{ usedAt: null }, { openedBy: person }] },
    { usedAt: now, openedBy: person, ...session },
  );
  if (claimed !== 1) return null;
  const t = await em.findOneOrFail(JoinToken, { tokenHash }, { fields: ['encounterId', 'role', 'participantId'] });
  return { encounterId: t.encounterId, role: t.role, participantId: t.participantId ?? null };
}

/** The page session behind a hashed meeting key. */
export async function findMeetingSession(
  em: EntityManager,
  sessionKeyHash: string,
): Promise<{
  encounterId: string;
  role: MeetRole;
  participantId: string | null;
  publisherId: string;
  openedBy: string;
  openedAt: Date;
} | null> {
  const t = await em.findOne(
    JoinToken,
    { sessionKeyHash, revokedAt: null },
    { fields: ['encounterId', 'role', 'participantId', 'publisherId', 'openedBy', 'usedAt'] },
  );
  return t
    ? {
        encounterId: t.encounterId,
        role: t.role,
        participantId: t.participantId ?? null,
        publisherId: t.publisherId!,
        openedBy: t.openedBy ?? '',
        openedAt: t.usedAt ?? new Date(0),
      }
    : null;
}

/** The pages a participant opened (its links' stored key hashes and publisher ids), to put it out of the room. */
export async function participantPages(
  em: EntityManager,
  encounterId: string,
  participantId: string,
): Promise<Array<{ sessionKeyHash: string; publisherId: string }>> {
  const rows = await em.find(
    JoinToken,
    { encounterId, participantId, sessionKeyHash: { $ne: null } },
    { fields: ['sessionKeyHash', 'publisherId'] },
  );
  return rows.map((r) => ({ sessionKeyHash: r.sessionKeyHash!, publisherId: r.publisherId! }));
}

/** Who published under a Janus publisher id, if it was one of our pages. */
export async function findPublisher(
  em: EntityManager,
  publisherId: string,
): Promise<{ encounterId: string; role: MeetRole; participantId: string | null } | null> {
  const t = await em.findOne(JoinToken, { publisherId }, { fields: ['encounterId', 'role', 'participantId'] });
  return t ? { encounterId: t.encounterId, role: t.role, participantId: t.participantId ?? null } : null;
}

/** Which participant a Janus handle belongs to. */
export async function findJanusHandle(
  em: EntityManager,
  handleId: number,
): Promise<{ encounterId: string; role: MeetRole } | null> {
  const h = await em.findOne(JanusHandle, { handleId: String(handleId) });
  return h ? { encounterId: h.encounterId, role: h.role as MeetRole } : null;
}

/**
 * Applies a presence (key 'patient') or media (key 'patient/media') change if it is newer than the
 * last event seen for that key; true when the state actually changed. Remembers the handle of a join.
 */
export async function applyParticipantEvent(
  em: EntityManager,
  e: {
    encounterId: string;
    key: string;
    present: boolean;
    atUs: number;
    initiallyPresent: boolean;
    handle?: { id: number; role: MeetRole };
  },
): Promise<boolean> {
  return em.transactional(async (tx) => {
    if (e.handle)
      await insertIgnore(tx, JanusHandle, [
        { handleId: String(e.handle.id), encounterId: e.encounterId, role: e.handle.role },
      ]);
    await insertIgnore(tx, MeetingPresence, [
      { encounterId: e.encounterId, role: e.key, present: e.initiallyPresent, lastEventUs: '0' },
    ]);
    const row = await tx.findOneOrFail(
      MeetingPresence,
      { encounterId: e.encounterId, role: e.key },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (e.atUs <= Number(row.lastEventUs)) return false;
    const changed = row.present !== e.present;
    await tx.nativeUpdate(
      MeetingPresence,
      { encounterId: e.encounterId, role: e.key },
      { present: e.present, lastEventUs: String(e.atUs) },
    );
    return changed;
  });
}

/** Every opened page session of an encounter's meeting: whose Janus publisher id is whose (issue 26). */
export async function meetingPublishers(
  em: EntityManager,
  encounterId: string,
): Promise<Array<{ publisherId: string; role: MeetRole; participantId: string | null; openedBy: string }>> {
  const ts = await em.find(
    JoinToken,
    { encounterId, revokedAt: null, publisherId: { $ne: null } },
    { fields: ['publisherId', 'role', 'participantId', 'openedBy'] },
  );
  return ts.map((t) => ({
    publisherId: t.publisherId!,
    role: t.role,
    participantId: t.participantId ?? null,
    openedBy: t.openedBy ?? '',
  }));
}
