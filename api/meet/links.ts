/** One-time meeting links: bound to an encounter and a role, short-lived, and usable once. */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Actor, EncounterStatus, isTerminal } from '../../workflows/encounter.messages';
import { audit } from '../audit';
import { HttpError, notFound } from '../errors';
import { getEncounterRow } from '../encounters/service';

export type MeetRole = 'patient' | 'clinician';
export type LinkRefusal = 'unknown' | 'expired' | 'used';

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

/** Creates a patient and a clinician link; only their hashes are stored. */
export async function issueMeetingLinks(em: EntityManager, encounterId: string, createdBy: string, ttlSeconds: number): Promise<{ tokens: Record<MeetRole, string>; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const tokens = { patient: newSecret(), clinician: newSecret() };
  await em.transactional(async (tx) => {
    for (const role of ['patient', 'clinician'] as const) {
      await tx.execute('insert into join_token (token_hash, encounter_id, role, created_by, expires_at) values (?, ?, ?, ?, ?)', [hash(tokens[role]), encounterId, role, createdBy, expiresAt]);
    }
  });
  return { tokens, expiresAt };
}

/** Issues both links and returns them as URLs under the public address. */
export async function issueMeetingLinkUrls(em: EntityManager, encounterId: string, createdBy: string, opts: { publicUrl: string; ttlSeconds: number }): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const { tokens, expiresAt } = await issueMeetingLinks(em, encounterId, createdBy, opts.ttlSeconds);
  return { patientUrl: `${opts.publicUrl}/meet/${tokens.patient}`, clinicianUrl: `${opts.publicUrl}/meet/${tokens.clinician}`, expiresAt };
}

/** Staff asking for an encounter's links: 404 for no encounter, 409 once it has ended; audited. */
export async function issueEncounterMeetingLinks(em: EntityManager, actor: Actor, encounterId: string, opts: { publicUrl: string; ttlSeconds: number }): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const row = await getEncounterRow(em, encounterId);
  if (!row) throw notFound('encounter');
  if (isTerminal(row.status as EncounterStatus)) throw new HttpError(409, `the encounter is ${row.status}; no meeting links`, undefined, 'WrongStep');
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
export async function openMeetingLink(em: EntityManager, token: string): Promise<MeetingSession | { refused: LinkRefusal }> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { refused: 'unknown' };
  const key = newSecret();
  // String ids: the VideoRoom plugin runs with string_ids (room ids are encounter-<uuid>).
  const publisherId = `p-${randomBytes(12).toString('hex')}`;
  const rows = await em.execute<Array<{ encounter_id: string; role: MeetRole }>>(
    `update join_token set used_at = now(), session_key_hash = ?, publisher_id = ?
      where token_hash = ? and used_at is null and expires_at > now() returning encounter_id, role`,
    [hash(key), publisherId, hash(token)],
  );
  if (rows.length === 1) return { encounterId: rows[0].encounter_id, role: rows[0].role, key, publisherId };
  const [row] = await em.execute<Array<{ used_at: Date | null }>>('select used_at from join_token where token_hash = ?', [hash(token)]);
  return { refused: !row ? 'unknown' : row.used_at ? 'used' : 'expired' };
}

/** The page session behind an X-Meeting-Key, or null. */
export async function findMeetingSession(em: EntityManager, key: string | undefined): Promise<Omit<MeetingSession, 'key'> | null> {
  if (!key || key.length > 100) return null;
  const [row] = await em.execute<Array<{ encounter_id: string; role: MeetRole; publisher_id: string }>>('select encounter_id, role, publisher_id from join_token where session_key_hash = ?', [hash(key)]);
  return row ? { encounterId: row.encounter_id, role: row.role, publisherId: row.publisher_id } : null;
}

/** Who published under a Janus publisher id, if it was one of our pages. */
export async function findPublisher(em: EntityManager, publisherId: string): Promise<{ encounterId: string; role: MeetRole } | null> {
  const [row] = await em.execute<Array<{ encounter_id: string; role: MeetRole }>>('select encounter_id, role from join_token where publisher_id = ?', [publisherId]);
  return row ? { encounterId: row.encounter_id, role: row.role } : null;
}
