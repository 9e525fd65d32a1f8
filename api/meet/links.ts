/**
 * Meeting links: bound to an encounter and a role, short-lived, and good only together with a login.
 * Following a link does nothing by itself (mail scanners fetch links); the logged-in person enters
 * with a POST, which binds the link to them. New links withdraw the old ones.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MeetRole } from '../../db/entities';
import {
  claimJoinToken,
  findMeetingSession as findSessionByKeyHash,
  inspectJoinToken,
  insertJoinTokens,
  revokeJoinTokens,
} from '../../db/video';

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
    await revokeJoinTokens(tx, encounterId);
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

/** Withdraws every link of the encounter (and the meeting pages opened with them). */
export const revokeMeetingLinks = (em: EntityManager, encounterId: string) => revokeJoinTokens(em, encounterId);

/** What a link leads to, for this person, without using it. */
export async function inspectMeetingLink(
  em: EntityManager,
  token: string,
  person: string,
): Promise<{ encounterId: string; role: MeetRole } | { refused: LinkRefusal }> {
  if (!TOKEN.test(token)) return { refused: 'unknown' };
  return inspectJoinToken(em, hash(token), person);
}

/** The token a meeting page presents to Janus, derived from its key so that a reload asks for the same one. */
export const janusTokenFor = (pageKey: string) => createHash('sha256').update(`janus:${pageKey}`).digest('hex');

export interface MeetingSession {
  encounterId: string;
  role: MeetRole;
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
