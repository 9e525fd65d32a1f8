/**
 * Meeting links: bound to an encounter and a role, short-lived, and good only together with a login.
 * Following a link does nothing by itself (mail scanners fetch links); the logged-in person enters
 * with a POST, which binds the link to them. New links withdraw the old ones.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MeetRole } from '../../db/entities';
import {
  claimJoinToken,
  takeCodeTry,
  findJoinTokenCode,
  findMeetingSession as findSessionByKeyHash,
  inspectJoinToken,
  insertJoinTokens,
  markCodeRequested,
  oneTimeCodeHash,
  revokeJoinTokens,
} from '../../db/video';
import { CODE_TTL_SECONDS } from '../../activities/encounter/participants';
import type { ParticipantKind } from '../../domain/participants';

export type { MeetRole };
export type { LinkRefusal } from '../../domain/labels';
import type { LinkRefusal } from '../../domain/labels';

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Withdraws the encounter's earlier links and creates a patient and a clinician link; only their
 * hashes are stored. Answers with the two URLs under the public address.
 */
export async function issueMeetingLinks(
  em: EntityManager,
  encounterId: string,
  createdBy: string,
  opts: { publicUrl: string; ttlSeconds: number },
  /** Writes the access-log row in the same transaction. */
  log: (tx: EntityManager) => Promise<void>,
): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + opts.ttlSeconds * 1000);
  const tokens = { patient: newSecret(), clinician: newSecret() };
  await em.transactional(async (tx) => {
    // The participants' own links stay: each is withdrawn with its participant.
    await revokeJoinTokens(tx, encounterId, { roles: ['patient', 'clinician'] });
    await insertJoinTokens(
      tx,
      (['patient', 'clinician'] as const).map((role) => ({
        tokenHash: hash(tokens[role]),
        encounterId,
        role,
        createdBy,
        expiresAt,
      })),
    );
    await log(tx);
  });
  return {
    patientUrl: `${opts.publicUrl}/meet/${tokens.patient}`,
    clinicianUrl: `${opts.publicUrl}/meet/${tokens.clinician}`,
    expiresAt,
  };
}

/**
 * A participant's own link (interpreter, relative, colleague), bound to its role and its participant
 * id in the encounter workflow; it withdraws the participant's earlier link. Only the hash is stored.
 */
export async function issueParticipantLink(
  em: EntityManager,
  p: { encounterId: string; participantId: string; kind: ParticipantKind; createdBy: string },
  opts: { publicUrl: string; ttlSeconds: number },
  log: (tx: EntityManager) => Promise<void>,
): Promise<{ url: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + opts.ttlSeconds * 1000);
  const token = newSecret();
  await em.transactional(async (tx) => {
    await revokeJoinTokens(tx, p.encounterId, { participantId: p.participantId });
    const { encounterId, participantId, kind, createdBy } = p;
    await insertJoinTokens(tx, [
      { tokenHash: hash(token), encounterId, role: kind, participantId, createdBy, expiresAt },
    ]);
    await log(tx);
  });
  return { url: `${opts.publicUrl}/meet/${token}`, expiresAt };
}

/** Withdraws a participant's links (removed from the encounter); returns how many. */
export const revokeParticipantLinks = (em: EntityManager, encounterId: string, participantId: string) =>
  revokeJoinTokens(em, encounterId, { participantId });

/** The SHA-256 a link is stored under (the workflow gets this, never the link). */
export const linkHashOf = (token: string) => hash(token);

/** How many wrong codes a link takes before it is withdrawn, and how often a new code may be asked for. */
export const CODE_MAX_TRIES = 5;
export const CODE_RESEND_SECONDS = 60;

/** The participant a link is for, while the link can still take a one-time code (unused, in time); else null. */
export async function codeLink(
  em: EntityManager,
  token: string,
): Promise<{ encounterId: string; participantId: string } | null> {
  if (!TOKEN.test(token)) return null;
  const link = await inspectJoinToken(em, hash(token), '');
  if ('refused' in link || !link.participantId) return null;
  return { encounterId: link.encounterId, participantId: link.participantId };
}

/** Marks a new code as asked for (the old one stops holding); false when one was asked for within a minute. */
export const askForCode = async (em: EntityManager, token: string): Promise<boolean> =>
  (await markCodeRequested(em, hash(token), CODE_TTL_SECONDS, CODE_RESEND_SECONDS)) === 1;

/**
 * Checks a one-time code against the link: right and in time, or why not. The fifth wrong try
 * withdraws the link (a new one comes from the unit).
 */
export async function checkOneTimeCode(
  em: EntityManager,
  token: string,
  code: string,
): Promise<'ok' | 'wrong' | 'expired' | 'locked'> {
  if (!TOKEN.test(token)) return 'wrong';
  // Every try is counted before the code is compared (one statement: a burst of tries gets no more).
  const t = await takeCodeTry(em, hash(token), CODE_MAX_TRIES);
  if (!t) return (await findJoinTokenCode(em, hash(token)))?.codeHash ? 'locked' : 'wrong';
  if (!t.codeHash || !t.codeExpiresAt) return 'wrong';
  if (t.codeExpiresAt.getTime() <= Date.now()) return 'expired';
  const given = Buffer.from(oneTimeCodeHash(code));
  if (given.length === t.codeHash.length && timingSafeEqual(given, Buffer.from(t.codeHash))) return 'ok';
  if (t.tries >= CODE_MAX_TRIES) {
    if (t.participantId) await revokeJoinTokens(em, t.encounterId, { participantId: t.participantId });
    return 'locked';
  }
  return 'wrong';
}

/** Withdraws every link of the encounter (and the meeting pages opened with them). */
export const revokeMeetingLinks = (em: EntityManager, encounterId: string) => revokeJoinTokens(em, encounterId);

/** What a link leads to, for this person, without using it. */
export async function inspectMeetingLink(
  em: EntityManager,
  token: string,
  person: string,
): Promise<{ encounterId: string; role: MeetRole; participantId: string | null } | { refused: LinkRefusal }> {
  if (!TOKEN.test(token)) return { refused: 'unknown' };
  return inspectJoinToken(em, hash(token), person);
}

/** The token a meeting page presents to Janus, derived from its key so that a reload asks for the same one. */
export const janusTokenFor = (pageKey: string) => janusTokenOfKeyHash(hash(pageKey));
/** The same from the key's stored hash: the server can take a removed participant's token back (issue 26). */
export const janusTokenOfKeyHash = (keyHash: string) => createHash('sha256').update(`janus:${keyHash}`).digest('hex');

export interface MeetingSession {
  encounterId: string;
  role: MeetRole;
  /** The participant the page is for (interpreter, relative, colleague); null for patient and clinician. */
  participantId: string | null;
  /** The page's key for its own actions (sent as X-Meeting-Key, next to the session cookie). */
  key: string;
  /** The id this participant publishes under in Janus; events map back to the role through it. */
  publisherId: string;
}

/** Enters through a link as `person`: binds it to them and starts a meeting page session. */
export async function enterMeeting(em: EntityManager, token: string, person: string): Promise<MeetingSession | null> {
  if (!TOKEN.test(token)) return null;
  const key = newSecret();
  // String ids: the VideoRoom plugin runs with string_ids (room ids are encounter-<uuid>).
  const publisherId = `p-${randomBytes(12).toString('hex')}`;
  const claimed = await claimJoinToken(em, hash(token), person, { sessionKeyHash: hash(key), publisherId });
  return claimed ? { ...claimed, key, publisherId } : null;
}

/**
 * The patient's own way in from Mina sidor (where the reminder leads): a patient link made for the
 * logged-in person and bound to them at once, as entering through a mailed link would; the unit's links stay.
 */
export async function enterFromMinaSidor(
  em: EntityManager,
  encounterId: string,
  person: string,
  ttlSeconds: number,
): Promise<MeetingSession | null> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await insertJoinTokens(em, [{ tokenHash: hash(token), encounterId, role: 'patient', createdBy: person, expiresAt }]);
  return enterMeeting(em, token, person);
}

/** The meeting page session behind an X-Meeting-Key, with who opened it, or null. */
export async function findMeetingSession(
  em: EntityManager,
  key: string | undefined,
): Promise<(Omit<MeetingSession, 'key'> & { openedBy: string; openedAt: Date }) | null> {
  if (!key || key.length > 100) return null;
  return findSessionByKeyHash(em, hash(key));
}
