/**
 * What the patient's side may do with a meeting on Mina sidor (issue 28), what a move may take, what a
 * change costs and what happens next: pure rules over the encounter's state, codes out (the words are
 * the page's), the same rules the encounter workflow enforces (EncounterMachine's reschedule, book,
 * cancel and isLate), so the page offers only what the workflow will take.
 */
import type { EncounterState, EncounterStatus } from '../workflows/encounter.messages';

/** Steps in which a booked time may be moved by the patient's side (reschedule; before INVITATIONS_PATCH only pre-meeting). */
export const MOVABLE_STEPS: readonly EncounterStatus[] = ['eligibility', 'identity', 'booking', 'pre-meeting'];
/** Steps in which the patient's side may choose a first time for an open kallelse (book, patched('early-booking')). */
const BOOKABLE_FOR_INVITATION: readonly EncounterStatus[] = ['eligibility', 'identity', 'booking'];
const TERMINAL: readonly EncounterStatus[] = [
  'closed',
  'referred-to-physical',
  'identity-failed',
  'cancelled',
  'no-show',
];

export type MeetingState = Pick<EncounterState, 'status' | 'slot' | 'sessionStartedAt' | 'deadlines' | 'charges'> &
  Partial<Pick<EncounterState, 'invitation' | 'attendanceConfirmedAt' | 'waitingFor'>>;

/** A kallelse the patient has not yet booked or moved (RULES.md §7): open (no time) or timed (a time the unit holds). */
export type Offer = 'open' | 'timed';

/** The kallelse waiting for the patient's answer, if any; a timed one counts as answered once the patient said yes to its time. */
export function pendingOffer(s: MeetingState): Offer | null {
  if (!s.invitation || s.invitation.acceptedAt || TERMINAL.includes(s.status) || s.sessionStartedAt) return null;
  if (!s.slot) return 'open';
  return s.attendanceConfirmedAt?.startsAt === s.slot.startsAt ? null : 'timed';
}

export interface PatientActions {
  /** Move the booked time to another free time (rescheduleUpdate). */
  move: boolean;
  /** Choose a first time: an open kallelse, or an encounter waiting in the booking step (bookUpdate). */
  book: boolean;
  /** The kallelse to answer (yes: confirmAttendanceUpdate for a timed one, a chosen time for an open one; no: cancelUpdate). */
  offer: Offer | null;
}

/** What the patient's side may do now. */
export function patientActions(s: MeetingState): PatientActions {
  const live = !TERMINAL.includes(s.status) && !s.sessionStartedAt;
  const offer = pendingOffer(s);
  return {
    move: live && !!s.slot && MOVABLE_STEPS.includes(s.status),
    book:
      live && !s.slot && (s.status === 'booking' || (offer === 'open' && BOOKABLE_FOR_INVITATION.includes(s.status))),
    offer,
  };
}

/** Why a move (or a first choice) of the patient's side cannot happen in this state, or null. */
export function notChangeable(s: MeetingState): 'ended' | 'started' | 'wrong-step' | null {
  if (TERMINAL.includes(s.status)) return 'ended';
  if (s.sessionStartedAt) return 'started';
  const a = patientActions(s);
  return a.move || a.book ? null : 'wrong-step';
}

/** A time the patient picked, as the database has it. */
export interface TargetSlot {
  id: string;
  careUnitId: string;
  profession: string;
  startsAt: string;
  free: boolean;
}

export type MoveRefusal =
  'slot-missing' | 'slot-other-unit' | 'slot-other-profession' | 'slot-started' | 'slot-same' | 'slot-taken';

/**
 * Why this time cannot be taken, or null: it must exist, be the encounter's own unit's, with the same
 * kind of clinician as the booked time (any kind for a first time), not have started, and be free.
 * @param want - the encounter's unit, the booked clinician's profession (null: no time yet) and slot
 */
export function moveRefusal(
  target: TargetSlot | null,
  want: { careUnitId: string; profession: string | null; slotId: string | null },
  now: Date = new Date(),
): MoveRefusal | null {
  if (!target) return 'slot-missing';
  if (target.careUnitId !== want.careUnitId) return 'slot-other-unit';
  if (want.profession && target.profession !== want.profession) return 'slot-other-profession';
  if (Date.parse(target.startsAt) <= now.getTime()) return 'slot-started';
  if (target.id === want.slotId) return 'slot-same';
  if (!target.free) return 'slot-taken';
  return null;
}

export interface ChangeCost {
  /** A cancellation or move now costs the late-cancel (no-show) fee (RULES.md §2: under 24 h, rebooking included). */
  late: boolean;
  /** From when it does; null when the time was booked inside the window (then it is always free). */
  lateFrom: string | null;
  /** The late-cancel fee is already charged for this encounter: the charge is once per encounter, so no second one. */
  alreadyCharged: boolean;
}

/** What cancelling or moving the booked time costs now (the workflow's isLate, read from its deadline). */
export function changeCost(s: Pick<MeetingState, 'deadlines' | 'charges'>, now: Date = new Date()): ChangeCost {
  const lateFrom = s.deadlines.lateCancelFrom ?? null;
  return {
    late: !!lateFrom && now.getTime() > Date.parse(lateFrom),
    lateFrom,
    alreadyCharged: s.charges.some((c) => c.kind === 'late-cancel'),
  };
}

export type NextStepCode =
  | 'answer-invitation'
  | 'choose-time'
  | 'eligibility'
  | 'identity'
  | 'unit-books'
  | 'room-opens'
  | 'meeting-starts'
  | 'room-open'
  | 'in-waiting-room'
  | 'in-meeting'
  | 'journal-note'
  | 'journal'
  | 'fee'
  | 'closed'
  | 'cancelled'
  | 'no-show'
  | 'referred'
  | 'identity-failed';

export interface NextStep {
  code: NextStepCode;
  /** When it happens (ISO), where a time belongs to it. */
  at: string | null;
}

/** What the page knows of an encounter: its live state, or only the list row when the workflow cannot be asked. */
export interface NextStepInput {
  status: EncounterStatus;
  waitingFor: string | null;
  startsAt: string | null;
  roomOpensAt: string | null;
  offer: Offer | null;
}

export const nextStepInputOf = (s: MeetingState): NextStepInput => ({
  status: s.status,
  waitingFor: s.waitingFor ?? null,
  startsAt: s.slot?.startsAt ?? null,
  roomOpensAt: s.deadlines.roomOpensAt ?? null,
  offer: pendingOffer(s),
});

const EXITS: Partial<Record<EncounterStatus, NextStepCode>> = {
  closed: 'closed',
  cancelled: 'cancelled',
  'no-show': 'no-show',
  'referred-to-physical': 'referred',
  'identity-failed': 'identity-failed',
  documentation: 'journal-note',
  journal: 'journal',
  fee: 'fee',
};

/** What happens next and when, for the patient: their own move first (a kallelse to answer, a time to choose). */
export function nextStep(i: NextStepInput): NextStep {
  const exit = EXITS[i.status];
  if (exit) return { code: exit, at: null };
  if (i.offer === 'timed') return { code: 'answer-invitation', at: i.startsAt };
  if (i.offer === 'open') return { code: 'choose-time', at: null };
  switch (i.status) {
    case 'requested':
    case 'eligibility':
      return { code: 'eligibility', at: null };
    case 'identity':
      return { code: 'identity', at: null };
    case 'booking':
      return { code: 'unit-books', at: null };
    case 'pre-meeting':
      return i.roomOpensAt ? { code: 'room-opens', at: i.roomOpensAt } : { code: 'meeting-starts', at: i.startsAt };
    default:
      if (i.waitingFor === 'admit-patient') return { code: 'in-waiting-room', at: null };
      if (i.waitingFor === 'end-meeting') return { code: 'in-meeting', at: null };
      return { code: 'room-open', at: i.startsAt };
  }
}
