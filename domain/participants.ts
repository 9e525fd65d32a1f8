/**
 * Participants beyond the patient and the booked clinician (issue 26): an interpreter, a relative or
 * companion, and a clinician of another unit (digifysisk vårdkontakt, SÄS; RULES.md §10). Pure, no
 * I/O: who may be invited, how each moves from invited to admitted, and the room's capacity.
 */

/** `colleague`: a clinician of another care unit (digifysisk), logging in as staff of that unit. */
export const PARTICIPANT_KINDS = ['interpreter', 'relative', 'colleague'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

/**
 * invited → (accepted, relatives only: the patient agrees) → waiting (in its own waiting room) →
 * admitted (by the clinician, one by one) → left (may come back to the waiting room) / removed (final).
 */
export const PARTICIPANT_STATUSES = ['invited', 'accepted', 'waiting', 'admitted', 'left', 'removed'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/**
 * How the participant proves who they are at the link: Swedish e-ID through the patient IdP (bound
 * to the invited personnummer), the staff IdP (a member of the invited unit), or a one-time code sent
 * to the booked mobile number or mail address (an interpreter without Swedish e-ID).
 */
export const IDENTIFICATIONS = ['e-id', 'staff-login', 'one-time-code'] as const;
export type Identification = (typeof IDENTIFICATIONS)[number];

/** Who invited: the patient's side (a relative only) or staff (interpreter service booked by staff, too). */
export type InvitedBy = 'patient' | 'staff';

/** Patient and booked clinician are always in the room; participants come on top. */
export const BASE_IN_ROOM = 2;
/** The default of VIDEO_MAX_PARTICIPANTS: everyone in the room, patient and clinician included. */
export const DEFAULT_MAX_IN_ROOM = 6;
/** More than this is no care meeting (Visiba's ten guests plus the two parties). */
export const MAX_IN_ROOM_LIMIT = 12;

export interface Participant {
  /** Chosen by the workflow (uuid4), the link's and every message's handle on the participant. */
  id: string;
  kind: ParticipantKind;
  /** As shown under the video and in the journal note. */
  name: string;
  /** The interpreter's language, in Swedish (e.g. "arabiska"). */
  language?: string;
  /** The interpreter's service (e.g. "Tolkförmedling Väst"); absent: staff booked an own interpreter. */
  service?: string;
  /** The colleague's care unit (its id and name, as the note and the registration show it). */
  unit?: { id: string; name: string };
  identification: Identification;
  /** The personnummer the e-ID login must match (e-id only). */
  personnummer?: string;
  /** Where a one-time code goes (one-time-code only): a Swedish mobile number or a mail address. */
  contact?: { sms?: string; email?: string };
  invitedBy: InvitedBy;
  status: ParticipantStatus;
  invitedAt: string;
  acceptedAt: string | null;
  /** The first time it entered its waiting room; null: never came. */
  joinedAt: string | null;
  admittedAt: string | null;
  /** Ever admitted: it took part (the journal note lists it). */
  tookPart: boolean;
  endedAt: string | null;
}

/** What an invitation asks for; the workflow adds id, who invited and the times. */
export interface Invitation {
  kind: ParticipantKind;
  name: string;
  language?: string;
  service?: string;
  unit?: { id: string; name: string };
  identification?: Identification;
  personnummer?: string;
  contact?: { sms?: string; email?: string };
}

/** Why a change is refused: `field` names bad input, otherwise the participant is in the wrong state. */
export interface Refusal {
  refused: 'Invalid' | 'WrongStep' | 'WrongActor';
  message: string;
  field?: string;
}

const invalid = (field: string, message: string): Refusal => ({ refused: 'Invalid', field, message });
const wrongStep = (message: string): Refusal => ({ refused: 'WrongStep', message });
const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.trim().length > 0 && v.length <= max;
/** As logins and the registers keep it (domain/personnummer.ts `normalized`): YYYYMMDD-NNNN. */
const PNR = /^(19|20)\d{6}-\d{4}$/;
const MOBILE = /^\+46 ?7\d(?: ?\d){7}$/;
const MAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The identification a kind uses unless told: e-ID for persons, staff login for a colleague. */
export const defaultIdentification = (kind: ParticipantKind): Identification =>
  kind === 'colleague' ? 'staff-login' : 'e-id';

/**
 * Checks an invitation; the refusal names the field. A relative is invited by the patient's side or
 * staff, an interpreter and a colleague by staff only; only an interpreter may use a one-time code.
 */
export function checkInvitation(inv: Invitation, by: InvitedBy, existing: readonly Participant[]): Refusal | null {
  if (!inv || !(PARTICIPANT_KINDS as readonly string[]).includes(inv.kind))
    return invalid('kind', `kind must be one of ${PARTICIPANT_KINDS.join(', ')}`);
  if (by === 'patient' && inv.kind !== 'relative')
    return { refused: 'WrongActor', field: 'kind', message: 'the patient may invite a relative only' };
  if (!isText(inv.name, 200)) return invalid('name', 'name must be 1–200 characters');
  const identification = inv.identification ?? defaultIdentification(inv.kind);
  if (!(IDENTIFICATIONS as readonly string[]).includes(identification))
    return invalid('identification', `identification must be one of ${IDENTIFICATIONS.join(', ')}`);
  if (inv.kind === 'interpreter' && !isText(inv.language, 60))
    return invalid('language', 'an interpreter needs a language');
  if (inv.kind === 'colleague') {
    if (identification !== 'staff-login') return invalid('identification', 'a colleague logs in as staff');
    if (!isText(inv.unit?.id, 100) || !isText(inv.unit?.name, 200))
      return invalid('unit', "a colleague needs the other care unit's id and name");
  } else if (identification === 'staff-login') return invalid('identification', 'only a colleague logs in as staff');
  if (identification === 'one-time-code') {
    if (inv.kind !== 'interpreter') return invalid('identification', 'only an interpreter may use a one-time code');
    const { sms, email } = inv.contact ?? {};
    if (!sms && !email) return invalid('contact', 'a one-time code needs a mobile number or a mail address');
    if (sms && !MOBILE.test(sms)) return invalid('contact.sms', 'contact.sms must be a Swedish mobile number (+467…)');
    if (email && !MAIL.test(email)) return invalid('contact.email', 'contact.email must be a mail address');
  }
  if (identification === 'e-id') {
    if (typeof inv.personnummer !== 'string' || !PNR.test(inv.personnummer))
      return invalid('personnummer', 'personnummer must be normalised, YYYYMMDD-NNNN (the e-ID login must match it)');
    const twice = existing.some((p) => p.status !== 'removed' && p.personnummer === inv.personnummer);
    if (twice) return invalid('personnummer', 'this person is already invited');
  }
  return null;
}

/** The new participant of a checked invitation; a relative the patient's side invites is accepted at once. */
export function invite(inv: Invitation, id: string, by: InvitedBy, at: string): Participant {
  const identification = inv.identification ?? defaultIdentification(inv.kind);
  const accepted = inv.kind !== 'relative' || by === 'patient';
  return {
    id,
    kind: inv.kind,
    name: inv.name.trim(),
    ...(inv.kind === 'interpreter' ? { language: inv.language!.trim() } : {}),
    ...(inv.kind === 'interpreter' && inv.service ? { service: inv.service.trim() } : {}),
    ...(inv.kind === 'colleague' ? { unit: { id: inv.unit!.id, name: inv.unit!.name } } : {}),
    identification,
    ...(identification === 'e-id' ? { personnummer: inv.personnummer } : {}),
    ...(identification === 'one-time-code' ? { contact: { ...inv.contact } } : {}),
    invitedBy: by,
    status: accepted ? 'accepted' : 'invited',
    invitedAt: at,
    acceptedAt: accepted ? at : null,
    joinedAt: null,
    admittedAt: null,
    tookPart: false,
    endedAt: null,
  };
}

/** Needs the patient's yes before admission: a relative staff invited, not yet accepted. */
export const awaitsAcceptance = (p: Participant): boolean => p.kind === 'relative' && p.acceptedAt === null;

/** The patient accepts a relative (only a relative, only once, never a removed one). */
export function checkAccept(p: Participant): Refusal | null {
  if (p.kind !== 'relative') return wrongStep('only a relative needs the patient to accept');
  if (p.status === 'removed') return wrongStep('the participant has been removed');
  if (p.acceptedAt) return wrongStep('the patient has already accepted');
  return null;
}

/** Enters (or comes back to) its waiting room; repeated or from a removed participant, nothing changes. */
export function joined(p: Participant, at: string): Participant {
  if (p.status === 'removed' || p.status === 'waiting' || p.status === 'admitted') return p;
  return { ...p, status: 'waiting', joinedAt: p.joinedAt ?? at };
}

/** Leaves the meeting or its waiting room; coming back is a new wait for admission. */
export function left(p: Participant, at: string): Participant {
  if (p.status !== 'waiting' && p.status !== 'admitted') return p;
  return { ...p, status: 'left', endedAt: at };
}

/** How many are in the room now: patient and clinician, and each admitted participant. */
export const inRoom = (ps: readonly Participant[]): number =>
  BASE_IN_ROOM + ps.filter((p) => p.status === 'admitted').length;

/** The configured maximum, kept within what a meeting room can be. */
export const maxInRoom = (configured: number | undefined): number =>
  Math.min(MAX_IN_ROOM_LIMIT, Math.max(BASE_IN_ROOM, Math.floor(configured ?? DEFAULT_MAX_IN_ROOM)));

/** The clinician admits one participant: waiting, accepted (a relative), and room for one more. */
export function checkAdmit(p: Participant, all: readonly Participant[], max: number): Refusal | null {
  if (p.status === 'removed') return wrongStep('the participant has been removed');
  if (awaitsAcceptance(p)) return wrongStep('the patient has not accepted this relative yet');
  if (p.status === 'admitted') return wrongStep('the participant is already admitted');
  if (p.status !== 'waiting') return wrongStep('the participant is not in its waiting room');
  if (inRoom(all) + 1 > maxInRoom(max)) return wrongStep(`the room is full (at most ${maxInRoom(max)} in the room)`);
  return null;
}

export const admitted = (p: Participant, at: string): Participant => ({
  ...p,
  status: 'admitted',
  admittedAt: at,
  tookPart: true,
});

export function checkRemove(p: Participant): Refusal | null {
  return p.status === 'removed' ? wrongStep('the participant has already been removed') : null;
}

export const removed = (p: Participant, at: string): Participant => ({ ...p, status: 'removed', endedAt: at });

/**
 * Interpreters who never came: booked (not removed) and never in their waiting room by the end of the
 * video step. Each is a deviation of its own (`interpreter-no-show`), never the patient's no-show or fee.
 */
export const interpreterNoShows = (ps: readonly Participant[]): Participant[] =>
  ps.filter((p) => p.kind === 'interpreter' && p.status !== 'removed' && p.joinedAt === null);

/** The other units that took part (digifysisk): each registers its own part (RULES.md §10). */
export const otherUnitsThatTookPart = (ps: readonly Participant[]): Array<{ id: string; name: string }> => {
  const units = new Map<string, string>();
  for (const p of ps) if (p.kind === 'colleague' && p.tookPart && p.unit) units.set(p.unit.id, p.unit.name);
  return [...units].map(([id, name]) => ({ id, name }));
};

/** Swedish names of each kind (timeline, note, staff page). */
export const PARTICIPANT_KIND_LABELS_SV: Record<ParticipantKind, string> = {
  interpreter: 'Tolk',
  relative: 'Närstående',
  colleague: 'Vårdgivare från annan enhet',
};

export const PARTICIPANT_STATUS_LABELS_SV: Record<ParticipantStatus, string> = {
  invited: 'Inbjuden',
  accepted: 'Inbjuden (godkänd av patienten)',
  waiting: 'I väntrummet',
  admitted: 'I mötet',
  left: 'Har lämnat',
  removed: 'Borttagen',
};

/** Who took part, as the journal note lists them: name, role (with language) and unit. */
export interface NoteParticipant {
  name: string;
  role: string;
  unit?: string;
}

/** The participants who took part, for the note: name, Swedish role and unit. */
export function noteParticipants(ps: readonly Participant[]): NoteParticipant[] {
  return ps
    .filter((p) => p.tookPart)
    .map((p) => ({
      name: p.name,
      role: p.kind === 'interpreter' ? `Tolk (${p.language})` : PARTICIPANT_KIND_LABELS_SV[p.kind],
      ...(p.unit ? { unit: p.unit.name } : {}),
    }));
}

/**
 * The note's closing list of who took part, after the clinician's own text: the patient (or the
 * guardian for them), the signing clinician, then each participant with role and unit.
 */
export function participantsSection(
  actingAs: 'self' | 'guardian',
  clinician: { name: string; unit?: string },
  others: readonly NoteParticipant[],
): string {
  const line = (p: NoteParticipant) => `- ${p.name}, ${p.role}${p.unit ? `, ${p.unit}` : ''}`;
  const lines = [
    actingAs === 'guardian' ? '- Patienten, företrädd av vårdnadshavare' : '- Patienten',
    line({ name: clinician.name, role: 'ansvarig vårdgivare', ...(clinician.unit ? { unit: clinician.unit } : {}) }),
    ...others.map(line),
  ];
  return `Deltagare i mötet:\n${lines.join('\n')}`;
}

/** Why a participant's link opens nothing for the caller, in words the person understands. */
export const PARTICIPANT_LINK_REFUSALS = {
  removed: {
    status: 410,
    title: 'Du är inte längre inbjuden',
    message: 'Mottagningen har tagit bort inbjudan till mötet. Kontakta mottagningen om du tror att det är fel.',
  },
  'code-needed': {
    status: 401,
    title: 'Logga in med engångskod',
    message:
      'Länken öppnas med en engångskod som skickas till det mobilnummer eller den e-postadress mottagningen bokade för dig.',
  },
  'wrong-person': {
    status: 403,
    title: 'Länken gäller en annan person',
    message:
      'Länken är personlig och gäller den som mottagningen bjöd in. Du är inloggad som någon annan. Kontakta mottagningen om du ska vara med i mötet.',
  },
  'needs-e-id': {
    status: 403,
    title: 'Logga in med e-legitimation',
    message: 'Länken öppnas med den inbjudnas egen e-legitimation (BankID eller Freja eID+).',
  },
  'wrong-unit': {
    status: 403,
    title: 'Länken gäller en annan vårdenhet',
    message:
      'Länken är till en vårdgivare på den vårdenhet som bjöds in. Logga in med ditt SITHS-kort som vårdgivare på den enheten.',
  },
  'needs-code': {
    status: 403,
    title: 'Länken öppnas med engångskod',
    message: 'Länken öppnas med den engångskod som skickas till den inbjudna tolken, inte med en inloggning.',
  },
} as const;
export type ParticipantLinkRefusal = keyof typeof PARTICIPANT_LINK_REFUSALS;

/** A participant as answers show it: never its personnummer or where its one-time code goes. */
export const publicParticipant = ({ personnummer: _p, contact: _c, ...rest }: Participant) => rest;

/**
 * An encounter's state as any answer or projection shows it: its participants without their
 * personnummer or code address (nobody reads those back; the workflow alone keeps them).
 */
export const publicState = <S extends { participants?: Participant[] | null }>(state: S): S =>
  state.participants ? { ...state, participants: state.participants.map(publicParticipant) as Participant[] } : state;
