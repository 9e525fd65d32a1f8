/** Signals, updates, queries and types of the encounter workflow; the API imports these too. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EligibilityAnswers } from '../domain/eligibility';
import type { WaitingFor } from '../domain/waiting-for';
import type { InvoicePolicy } from './invoice.messages';
import type { ReminderPolicy } from '../domain/reminders';
import type { Invitation, Participant } from '../domain/participants';

/** `agent`: staff elsewhere (a 1177 nurse, by HSA-id) acting for the patient through the booking contracts. */
export type Role = 'admin' | 'clinician' | 'patient' | 'guardian' | 'agent' | 'system';
export interface Actor {
  id: string;
  role: Role;
  name?: string;
}

/** Where the encounter is: the main steps in order, then the terminal states. */
export const STEPS = [
  'requested',
  'eligibility',
  'identity',
  'booking',
  'pre-meeting',
  'video',
  'documentation',
  // The note reaches the journal system, or is entered there by hand (issue 25; patched('journal-export')).
  'journal',
  'fee',
  'closed',
] as const;
export type MainStep = (typeof STEPS)[number];
export const EXITS = ['referred-to-physical', 'identity-failed', 'cancelled', 'no-show'] as const;
export type ExitStatus = (typeof EXITS)[number];
export type EncounterStatus = MainStep | ExitStatus;
export const isTerminal = (s: EncounterStatus): boolean => s === 'closed' || (EXITS as readonly string[]).includes(s);

/** Swedish names staff see for each status (English code names stay in the API). */
export const STATUS_LABELS_SV: Record<EncounterStatus, string> = {
  requested: 'Begärd',
  eligibility: 'Lämplighetsbedömning',
  identity: 'Identifiering',
  booking: 'Bokning',
  'pre-meeting': 'Förberedelse',
  video: 'Videomöte',
  documentation: 'Journalföring',
  journal: 'Till journalsystemet',
  fee: 'Avgift',
  closed: 'Avslutad',
  'referred-to-physical': 'Hänvisad till fysiskt besök',
  'identity-failed': 'Identifiering misslyckades',
  cancelled: 'Avbokad',
  'no-show': 'Uteblivet besök',
};

/** Timers of one encounter, in seconds; tests use seconds, production the RULES.md defaults. */
export interface EncounterPolicy {
  /** The patient must have joined within this long after start (Stockholm: half the slot). */
  noShowGraceSeconds: number;
  /** The video room opens this long before start. */
  roomOpensBeforeSeconds: number;
  /** After the session ends: remind the clinician to write the journal note after this long… */
  documentationReminderSeconds: number;
  /** …and record a missing-documentation deviation after this long. */
  documentationOverdueSeconds: number;
  /** A cancellation (or patient rebooking) closer to start than this is late (RULES.md §2: 24 h). */
  lateCancelSeconds: number;
  /** Start-to-close timeout of each activity. */
  activityTimeoutSeconds: number;
  /** Janus receiving no video from a participant this long during the session is a video failure (absent in older encounters: 20 s). */
  mediaDownGraceSeconds?: number;
  /** Without the journal system's receipt this long after signing: a deviation and manual entry (absent: 1 h). */
  journalReceiptSeconds?: number;
  /** The waits of the invoices this encounter's charges start (absent: the production defaults). */
  invoice?: InvoicePolicy;
  /** The unit's reminder policy (issue 27); absent in encounters created before reminders: none sent. */
  reminders?: ReminderPolicy;
}

export const DEFAULT_POLICY: EncounterPolicy = {
  noShowGraceSeconds: 15 * 60,
  roomOpensBeforeSeconds: 15 * 60,
  documentationReminderSeconds: 4 * 3600,
  documentationOverdueSeconds: 24 * 3600,
  lateCancelSeconds: 24 * 3600,
  activityTimeoutSeconds: 30,
  mediaDownGraceSeconds: 20,
  journalReceiptSeconds: 3600,
};

export interface EncounterInput {
  encounterId: string;
  patientId: string;
  careUnitId: string;
  requestedBy: Actor;
  reason?: string;
  /** Sent as a kallelse (invitation) by the care unit, with the text the patient reads (RULES.md §7). */
  invitation?: { purpose: string };
  policy: EncounterPolicy;
}

export interface TimelineEntry {
  step: EncounterStatus;
  event: string;
  actor: Actor;
  at: string;
  outcome?: string;
  detail?: Record<string, unknown>;
}

export interface BookedSlot {
  slotId: string;
  clinicianId: string;
  startsAt: string;
  endsAt: string;
  bookedAt: string;
}

export interface EncounterState {
  encounterId: string;
  status: EncounterStatus;
  step: MainStep;
  /** Who acts next, as a code (domain/waiting-for.ts labels it); encounters recorded before it hold a sentence. */
  waitingFor: WaitingFor | null;
  slot: BookedSlot | null;
  modality: 'video' | 'phone';
  checklistConfirmed: boolean;
  patientPresent: boolean;
  clinicianPresent: boolean;
  sessionStartedAt: string | null;
  sessionEndedAt: string | null;
  journalNoteId: string | null;
  room: { roomId: string } | null;
  identity: { personnummer: string; actingAs: 'self' | 'guardian' } | null;
  /**
   * A kallelse: the unit's invitation, open (no time yet) or timed (a time the unit holds). It becomes
   * the patient's booking (`acceptedAt`) when they book the open one or move the timed one (RULES.md §7).
   * Absent in encounters recorded before invitations.
   */
  invitation?: { purpose: string; sentAt: string; acceptedAt: string | null } | null;
  /**
   * The journal step (issue 25): sending, delivered with the EHR's ids, waiting for manual entry
   * (no receipt in time, refused, or no EHR configured), or entered by hand by `confirmedBy`.
   */
  journal?: {
    status: 'sending' | 'delivered' | 'manual-needed' | 'entered-by-hand';
    receipt?: Record<string, string>;
    reason?: 'no-receipt' | 'refused' | 'not-configured';
    confirmedBy?: Actor;
    at?: string;
  } | null;
  /** The patient said they will come to this time (from a reminder); absent before reminders. */
  attendanceConfirmedAt?: { at: string; startsAt: string } | null;
  /**
   * Interpreter, relatives and colleagues of other units (issue 26), each with its own waiting room and
   * admission; absent in encounters recorded before participants (patched('participants')).
   */
  participants?: Participant[];
  /**
   * Set when the workflow projects every change, what its signals change too (presence, waiting rooms,
   * media; patched('signals-projected')): the projection is then as fresh as a live query (issue 29).
   */
  signalsProjected?: boolean;
  /** The patient entered the waiting room (`since`); `alertedAt`: the clinician and unit were sent an SMS about the wait. */
  waitingRoom?: { since: string; alertedAt: string | null } | null;
  deadlines: Partial<
    Record<'roomOpensAt' | 'noShowAt' | 'documentationReminderAt' | 'documentationOverdueAt' | 'lateCancelFrom', string>
  >;
  charges: Array<{ kind: string; chargeOre: number; reason: string }>;
  timeline: TimelineEntry[];
}

export interface EncounterResult {
  status: EncounterStatus;
  chargeOre: number;
}

export interface IdentityClaims {
  personnummer: string;
  /** Level of assurance; only LoA3 (or higher) is accepted. */
  loa: 'loa2' | 'loa3' | 'loa4';
  method: 'bankid' | 'freja' | 'test';
}

export const CHECKLIST_ITEMS = [
  'privateRoom',
  'doorSign',
  'headset',
  'wiredNetwork',
  'professionalBackground',
  'lighting',
  'nameBadge',
] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export const CHECKLIST_LABELS_SV: Record<ChecklistItem, string> = {
  privateRoom: 'Enskilt rum',
  doorSign: 'Skylt på dörren',
  headset: 'Headset',
  wiredNetwork: 'Trådat nätverk',
  professionalBackground: 'Neutral bakgrund',
  lighting: 'Bra belysning',
  nameBadge: 'Namnbricka med titel synlig',
};

export const answerEligibilityUpdate = defineUpdate<EncounterState, [{ actor: Actor; answers: EligibilityAnswers }]>(
  'answerEligibility',
);
export const recordIdentityUpdate = defineUpdate<EncounterState, [{ actor: Actor; claims: IdentityClaims }]>(
  'recordIdentity',
);
export const bookUpdate = defineUpdate<EncounterState, [{ actor: Actor; slotId: string }]>('book');
export const rescheduleUpdate = defineUpdate<EncounterState, [{ actor: Actor; slotId: string }]>('reschedule');
export const confirmChecklistUpdate = defineUpdate<
  EncounterState,
  [{ actor: Actor; items: Record<ChecklistItem, boolean> }]
>('confirmChecklist');
export const admitPatientUpdate = defineUpdate<EncounterState, [{ actor: Actor }]>('admitPatient');
export const endSessionUpdate = defineUpdate<EncounterState, [{ actor: Actor }]>('endSession');
export const switchToPhoneUpdate = defineUpdate<EncounterState, [{ actor: Actor; error: string }]>('switchToPhone');
export const submitJournalNoteUpdate = defineUpdate<EncounterState, [{ actor: Actor; text: string }]>(
  'submitJournalNote',
);
/** The clinician entered the note in the journal system by hand (when it could not be sent). */
export const confirmManualJournalEntryUpdate = defineUpdate<EncounterState, [{ actor: Actor }]>(
  'confirmManualJournalEntry',
);
/** Where a patient's confirmation or cancellation came from (shown on the timeline). */
export const CANCEL_SOURCES = ['reminder', 'mina-sidor'] as const;
export type CancelSource = (typeof CANCEL_SOURCES)[number];
export const cancelUpdate = defineUpdate<EncounterState, [{ actor: Actor; reason: string; source?: CancelSource }]>(
  'cancel',
);
/** The patient (or guardian) confirms they will come to the booked time. */
export const confirmAttendanceUpdate = defineUpdate<EncounterState, [{ actor: Actor; source?: CancelSource }]>(
  'confirmAttendance',
);
/** Staff invite an interpreter, relative or colleague of another unit; the patient's side a relative. */
export const inviteParticipantUpdate = defineUpdate<EncounterState, [{ actor: Actor; invitation: Invitation }]>(
  'inviteParticipant',
);
/** The patient (or guardian) agrees that a relative staff invited may be admitted. */
export const acceptParticipantUpdate = defineUpdate<EncounterState, [{ actor: Actor; participantId: string }]>(
  'acceptParticipant',
);
/**
 * The booked clinician admits one waiting participant. `maxInRoom` is the configured maximum
 * (VIDEO_MAX_PARTICIPANTS) the API passes in; absent: domain/participants.ts's default.
 */
export const admitParticipantUpdate = defineUpdate<
  EncounterState,
  [{ actor: Actor; participantId: string; maxInRoom?: number }]
>('admitParticipant');
/** Staff remove a participant: its link stops working and it leaves the room. */
export const removeParticipantUpdate = defineUpdate<
  EncounterState,
  [{ actor: Actor; participantId: string; reason?: string }]
>('removeParticipant');
/** A participant's page entered its waiting room (or the participant joined the room, per Janus). */
export const participantWaitingSignal =
  defineSignal<[{ participantId: string; at?: string; source: string }]>('participantWaiting');
/**
 * An interpreter without Swedish e-ID asked for its one-time code at its link: the workflow sends a new
 * code to the booked address. `linkHash` is the link's SHA-256, never the link or the code.
 */
export const sendParticipantCodeSignal =
  defineSignal<[{ participantId: string; linkHash: string; source: string }]>('sendParticipantCode');
/** A participant left its waiting room or the room. */
export const participantGoneSignal =
  defineSignal<[{ participantId: string; at?: string; source: string }]>('participantGone');
export const participantJoinedSignal =
  defineSignal<[{ role: 'patient' | 'clinician'; at?: string; source: string }]>('participantJoined');
export const participantLeftSignal =
  defineSignal<[{ role: 'patient' | 'clinician'; at?: string; source: string }]>('participantLeft');
/** Janus saw the media fail (ICE failed) for a participant: one video-failure deviation per encounter. */
export const videoProblemSignal =
  defineSignal<[{ role: 'patient' | 'clinician'; at?: string; detail: string; source: string }]>('videoProblem');
/** Janus stopped (up: false) or resumed receiving a participant's video. */
export const mediaStateSignal =
  defineSignal<[{ role: 'patient' | 'clinician'; up: boolean; at?: string; source: string }]>('mediaState');
export const stateQuery = defineQuery<EncounterState>('state');

export const encounterWorkflowId = (encounterId: string) => `encounter-${encounterId}`;
export const TASK_QUEUE = 'vardmote';
