/** One-time meeting links: bound to an encounter and a role, short-lived, and usable once. */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Actor, EncounterStatus, isTerminal } from '../../workflows/encounter.messages';
import { audit } from '../audit';
import { HttpError, notFound } from '../errors';
import type { MeetRole } from '../../db/entities';
import { getEncounterRow } from '../../db/encounters';
import {
  claimJoinToken,
  findMeetingSession as findSessionByKeyHash,
  insertJoinTokens,
  joinTokenRefusal,
} from '../../db/video';

export type { MeetRole };
export type LinkRefusal = 'unknown' | 'expired' | 'used';

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

/** Creates a patient and a clinician link; only their hashes are stored. */
export async function issueMeetingLinks(
  em: EntityManager,
  encounterId: string,
  createdBy: string,
  ttlSeconds: number,
): Promise<{ tokens: Record<MeetRole, string>; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const tokens = { patient: newSecret(), clinician: newSecret() };
  await insertJoinTokens(
    em,
    (['patient', 'clinician'] as const).map((role) => ({
      tokenHash: hash(tokens[role]),
      encounterId,
      role,
      createdBy,
      expiresAt,
    })),
  );
  return { tokens, expiresAt };
}

/** Issues both links and returns them as URLs under the public address. */
export async function issueMeetingLinkUrls(
  em: EntityManager,
  encounterId: string,
  createdBy: string,
  opts: { publicUrl: string; ttlSeconds: number },
): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const { tokens, expiresAt } = await issueMeetingLinks(em, encounterId, createdBy, opts.ttlSeconds);
  return {
    patientUrl: `${opts.publicUrl}/meet/${tokens.patient}`,
    clinicianUrl: `${opts.publicUrl}/meet/${tokens.clinician}`,
    expiresAt,
  };
}

/** Staff asking for an encounter's links: 404 for no encounter, 409 once it has ended; audited. */
export async function issueEncounterMeetingLinks(
  em: EntityManager,
  actor: Actor,
  encounterId: string,
  opts: { publicUrl: string; ttlSeconds: number },
): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const row = await getEncounterRow(em, encounterId);
  if (!row) throw notFound('encounter');
  if (isTerminal(row.status as EncounterStatus))
    throw new HttpError(409, `the encounter is ${row.status}; no meeting links`, undefined, 'WrongStep');
  const links = await issueMeetingLinkUrls(em, encounterId, actor.id, opts);
  await audit(em, actor, 'issue-meeting-links', `encounter:${encounterId}`, [row.patientId]);
  return links;
}

/** The token a meeting page presents to Janus, derived from its key so that a reload asks for the same one. */
export const janusTokenFor = (pageKey: string) => createHash('sha256').update(`janus:${pageKey}`).digest('hex');

export interface MeetingSession {
  encounterId: string;
  role: MeetRole;
  /** The page's key for its own actions (sent as X-Meeting-Key). */
  key: string;
  /** The id this participant publishes under in Janus; events map back to the role through it. */
  publisherId: string;
}

/**
 * Opens a link: marks it used and starts the page's session in one statement, so two tabs racing
 * for one link cannot both win.
 */
export async function openMeetingLink(
  em: EntityManager,
  token: string,
): Promise<MeetingSession | { refused: LinkRefusal }> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { refused: 'unknown' };
  const key = newSecret();
  // String ids: the VideoRoom plugin runs with string_ids (room ids are encounter-<uuid>).
  const publisherId = `p-${randomBytes(12).toString('hex')}`;
  const claimed = await claimJoinToken(em, hash(token), { sessionKeyHash: hash(key), publisherId });
  if (claimed) return { ...claimed, key, publisherId };
  return { refused: await joinTokenRefusal(em, hash(token)) };
}

/** The page session behind an X-Meeting-Key, or null. */
export async function findMeetingSession(
  em: EntityManager,
  key: string | undefined,
): Promise<Omit<MeetingSession, 'key'> | null> {
  if (!key || key.length > 100) return null;
  return findSessionByKeyHash(em, hash(key));
}
