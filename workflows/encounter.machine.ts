/**
 * The encounter as one machine: its private state, the steps the workflow runs in order, and one
 * method (with its `assertCan…` validator) per update and signal. Deterministic, no I/O: every side
 * effect is an activity. The queryable state is produced by `view()` alone.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import { invoiceWorkflow } from './invoice';
import { createReminders } from './encounter.reminders';
import { DEFAULT_INVOICE_POLICY, invoiceWorkflowId } from './invoice.messages';
import type { EncounterActivities } from '../activities/encounter';
import type { ChargeKind } from '../activities/encounter/fees';
import { stockholmDateOf } from '../domain/dates';
import { assessEligibility, ELIGIBILITY_KEYS, type EligibilityAnswers } from '../domain/eligibility';
import { ACTIVITY_FAILURE_TYPES, FailureType } from '../domain/failures';
import type { WaitingFor } from '../domain/waiting-for';
import { interpreterNoShows, noteParticipants, type Invitation } from '../domain/participants';
import { ParticipantRoster } from './encounter.participants';
import {
  Actor,
  BookedSlot,
  CHECKLIST_ITEMS,
  CHECKLIST_LABELS_SV,
  ChecklistItem,
  EncounterInput,
  EncounterResult,
  EncounterState,
  EncounterStatus,
  ExitStatus,
  CANCEL_SOURCES,
  CancelSource,
  IdentityClaims,
  isTerminal,
  MainStep,
  Role,
  STEPS,
} from './encounter.messages';

/** Why an update is refused; the API maps the type to an HTTP status (domain/failures.ts). */
export const reject = (type: Exclude<FailureType, 'SlotTaken' | 'NotFound'>, message: string, field?: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: field ? [{ field }] : [] });

export const SYSTEM: Actor = { id: 'vardmote', role: 'system' };
const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());
const plusSeconds = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString();

/**
 * The one rule of the step list: forward by exactly one main step (past the steps an older encounter
 * does not have), and never to `closed` without a journal note (in the journal system, where it has
 * that step). Throws (a workflow bug, not a refusal) otherwise.
 */
export function assertNextStep(
  from: MainStep,
  to: MainStep,
  hasJournalNote: boolean,
  absent: readonly MainStep[] = [],
): void {
  const steps = STEPS.filter((s) => !absent.includes(s));
  if (steps.indexOf(to) < 0 || steps.indexOf(to) !== steps.indexOf(from) + 1)
    throw new Error(`encounter cannot move from ${from} to ${to}`);
  if (to === 'closed' && !hasJournalNote) throw new Error('an encounter cannot close without a journal note');
}

/**
 * Update handlers that await run one at a time under this mutex (the samples' safe-message-handlers
 * pattern). Histories recorded before it ran each handler at once, so a free machine's first
 * activity came before the main loop's projection; they replay that way.
 */
export const SERIALISED_UPDATES_PATCH = 'serialised-updates';

/**
 * A time booked from 1177 is held at once (issue 24): a patient's or guardian's `book` is also taken
 * before the booking step, while eligibility and identity still run. Encounters started before it book in the booking step only.
 */
export const EARLY_BOOKING_PATCH = 'early-booking';

/**
 * Every new, moved or cancelled booking is pushed to the engagement index (issue 24, RULES.md §7) by
 * its own loop, so an index that is slow or down never holds up a booking. Earlier encounters push nothing.
 */
export const ENGAGEMENT_INDEX_PATCH = 'engagement-index';

/**
 * Kallelser and moving a held time (issue 24): an administrator may hold a time for a kallelse before
 * the booking step, and a time held before it (from 1177 or for a kallelse) may be moved while
 * eligibility and identity still run; `agent` (a 1177 nurse) acts for the patient. Earlier encounters
 * move a time only in the pre-meeting step.
 */
export const INVITATIONS_PATCH = 'invitations';

/**
 * The journal step (issue 25): after the note is signed the encounter waits for the journal system's
 * receipt (or a clinician's confirmed manual entry) before the fee and closing. Earlier encounters go
 * from documentation straight to the fee.
 */
export const JOURNAL_EXPORT_PATCH = 'journal-export';

/**
 * Reminders as workflow timers (issue 27): an SMS at booking, the day before and shortly before the
 * meeting, one for an open kallelse, and an SMS to the clinician and the unit when a patient waits
 * unnoticed; the patient may confirm attendance. Only encounters whose input carries the unit's
 * reminder policy; earlier encounters send the kallelse mail alone.
 */
export const REMINDERS_PATCH = 'reminders';

/**
 * More than two in the room (issue 26): interpreters, relatives and colleagues of other units are
 * invited, wait in their own waiting rooms and are admitted one by one; an interpreter who never comes
 * is a deviation of its own; the note lists who took part. Earlier encounters have patient and clinician only.
 */
export const PARTICIPANTS_PATCH = 'participants';

/**
 * Every change is projected (issue 29): what a signal changes too (presence from Janus, a participant's
 * waiting room, media, a video problem), by a loop of its own, each state once, with versions that
 * always rise. The encounter page and the API then read the projection instead of asking the workflow every
 * 2 s. Earlier encounters project at their steps only.
 */
export const SIGNALS_PROJECTED_PATCH = 'signals-projected';

/** The patient's side: who books, moves and cancels for the patient (late rules apply to them). */
const PATIENT_SIDE: readonly Role[] = ['patient', 'guardian', 'agent'];
const onPatientSide = (actor: Actor | undefined): boolean => !!actor && PATIENT_SIDE.includes(actor.role);

/** What the patient is told when a time held before eligibility is given back because a clinician said no. */
export const EARLY_BOOKING_RELEASED_SV =
  'Din bokade tid har avbokats: vårdgivaren bedömer att besöket inte kan ske digitalt. Du blir kontaktad om ett besök på mottagningen.';

type Deviation = Parameters<EncounterActivities['recordDeviation']>[0];
type Party = 'patient' | 'clinician';
type Presence = { role: Party; source: string };
/** Mutable state: the queryable fields less the deadlines, which `view()` derives from them. */
type Fields = Omit<EncounterState, 'deadlines'>;

const activitiesFor = (input: EncounterInput) =>
  proxyActivities<EncounterActivities>({
    startToCloseTimeout: `${input.policy.activityTimeoutSeconds}s`,
    retry: { initialInterval: '500ms', maximumInterval: '20s', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
  });

export class EncounterMachine {
  readonly #input: EncounterInput;
  readonly #acts: EncounterActivities;
  /** The one-time code's sending: three tries, then the interpreter asks again (it must not hold up the encounter). */
  readonly #codeActs: EncounterActivities;
  readonly #st: Fields;
  readonly #lock = new Mutex();
  #eligibility: { eligible: boolean; reasons: string[] } | null = null;
  #identityRefusal: string | null = null;
  #cancelRequest: { actor: Actor; reason: string; late: boolean; source?: CancelSource } | null = null;
  /** Bumped on every (re)booking so waits on the old start time restart. */
  #slotVersion = 0;
  #invitedSlotVersion = 0;
  #patientEverJoined = false;
  /** Whether `book` is taken before the booking step (EARLY_BOOKING_PATCH). */
  #earlyBooking = false;
  /** Whether bookings are pushed to the engagement index (ENGAGEMENT_INDEX_PATCH). */
  #engagementIndex = false;
  /** Whether kallelser and early moves are on (INVITATIONS_PATCH). */
  #invitations = false;
  /** Whether the note goes to the journal system as its own step (JOURNAL_EXPORT_PATCH). */
  #journalExport = false;
  /** Whether reminders run (REMINDERS_PATCH and a reminder policy in the input). */
  #reminders = false;
  /** Whether every change is projected (SIGNALS_PROJECTED_PATCH). */
  #signalsProjected = false;
  /** The timeline's length, the state (JSON) and the version of the last projection. */
  #projectedTimeline = 0;
  #projectedState = '';
  #projectedVersion = 0;
  /** The participants beyond patient and clinician (PARTICIPANTS_PATCH); null in earlier encounters. */
  #roster: ParticipantRoster | null = null;
  /** Why the journal export ended without a receipt, when it did. */
  #journalProblem: 'refused' | 'not-configured' | null = null;
  /** What the engagement index should say of this booking; each change bumps the version. */
  #indexWanted: {
    version: number;
    startsAt: string | null;
    deleted: boolean;
    invitation: boolean;
    invitedOn?: string;
  } | null = null;
  #indexedVersion = 0;
  /** The index holds a current Invitation entry (it is removed when the kallelse becomes a booking). */
  #invitationIndexed = false;
  /** One video-failure deviation per encounter, whichever signal comes first. */
  #videoFailureRecorded = false;
  /** Janus says it no longer receives this participant's video. */
  readonly #mediaDown = { patient: false, clinician: false };

  constructor(input: EncounterInput) {
    this.#input = input;
    this.#acts = activitiesFor(input);
    this.#codeActs = proxyActivities<EncounterActivities>({
      startToCloseTimeout: `${input.policy.activityTimeoutSeconds}s`,
      retry: { initialInterval: '500ms', maximumAttempts: 3 },
    });
    this.#st = {
      encounterId: input.encounterId,
      status: 'requested',
      step: 'requested',
      waitingFor: null,
      slot: null,
      modality: 'video',
      checklistConfirmed: false,
      patientPresent: false,
      clinicianPresent: false,
      sessionStartedAt: null,
      sessionEndedAt: null,
      journalNoteId: null,
      room: null,
      identity: null,
      charges: [],
      timeline: [],
    };
    this.#record('requested', input.requestedBy, 'created', input.reason ? { reason: input.reason } : undefined);
  }

  // ── The queryable state ──────────────────────────────────────────────────────────────────────

  /** The encounter as the API, the projection and the query see it (a copy). */
  view(): EncounterState {
    const fields = JSON.parse(JSON.stringify(this.#st)) as Fields;
    return { ...fields, deadlines: this.#deadlines() };
  }

  /** Each deadline from the step reached and the times it hangs on (RULES.md §2 and §9 timers). */
  #deadlines(): EncounterState['deadlines'] {
    const { slot, sessionEndedAt, step } = this.#st;
    const p = this.#input.policy;
    const reached = (s: MainStep) => STEPS.indexOf(step) >= STEPS.indexOf(s);
    const d: EncounterState['deadlines'] = {};
    if (slot && reached('pre-meeting')) d.roomOpensAt = plusSeconds(slot.startsAt, -p.roomOpensBeforeSeconds);
    if (slot && reached('video')) d.noShowAt = plusSeconds(slot.startsAt, p.noShowGraceSeconds);
    // From here a cancellation or move by the patient's side costs the no-show fee (RULES.md §2), unless booked this late.
    const lateFrom = slot ? plusSeconds(slot.startsAt, -p.lateCancelSeconds) : null;
    if (slot && lateFrom && Date.parse(slot.bookedAt) <= Date.parse(lateFrom)) d.lateCancelFrom = lateFrom;
    if (sessionEndedAt && reached('documentation')) {
      d.documentationReminderAt = plusSeconds(sessionEndedAt, p.documentationReminderSeconds);
      d.documentationOverdueAt = plusSeconds(sessionEndedAt, p.documentationOverdueSeconds);
    }
    return d;
  }

  result(): EncounterResult {
    return { status: this.#st.status, chargeOre: this.#st.charges.reduce((sum, c) => sum + c.chargeOre, 0) };
  }

  // ── The steps, in the order the workflow runs them; each carries on (true) or has ended (false) ──

  /** 1. Requested → eligibility, before any handler is registered (an answer sent with the start finds it). */
  begin(): void {
    this.#earlyBooking = patched(EARLY_BOOKING_PATCH);
    this.#engagementIndex = patched(ENGAGEMENT_INDEX_PATCH);
    this.#invitations = patched(INVITATIONS_PATCH);
    this.#journalExport = patched(JOURNAL_EXPORT_PATCH);
    this.#reminders = patched(REMINDERS_PATCH) && !!this.#input.policy.reminders;
    if (patched(PARTICIPANTS_PATCH)) {
      this.#st.participants = [];
      this.#roster = new ParticipantRoster(this.#st.participants, {
        now: () => this.#now(),
        newId: () => uuid4(),
        record: (event, actor, outcome, detail) => this.#record(event, actor, outcome, detail),
      });
    }
    if (this.#engagementIndex) void this.#pushEngagements();
    if (patched(SIGNALS_PROJECTED_PATCH)) {
      this.#signalsProjected = true;
      this.#st.signalsProjected = true;
      void this.#projectChanges();
    }
    const invitation = this.#invitations ? this.#input.invitation : undefined;
    if (invitation) {
      this.#st.invitation = { purpose: invitation.purpose, sentAt: this.#now(), acceptedAt: null };
      this.#record('invitation-created', this.#input.requestedBy, 'open');
      this.#indexBooking(null, false);
    }
    // After the kallelse is in the state: an open one is reminded too.
    if (this.#reminders) this.#startReminders();
    this.#moveTo('eligibility', 'answer-eligibility');
  }

  /** 2. Eligibility: Socialstyrelsen's four questions; any no refers the patient to a physical visit. */
  readonly eligibility = async (): Promise<boolean> => {
    if (!(await this.#until(() => this.#eligibility !== null))) return this.#cancel();
    if (this.#eligibility!.eligible) return true;
    await this.#releaseEarlyBooking('not-eligible');
    this.#exit('referred-to-physical', SYSTEM, { reasons: this.#eligibility!.reasons });
    return false;
  };

  /** 3. Identity: e-ID at LoA3, the patient or a guardian allowed to act for them. */
  readonly identity = async (): Promise<boolean> => {
    await this.#enter('identity', 'verify-identity');
    if (!(await this.#until(() => this.#st.identity !== null || this.#identityRefusal !== null))) return this.#cancel();
    if (!this.#identityRefusal) return true;
    const description = `Identity check failed: ${this.#identityRefusal}`;
    await this.#recordDeviation('identity', 'identity-failure', 'high', description);
    await this.#releaseEarlyBooking('identity-failed');
    this.#exit('identity-failed', SYSTEM, { refusal: this.#identityRefusal });
    return false;
  };

  /** 4. Booking by an administrator or the patient. */
  readonly booking = async (): Promise<boolean> => {
    await this.#enter('booking', 'book-slot');
    return (await this.#until(() => this.#st.slot !== null)) || this.#cancel();
  };

  /** 5. Pre-meeting: an invitation (kallelse) for each (re)booking; the room opens a policy time before start. */
  readonly preMeeting = async (): Promise<boolean> => {
    await this.#enter('pre-meeting', 'confirm-checklist');
    for (;;) {
      const slot = this.#st.slot!;
      if (this.#invitedSlotVersion !== this.#slotVersion) {
        const version = this.#slotVersion;
        await this.#acts.sendInvitation({ encounterId: this.id, slotId: slot.slotId, policy: this.#input.policy });
        this.#invitedSlotVersion = version;
        this.#record('invitation-sent', SYSTEM, 'sent', { slotId: slot.slotId });
      }
      const version = this.#slotVersion;
      const opensIn = msUntil(this.#deadlines().roomOpensAt!);
      const changed = await condition(() => this.#cancelRequest !== null || this.#slotVersion !== version, opensIn);
      if (this.#cancelRequest) return this.#cancel();
      if (!changed) return true;
    }
  };

  /** 6. Video: private room, waiting room, admit, end; 7. no-show when the patient never joins. */
  readonly video = async (): Promise<boolean> => {
    const st = this.#st;
    st.room = await this.#acts.openVideoRoom({ encounterId: this.id });
    this.#moveTo('video', 'join-waiting-room');
    await this.project();
    if (!(await this.#until(() => this.#patientEverJoined, msUntil(this.#deadlines().noShowAt!)))) {
      // Only with participants: earlier encounters take no extra step here (their histories replay as recorded).
      if (this.#roster) await this.#interpretersWhoNeverCame();
      if (this.#cancelRequest) return this.#cancel();
      // The no-show rule judges the patient alone: an interpreter or relative present changes nothing.
      await this.#charge('no-show', stockholmDateOf(st.slot!.startsAt));
      const description = 'The patient did not join within the grace period';
      await this.#recordDeviation('no-show', 'no-show', 'low', description);
      await this.#acts.closeVideoRoom({ encounterId: this.id });
      this.#exit('no-show', SYSTEM);
      return false;
    }
    st.waitingFor = 'admit-patient';
    await this.project();
    const ended = await this.#until(() => st.sessionEndedAt !== null);
    if (this.#roster) await this.#interpretersWhoNeverCame();
    if (!ended) return this.#cancel();
    await this.#acts.closeVideoRoom({ encounterId: this.id });
    return true;
  };

  /** 8. Documentation is mandatory: a reminder, then a deviation, and it still waits for the note. */
  readonly documentation = async (): Promise<boolean> => {
    const written = () => this.#st.journalNoteId !== null;
    await this.#enter('documentation', 'write-journal-note');
    const deadlines = this.#deadlines();
    if (!(await condition(written, msUntil(deadlines.documentationReminderAt!)))) {
      await this.#acts.sendDocumentationReminder({ encounterId: this.id });
      this.#record('documentation-reminder', SYSTEM, 'sent');
    }
    if (!(await condition(written, msUntil(deadlines.documentationOverdueAt!)))) {
      const description = 'Journal note not written in time';
      await this.#recordDeviation('documentation', 'missing-documentation', 'medium', description);
      this.#record('documentation-overdue', SYSTEM, 'deviation');
      await this.project();
      await condition(written);
    }
    return true;
  };

  /**
   * 9. The journal system: the signed note is sent (retried while the EHR is away) until its receipt;
   * without one within the policy time, or refused, a deviation and the clinician's manual entry.
   */
  readonly journal = async (): Promise<boolean> => {
    if (!this.#journalExport) return true;
    const st = this.#st;
    st.journal = { status: 'sending' };
    await this.#enter('journal', 'journal-receipt');
    const scope = new CancellationScope();
    const { sessionStartedAt, sessionEndedAt, identity, modality } = st;
    const input = {
      encounterId: this.id,
      kind: modality,
      startedAt: sessionStartedAt ?? this.#now(),
      endedAt: sessionEndedAt,
      guardianPersonnummer: identity?.actingAs === 'guardian' ? identity.personnummer : null,
    };
    const sending = scope
      .run(() => this.#acts.exportToJournal(input))
      .then(
        (receipt) => {
          if (st.journal?.status === 'entered-by-hand') return;
          st.journal = { status: 'delivered', receipt: { ...receipt }, at: this.#now() };
          this.#record('journal-delivered', SYSTEM, 'delivered', { documentReference: receipt.documentReference });
        },
        (err: unknown) => {
          if (isCancellation(err)) return;
          const type =
            err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : null;
          this.#journalProblem = type === 'JournalNotConfigured' ? 'not-configured' : 'refused';
        },
      );
    const done = () => st.journal?.status === 'delivered' || st.journal?.status === 'entered-by-hand';
    const waitMs = (this.#input.policy.journalReceiptSeconds ?? 3600) * 1000;
    await condition(() => done() || this.#journalProblem !== null, waitMs);
    if (!done()) {
      const reason = this.#journalProblem ?? 'no-receipt';
      // No EHR configured is how the unit works, not a deviation; no receipt or a refusal is.
      if (reason !== 'not-configured')
        await this.#recordDeviation(
          'not-in-journal',
          'not-in-journal',
          'medium',
          reason === 'refused'
            ? 'The journal system refused the signed note'
            : 'The journal system has not confirmed the signed note in time',
        );
      st.journal = { status: 'manual-needed', reason };
      st.waitingFor = 'enter-in-journal';
      this.#record('journal-manual-needed', SYSTEM, reason);
      await this.project();
      await condition(done);
    }
    // Entered by hand: a send still retrying stops, so the journal never gets it twice.
    if (st.journal?.status === 'entered-by-hand') scope.cancel();
    await sending;
    return true;
  };

  /** 10. The fee against the patient's high-cost protection period. */
  readonly fee = async (): Promise<boolean> => {
    this.#moveTo('fee', null);
    const fee = await this.#charge('visit', stockholmDateOf(this.#st.sessionStartedAt!));
    this.#record('fee-decided', SYSTEM, fee.reason, { chargeOre: fee.chargeOre, freeCardIssued: fee.freeCardIssued });
    return true;
  };

  /** 11. Closed (the journal note is there, or moveTo refuses), or ended on a side exit: the last projection. */
  async finish(closed: boolean): Promise<EncounterResult> {
    if (closed) this.#moveTo('closed', null);
    // The index learns of the last change before the encounter ends.
    if (this.#engagementIndex) await condition(() => this.#indexedVersion === (this.#indexWanted?.version ?? 0));
    await this.project();
    await allHandlersFinished();
    return this.result();
  }

  /**
   * Projects what changed without a step projecting it (SIGNALS_PROJECTED_PATCH): presence, waiting
   * rooms, media, a video problem, a participant's code — every change records on the timeline.
   */
  async #projectChanges(): Promise<void> {
    for (;;) {
      await condition(() => this.#st.timeline.length !== this.#projectedTimeline);
      try {
        await this.project();
      } catch {
        // The activity retries by its own policy; a projection that still failed is taken by the next change.
      }
    }
  }

  /** Mirrors the state into the encounter table; the history length orders the writes. */
  project(): Promise<void> {
    if (!this.#signalsProjected) return this.#projectNow(this.view(), workflowInfo().historyLength);
    // SIGNALS_PROJECTED_PATCH: each state once, and versions that always rise: the loop and a step may
    // both project in one activation, at one history length, and the store keeps the first of equal
    // versions (which may be the older state); a later activation's history length is larger still.
    this.#projectedTimeline = this.#st.timeline.length;
    const state = this.view();
    const json = JSON.stringify(state);
    if (json === this.#projectedState) return Promise.resolve();
    this.#projectedState = json;
    this.#projectedVersion = Math.max(workflowInfo().historyLength, this.#projectedVersion + 1);
    return this.#projectNow(state, this.#projectedVersion);
  }

  #projectNow(state: EncounterState, version: number): Promise<void> {
    const { patientId, careUnitId } = this.#input;
    return this.#acts.projectEncounter({ state, version, patientId, careUnitId });
  }

  // ── Updates: `assertCan…` is the validator (and runs again under the lock), the method acts ──

  assertCanAnswerEligibility({ actor, answers }: { actor: Actor; answers: EligibilityAnswers }): void {
    this.#expectStep('eligibility');
    this.#expectRole(actor, 'clinician');
    for (const k of ELIGIBILITY_KEYS) {
      if (typeof answers?.[k] !== 'boolean')
        throw reject('Invalid', `answers.${k} must be true or false`, `answers.${k}`);
    }
  }

  answerEligibility(u: { actor: Actor; answers: EligibilityAnswers }): Promise<EncounterState> {
    const { actor, answers } = u;
    return this.#exclusive(
      () => this.assertCanAnswerEligibility(u),
      async () => {
        const result = assessEligibility(answers);
        const recorded = { encounterId: this.id, clinicianId: actor.id, answers: { ...answers }, ...result };
        await this.#acts.recordEligibility(recorded);
        this.#eligibility = result;
        const detail = result.eligible ? undefined : { reasons: result.reasons };
        this.#record('eligibility-answered', actor, result.eligible ? 'eligible' : 'not-eligible', detail);
        return this.#afterStep('eligibility');
      },
    );
  }

  assertCanRecordIdentity({ actor, claims }: { actor: Actor; claims: IdentityClaims }): void {
    this.#expectStep('identity');
    this.#expectRole(actor, 'patient', 'guardian', 'system');
    if (typeof claims?.personnummer !== 'string')
      throw reject('Invalid', 'claims.personnummer is required', 'claims.personnummer');
  }

  recordIdentity(u: { actor: Actor; claims: IdentityClaims }): Promise<EncounterState> {
    const { actor, claims } = u;
    return this.#exclusive(
      () => this.assertCanRecordIdentity(u),
      async () => {
        const date = stockholmDateOf(this.#now());
        const decision = await this.#acts.checkIdentity({ encounterId: this.id, claims, date });
        const detail = { method: claims.method, loa: claims.loa };
        if (decision.allowed) {
          this.#st.identity = { personnummer: claims.personnummer, actingAs: decision.actingAs };
          this.#record('identity-verified', actor, decision.actingAs, detail);
        } else {
          this.#identityRefusal = `${decision.reason}: ${decision.message}`;
          this.#record('identity-refused', actor, decision.reason, detail);
        }
        return this.#afterStep('identity');
      },
    );
  }

  assertCanBook({ actor }: { actor: Actor; slotId: string }): void {
    // The patient's side (1177 acts for them) books early, and so does the unit for its own kallelse;
    // otherwise the back office books in the booking step.
    const early = (this.#earlyBooking && onPatientSide(actor)) || (this.#st.invitation && actor?.role === 'admin');
    if (early) {
      this.#expectStep('eligibility', 'identity', 'booking');
      if (this.#st.slot) throw reject('WrongStep', 'the encounter already has a booked time (move it instead)');
    } else this.#expectStep('booking');
    this.#expectRole(actor, 'admin', ...(this.#invitations ? PATIENT_SIDE : (['patient', 'guardian'] as Role[])));
  }

  book(u: { actor: Actor; slotId: string }): Promise<EncounterState> {
    const { actor, slotId } = u;
    return this.#exclusive(
      () => this.assertCanBook(u),
      async () => {
        const early = this.#st.status !== 'booking';
        const slot = await this.#acts.reserveSlot({ encounterId: this.id, slotId });
        this.#setSlot(slot);
        this.#acceptInvitation(actor);
        this.#indexBooking(slot.startsAt, false);
        this.#record('booked', actor, early ? 'held' : 'reserved', { slotId, startsAt: slot.startsAt });
        if (!early) return this.#afterStep('booking');
        // Held before the booking step: answered at once, the booking step will find the slot.
        await this.project();
        return this.view();
      },
    );
  }

  assertCanReschedule({ actor, slotId }: { actor: Actor; slotId: string }): void {
    // A held time moves while eligibility and identity run; otherwise only once booked (pre-meeting).
    if (this.#invitations && this.#st.slot) this.#expectStep('eligibility', 'identity', 'booking', 'pre-meeting');
    else this.#expectStep('pre-meeting');
    this.#expectRole(actor, 'admin', ...(this.#invitations ? PATIENT_SIDE : (['patient', 'guardian'] as Role[])));
    if (slotId === this.#st.slot?.slotId) throw reject('Invalid', 'the encounter already has this slot', 'slotId');
  }

  reschedule(u: { actor: Actor; slotId: string }): Promise<EncounterState> {
    const { actor, slotId } = u;
    return this.#exclusive(
      () => this.assertCanReschedule(u),
      async () => {
        const late = this.#isLate(actor);
        const slot = await this.#acts.reserveSlot({ encounterId: this.id, slotId });
        if (late) await this.#chargeLateCancel();
        const from = this.#st.slot?.startsAt;
        this.#setSlot(slot);
        this.#acceptInvitation(actor);
        this.#indexBooking(slot.startsAt, false);
        this.#record('rescheduled', actor, late ? 'late' : 'in-time', { from, to: slot.startsAt });
        await this.project();
        return this.view();
      },
    );
  }

  assertCanConfirmChecklist({ actor, items }: { actor: Actor; items: Record<ChecklistItem, boolean> }): void {
    this.#expectStep('pre-meeting', 'video');
    this.#expectBookedClinician(actor);
    for (const k of CHECKLIST_ITEMS) {
      if (items?.[k] !== true)
        throw reject('Invalid', `checklist item '${k}' (${CHECKLIST_LABELS_SV[k]}) is not confirmed`, `items.${k}`);
    }
  }

  confirmChecklist(u: { actor: Actor; items: Record<ChecklistItem, boolean> }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanConfirmChecklist(u),
      async () => {
        this.#st.checklistConfirmed = true;
        this.#record('checklist-confirmed', u.actor, 'confirmed');
        return this.view();
      },
    );
  }

  assertCanAdmitPatient({ actor }: { actor: Actor }): void {
    const st = this.#st;
    this.#expectStep('video');
    this.#expectBookedClinician(actor);
    if (!st.checklistConfirmed)
      throw reject('WrongStep', 'confirm the pre-meeting checklist before admitting the patient');
    if (!st.patientPresent) throw reject('WrongStep', 'the patient is not in the waiting room');
    if (st.sessionStartedAt) throw reject('WrongStep', 'the patient is already admitted');
  }

  admitPatient(u: { actor: Actor }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanAdmitPatient(u),
      async () => {
        this.#st.sessionStartedAt = this.#now();
        this.#st.waitingFor = 'end-meeting';
        this.#record('patient-admitted', u.actor, 'in-session');
        await this.project();
        return this.view();
      },
    );
  }

  assertCanSwitchToPhone({ actor }: { actor: Actor; error: string }): void {
    this.#expectStep('video');
    this.#expectBookedClinician(actor);
  }

  switchToPhone(u: { actor: Actor; error: string }): Promise<EncounterState> {
    const { actor, error } = u;
    return this.#exclusive(
      () => this.assertCanSwitchToPhone(u),
      async () => {
        await this.#recordVideoFailure(`Video failed, switched to phone: ${error}`);
        this.#st.modality = 'phone';
        this.#patientEverJoined = true;
        this.#st.sessionStartedAt ??= this.#now();
        this.#record('switched-to-phone', actor, 'phone', { error });
        await this.project();
        return this.view();
      },
    );
  }

  assertCanEndSession({ actor }: { actor: Actor }): void {
    this.#expectStep('video');
    this.#expectBookedClinician(actor);
    if (!this.#st.sessionStartedAt) throw reject('WrongStep', 'the session has not started');
  }

  endSession(u: { actor: Actor }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanEndSession(u),
      async () => {
        this.#st.sessionEndedAt = this.#now();
        this.#roster?.sessionEnded();
        this.#record('session-ended', u.actor, this.#st.modality);
        return this.#afterStep('video');
      },
    );
  }

  assertCanSubmitJournalNote({ actor, text }: { actor: Actor; text: string }): void {
    this.#expectStep('documentation');
    this.#expectBookedClinician(actor);
    if (this.#st.journalNoteId) throw reject('WrongStep', 'the journal note is already written');
    if (typeof text !== 'string' || text.trim().length === 0) throw reject('Invalid', 'text must not be empty', 'text');
  }

  submitJournalNote(u: { actor: Actor; text: string }): Promise<EncounterState> {
    const { actor, text } = u;
    return this.#exclusive(
      () => this.assertCanSubmitJournalNote(u),
      async () => {
        const st = this.#st;
        const contactDate = stockholmDateOf(st.sessionStartedAt ?? this.#now());
        // Who took part besides patient and clinician goes into the note (issue 26); none: the note as before.
        const others = this.#roster ? noteParticipants(this.#roster.list) : [];
        const took = others.length ? { participants: others, actingAs: st.identity?.actingAs ?? 'self' } : {};
        const note = { encounterId: this.id, authorId: actor.id, authorName: actor.name, text, contactDate, ...took };
        const { noteId } = await this.#acts.writeJournalNote(note);
        st.journalNoteId = noteId;
        this.#record('journal-note-written', actor, 'signed', { noteId, visitType: 'Digitalt vårdmöte', contactDate });
        // With the journal step, signing answers once it is sent on (the EHR may take its time).
        return this.#journalExport ? this.#afterStep('documentation') : this.#afterEnd();
      },
    );
  }

  assertCanConfirmManualJournalEntry({ actor }: { actor: Actor }): void {
    this.#expectStep('journal');
    this.#expectRole(actor, 'clinician', 'admin');
    if (actor.role === 'clinician') this.#expectBookedClinician(actor);
    if (this.#st.journal?.status !== 'manual-needed')
      throw reject(
        'WrongStep',
        'the note is being sent to the journal system; confirm by hand only once it could not be',
      );
  }

  confirmManualJournalEntry(u: { actor: Actor }): Promise<EncounterState> {
    const { actor } = u;
    return this.#exclusive(
      () => this.assertCanConfirmManualJournalEntry(u),
      async () => {
        await this.#acts.recordManualJournalEntry({ encounterId: this.id, by: actor.id, byName: actor.name ?? null });
        this.#st.journal = { status: 'entered-by-hand', confirmedBy: actor, at: this.#now() };
        this.#record('journal-entered-by-hand', actor, 'confirmed');
        return this.#afterStep('journal');
      },
    );
  }

  assertCanConfirmAttendance({ actor }: { actor: Actor }): void {
    this.#expectStep('eligibility', 'identity', 'booking', 'pre-meeting', 'video');
    this.#expectRole(actor, 'patient', 'guardian');
    if (!this.#st.slot) throw reject('WrongStep', 'there is no booked time to confirm');
    if (this.#st.sessionStartedAt) throw reject('WrongStep', 'the meeting has already started');
    if (this.#cancelRequest) throw reject('WrongStep', 'the encounter is being cancelled');
  }

  /** The patient says they will come (from a reminder's link); said again, it changes nothing. */
  confirmAttendance(u: { actor: Actor; source?: CancelSource }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanConfirmAttendance(u),
      async () => {
        const st = this.#st;
        if (st.attendanceConfirmedAt?.startsAt === st.slot!.startsAt) return this.view();
        st.attendanceConfirmedAt = { at: this.#now(), startsAt: st.slot!.startsAt };
        const source = u.source && CANCEL_SOURCES.includes(u.source) ? u.source : undefined;
        this.#record('attendance-confirmed', u.actor, 'confirmed', source ? { source } : undefined);
        await this.project();
        return this.view();
      },
    );
  }

  // ── Participants (PARTICIPANTS_PATCH): invited up to the meeting, admitted one by one in it ──

  #expectRoster(): ParticipantRoster {
    if (!this.#roster) throw reject('WrongStep', 'this encounter was created before participants could be invited');
    this.#expectStep('eligibility', 'identity', 'booking', 'pre-meeting', 'video');
    if (this.#st.sessionEndedAt) throw reject('WrongStep', 'the meeting has ended');
    if (this.#cancelRequest) throw reject('WrongStep', 'the encounter is being cancelled');
    return this.#roster;
  }

  assertCanInviteParticipant({ actor, invitation }: { actor: Actor; invitation: Invitation }): void {
    const roster = this.#expectRoster();
    this.#expectRole(actor, 'admin', 'clinician', 'patient', 'guardian');
    roster.assertInvite(invitation, onPatientSide(actor) ? 'patient' : 'staff');
  }

  inviteParticipant(u: { actor: Actor; invitation: Invitation }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanInviteParticipant(u),
      async () => {
        this.#roster!.invite(u.invitation, onPatientSide(u.actor) ? 'patient' : 'staff', u.actor);
        await this.project();
        return this.view();
      },
    );
  }

  assertCanAcceptParticipant({ actor, participantId }: { actor: Actor; participantId: string }): void {
    const roster = this.#expectRoster();
    this.#expectRole(actor, 'patient', 'guardian');
    roster.assertAccept(participantId);
  }

  acceptParticipant(u: { actor: Actor; participantId: string }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanAcceptParticipant(u),
      async () => {
        this.#roster!.accept(u.participantId, u.actor);
        await this.project();
        return this.view();
      },
    );
  }

  assertCanAdmitParticipant(u: { actor: Actor; participantId: string; maxInRoom?: number }): void {
    const roster = this.#expectRoster();
    this.#expectStep('video');
    this.#expectBookedClinician(u.actor);
    if (!this.#st.checklistConfirmed)
      throw reject('WrongStep', 'confirm the pre-meeting checklist before admitting anyone');
    roster.assertAdmit(u.participantId, u.maxInRoom);
  }

  admitParticipant(u: { actor: Actor; participantId: string; maxInRoom?: number }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanAdmitParticipant(u),
      async () => {
        this.#roster!.admit(u.participantId, u.actor);
        await this.project();
        return this.view();
      },
    );
  }

  assertCanRemoveParticipant({ actor, participantId }: { actor: Actor; participantId: string; reason?: string }): void {
    const roster = this.#expectRoster();
    this.#expectRole(actor, 'admin', 'clinician');
    roster.assertRemove(participantId);
  }

  removeParticipant(u: { actor: Actor; participantId: string; reason?: string }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanRemoveParticipant(u),
      async () => {
        const reason = typeof u.reason === 'string' && u.reason.trim() ? u.reason.trim().slice(0, 500) : undefined;
        this.#roster!.remove(u.participantId, u.actor, reason);
        await this.project();
        return this.view();
      },
    );
  }

  assertCanCancel({ actor, reason }: { actor: Actor; reason: string; source?: CancelSource }): void {
    this.#expectStep('requested', 'eligibility', 'identity', 'booking', 'pre-meeting', 'video');
    this.#expectRole(
      actor,
      'admin',
      'clinician',
      ...(this.#invitations ? PATIENT_SIDE : (['patient', 'guardian'] as Role[])),
    );
    if (this.#st.sessionStartedAt) throw reject('WrongStep', 'the meeting has already started');
    if (this.#cancelRequest) throw reject('WrongStep', 'the encounter is already being cancelled');
    if (typeof reason !== 'string' || !reason.trim()) throw reject('Invalid', 'reason must not be empty', 'reason');
  }

  cancel(u: { actor: Actor; reason: string; source?: CancelSource }): Promise<EncounterState> {
    return this.#exclusive(
      () => this.assertCanCancel(u),
      async () => {
        const source = u.source && CANCEL_SOURCES.includes(u.source) ? u.source : undefined;
        this.#cancelRequest = { actor: u.actor, reason: u.reason, late: this.#isLate(u.actor), source };
        return this.#afterEnd();
      },
    );
  }

  // ── Signals from Janus (media/janus-events.ts): repeated or reordered events change nothing ──

  participantJoined({ role, source }: Presence): void {
    const st = this.#st;
    if (st.status !== 'video' || st.sessionEndedAt || this.#present(role)) return;
    this.#setPresent(role, true);
    if (role === 'clinician') return this.#record('clinician-joined', { id: source, role: 'system' });
    this.#patientEverJoined = true;
    const where = st.sessionStartedAt ? 'in-session' : 'waiting-room';
    if (this.#reminders && !st.sessionStartedAt)
      st.waitingRoom = { since: this.#now(), alertedAt: st.waitingRoom?.alertedAt ?? null };
    this.#record('patient-joined', { id: source, role: 'system' }, where);
  }

  participantLeft({ role, source }: Presence): void {
    if (this.#st.status !== 'video' || !this.#present(role)) return;
    this.#setPresent(role, false);
    this.#record(`${role}-left`, { id: source, role: 'system' });
  }

  async videoProblem({ role, detail, source }: Presence & { detail: string }): Promise<void> {
    if (this.#st.status !== 'video' || this.#st.sessionEndedAt) return;
    await this.#videoFailed(role, detail, source);
  }

  async mediaState({ role, up, source }: Presence & { up: boolean }): Promise<void> {
    const st = this.#st;
    // Only during the admitted session; only changes count (Janus repeats itself).
    if (st.status !== 'video' || !st.sessionStartedAt || st.sessionEndedAt || this.#mediaDown[role] === !up) return;
    this.#mediaDown[role] = !up;
    this.#record(up ? 'media-up' : 'media-down', { id: source, role: 'system' }, role);
    if (up) return;
    // A short drop is normal network weather; only one that lasts is a video failure.
    const grace = this.#input.policy.mediaDownGraceSeconds ?? 20;
    const settled = await condition(
      () => !this.#mediaDown[role] || st.sessionEndedAt !== null || st.status !== 'video' || !this.#present(role),
      grace * 1000,
    );
    if (!settled) await this.#videoFailed(role, `no video received for ${grace} s`, source);
  }

  /** A participant's page entered its waiting room: only while the room is open. */
  participantWaiting({ participantId, source }: { participantId: string; source: string }): void {
    if (!this.#roster || this.#st.status !== 'video' || this.#st.sessionEndedAt) return;
    this.#roster.joined(participantId, source);
  }

  participantGone({ participantId, source }: { participantId: string; source: string }): void {
    if (!this.#roster || this.#st.status !== 'video') return;
    this.#roster.left(participantId, source);
  }

  /**
   * A new one-time code for an interpreter without Swedish e-ID, to the address booked at the
   * invitation (never one a caller names). A few tries only: the interpreter can ask again.
   */
  async sendParticipantCode({ participantId, linkHash }: { participantId: string; linkHash: string }): Promise<void> {
    const p = this.#roster?.list.find((x) => x.id === participantId);
    if (!p || p.identification !== 'one-time-code' || p.status === 'removed') return;
    if (isTerminal(this.#st.status) || this.#st.sessionEndedAt || typeof linkHash !== 'string') return;
    const contact = { ...p.contact };
    try {
      const sent = await this.#codeActs.sendParticipantCode({ encounterId: this.id, participantId, linkHash, contact });
      this.#record('participant-code-sent', SYSTEM, sent.channel, { participantId });
    } catch {
      this.#record('participant-code-failed', SYSTEM, 'failed', { participantId });
    }
  }

  // ── Inside the machine ──────────────────────────────────────────────────────────────────────

  private get id(): string {
    return this.#input.encounterId;
  }

  #now(): string {
    return new Date(Date.now()).toISOString();
  }

  #record(event: string, actor: Actor, outcome?: string, detail?: Record<string, unknown>): void {
    this.#st.timeline.push({
      step: this.#st.status,
      event,
      actor,
      at: this.#now(),
      ...(outcome ? { outcome } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  /** Moves forward to a main step; steps are never skipped and never go back. */
  #moveTo(step: MainStep, waitingFor: WaitingFor | null): void {
    const journaled = !this.#journalExport || ['delivered', 'entered-by-hand'].includes(this.#st.journal?.status ?? '');
    const absent: MainStep[] = this.#journalExport ? [] : ['journal'];
    assertNextStep(this.#st.step, step, this.#st.journalNoteId !== null && journaled, absent);
    this.#st.step = step;
    this.#st.status = step;
    this.#st.waitingFor = waitingFor;
    this.#record(step, SYSTEM, 'entered');
  }

  /** Moves to the next step and mirrors it into the encounter table. */
  async #enter(step: MainStep, waitingFor: WaitingFor | null): Promise<void> {
    this.#moveTo(step, waitingFor);
    await this.project();
  }

  /** Ends the encounter on a side exit. */
  #exit(status: ExitStatus, actor: Actor, detail?: Record<string, unknown>): void {
    this.#st.status = status;
    this.#st.waitingFor = null;
    this.#record(status, actor, 'ended', detail);
  }

  /** The reminder loop and the waiting-room watch (REMINDERS_PATCH), each on its own timers. */
  #startReminders(): void {
    const st = this.#st;
    const reminders = createReminders({
      encounterId: this.id,
      policy: this.#input.policy.reminders!,
      activityTimeoutSeconds: this.#input.policy.activityTimeoutSeconds,
      slot: () => st.slot,
      slotVersion: () => this.#slotVersion,
      invitation: () => st.invitation,
      over: () => isTerminal(st.status) || this.#cancelRequest !== null || st.sessionStartedAt !== null,
      waitingUnnoticed: () =>
        st.status === 'video' && st.patientPresent && !st.clinicianPresent && st.sessionStartedAt === null,
      waitingOver: () =>
        st.sessionStartedAt !== null ||
        isTerminal(st.status) ||
        this.#cancelRequest !== null ||
        STEPS.indexOf(st.step) > STEPS.indexOf('video'),
      record: (event, outcome, detail) => this.#record(event, SYSTEM, outcome, detail),
      alerted: (at) => {
        if (st.waitingRoom) st.waitingRoom.alertedAt = at;
      },
      project: () => this.project(),
    });
    void reminders.run();
    void reminders.watchWaitingRoom();
  }

  /** A time held before eligibility or identity is given back when either ends the encounter, with the patient's message. */
  async #releaseEarlyBooking(why: 'not-eligible' | 'identity-failed'): Promise<void> {
    const slot = this.#st.slot;
    if (!slot) {
      if (this.#st.invitation) this.#indexBooking(null, true);
      return;
    }
    await this.#acts.releaseSlot({ encounterId: this.id });
    this.#indexBooking(slot.startsAt, true);
    this.#st.slot = null;
    // The patient is told by mail too (encounters from before INVITATIONS_PATCH only on the timeline).
    const message = EARLY_BOOKING_RELEASED_SV;
    if (this.#invitations)
      await this.#acts.sendBookingReleased({ encounterId: this.id, startsAt: slot.startsAt, message });
    this.#record('booking-released', SYSTEM, why, { slotId: slot.slotId, message });
  }

  /** Cancelled: the late-cancel fee if late, the slot and room given back. */
  async #cancel(): Promise<false> {
    const c = this.#cancelRequest!;
    if (c.late) await this.#chargeLateCancel();
    if (this.#st.slot) {
      await this.#acts.releaseSlot({ encounterId: this.id });
      this.#indexBooking(this.#st.slot.startsAt, true);
    } else if (this.#st.invitation) this.#indexBooking(null, true);
    if (this.#st.room) await this.#acts.closeVideoRoom({ encounterId: this.id });
    this.#exit('cancelled', c.actor, { reason: c.reason, late: c.late, ...(c.source ? { source: c.source } : {}) });
    return false;
  }

  /** A kallelse becomes the patient's booking once their side books or moves it (RULES.md §7). */
  #acceptInvitation(actor: Actor): void {
    const invitation = this.#st.invitation;
    if (!invitation || invitation.acceptedAt || !onPatientSide(actor)) return;
    invitation.acceptedAt = this.#now();
    this.#record('invitation-accepted', actor, this.#st.slot ? 'timed' : 'open');
  }

  /** A kallelse the patient has not yet booked or moved. */
  #isInvitation(): boolean {
    return !!this.#st.invitation && !this.#st.invitation.acceptedAt;
  }

  /** The booking's present state for the engagement index (ENGAGEMENT_INDEX_PATCH); #pushEngagements sends it. */
  #indexBooking(startsAt: string | null, deleted: boolean): void {
    if (!this.#engagementIndex) return;
    const version = (this.#indexWanted?.version ?? 0) + 1;
    const invitation = this.#isInvitation();
    const invitedOn = this.#st.invitation?.sentAt;
    this.#indexWanted = { version, startsAt, deleted, invitation, ...(invitedOn ? { invitedOn } : {}) };
  }

  /**
   * Pushes the latest wanted state, one Update at a time and in order (a quick move and cancel may
   * coalesce into the last one). The activity retries every transient failure; only a request our own
   * schema check refuses ends on the timeline instead.
   */
  async #pushEngagements(): Promise<void> {
    for (;;) {
      await condition(() => (this.#indexWanted?.version ?? 0) !== this.#indexedVersion);
      const { version, startsAt, deleted, invitation, invitedOn } = this.#indexWanted!;
      const { patientId, careUnitId } = this.#input;
      // A kallelse that became a booking: its Invitation entry goes in the same Update.
      const retireInvitation = !invitation && this.#invitationIndexed;
      const kallelse = this.#st.invitation ? { invitation, invitedOn, retireInvitation } : {};
      try {
        await this.#acts.updateEngagementIndex({
          bookingId: this.id,
          patientId,
          careUnitId,
          startsAt,
          deleted,
          ...kallelse,
        });
        this.#invitationIndexed = invitation && !deleted;
      } catch (err) {
        const error = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        this.#record('engagement-index-failed', SYSTEM, 'refused', { error });
      }
      this.#indexedVersion = version;
    }
  }

  /**
   * An update that moves the encounter answers once the step it acted in is left; it waits under the
   * lock, so an update queued behind it finds the encounter in its next step.
   */
  async #afterStep(step: EncounterStatus): Promise<EncounterState> {
    await condition(() => this.#st.status !== step);
    return this.view();
  }

  /** A journal note or a cancellation answers once the encounter has ended. */
  async #afterEnd(): Promise<EncounterState> {
    await condition(() => isTerminal(this.#st.status));
    return this.view();
  }

  /**
   * Runs an update's change under the lock, its guard checked again inside (the state may have moved
   * while it queued); an activity's business failure (e.g. SlotTaken) becomes the update's own error.
   */
  async #exclusive<T>(assert: () => void, change: () => Promise<T>): Promise<T> {
    const run = async () => {
      assert();
      try {
        return await change();
      } catch (err) {
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
        throw err;
      }
    };
    return patched(SERIALISED_UPDATES_PATCH) ? this.#lock.runExclusive(run) : run();
  }

  /** Waits for `pred` or a cancellation; true when `pred` held. */
  async #until(pred: () => boolean, timeoutMs?: number): Promise<boolean> {
    const done = () => pred() || this.#cancelRequest !== null;
    const ok = timeoutMs === undefined ? (await condition(done), true) : await condition(done, timeoutMs);
    return ok && this.#cancelRequest === null;
  }

  #expectStep(...steps: EncounterStatus[]): void {
    if (!steps.includes(this.#st.status)) {
      throw reject('WrongStep', `not allowed in step '${this.#st.status}' (allowed in: ${steps.join(', ')})`);
    }
  }

  #expectRole(actor: Actor, ...roles: Role[]): void {
    if (!actor || typeof actor.id !== 'string' || !roles.includes(actor.role)) {
      throw reject('WrongActor', `only ${roles.join(' or ')} may do this`, 'actor');
    }
  }

  /** The booked clinician only. */
  #expectBookedClinician(actor: Actor): void {
    this.#expectRole(actor, 'clinician');
    if (this.#st.slot && actor.id !== this.#st.slot.clinicianId)
      throw reject('WrongActor', 'only the booked clinician may do this', 'actor');
  }

  /** A cancellation or patient rebooking this close to start is late, unless the slot was booked this close too. */
  #isLate(actor: Actor): boolean {
    const slot = this.#st.slot;
    if (!slot || !onPatientSide(actor)) return false;
    const window = this.#input.policy.lateCancelSeconds * 1000;
    const start = Date.parse(slot.startsAt);
    return start - Date.now() < window && start - Date.parse(slot.bookedAt) >= window;
  }

  #setSlot(slot: Omit<BookedSlot, 'bookedAt'>): void {
    this.#st.slot = { ...slot, bookedAt: this.#now() };
    this.#slotVersion++;
  }

  #present(role: Party): boolean {
    return role === 'patient' ? this.#st.patientPresent : this.#st.clinicianPresent;
  }

  #setPresent(role: Party, value: boolean): void {
    if (role === 'patient') this.#st.patientPresent = value;
    else this.#st.clinicianPresent = value;
  }

  /** Decides and records a charge of `kind` for the visit date, keeps it in the state, and bills it. */
  async #charge(kind: ChargeKind, visitDate: string) {
    const modality = this.#st.modality;
    const fee = await this.#acts.recordFee({ encounterId: this.id, kind, visitDate, modality });
    this.#st.charges.push({ kind, ...fee });
    // Encounters recorded before invoicing existed replay without it.
    if (patched('invoicing') && fee.chargeOre > 0) await this.#bill(fee.chargeId);
    return fee;
  }

  /**
   * Starts the charge's invoice workflow, which outlives the encounter. A monthly invoice already
   * collecting this month's charges takes this one too: it reads them from the database when it issues.
   */
  async #bill(chargeId: string): Promise<void> {
    const billing = await this.#acts.billingOf({ chargeId });
    if (!billing) return this.#record('invoicing-started', SYSTEM, 'external', { chargeId });
    try {
      await startChild(invoiceWorkflow, {
        workflowId: invoiceWorkflowId(billing.billingKey),
        args: [{ ...billing, policy: this.#input.policy.invoice ?? DEFAULT_INVOICE_POLICY }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    this.#record('invoicing-started', SYSTEM, billing.mode, { chargeId });
  }

  /** Today's late-cancel fee (a late cancellation or patient rebooking). */
  #chargeLateCancel() {
    return this.#charge('late-cancel', stockholmDateOf(this.#now()));
  }

  /** Records a deviation of this encounter, once per `key` (the dedupe key is encounter id + key). */
  #recordDeviation(key: string, category: Deviation['category'], severity: Deviation['severity'], description: string) {
    const dedupeKey = `${this.id}:${key}`;
    return this.#acts.recordDeviation({ encounterId: this.id, category, severity, description, dedupeKey });
  }

  /**
   * At the end of the video step (met, patient no-show or cancelled there): each booked interpreter who
   * never entered its waiting room is a deviation of its own kind, never a fee for the patient.
   */
  async #interpretersWhoNeverCame(): Promise<void> {
    if (!this.#roster) return;
    for (const p of interpreterNoShows(this.#roster.list)) {
      const description = `The interpreter booked for the meeting (${p.language}) never joined`;
      await this.#recordDeviation(`interpreter-no-show:${p.id}`, 'interpreter-no-show', 'medium', description);
      this.#record('interpreter-no-show', SYSTEM, 'deviation', {
        participantId: p.id,
        name: p.name,
        language: p.language,
      });
    }
  }

  /** The video-failure deviation: one per encounter, whichever failure comes first. */
  #recordVideoFailure(description: string) {
    return this.#recordDeviation('video-failure', 'video-failure', 'medium', description);
  }

  async #videoFailed(role: string, detail: string, source: string): Promise<void> {
    if (this.#videoFailureRecorded) return;
    this.#videoFailureRecorded = true;
    await this.#recordVideoFailure(`Video failed for the ${role}: ${detail}`);
    // On the timeline once the deviation exists, as with every other step that writes one.
    this.#record('video-problem', { id: source, role: 'system' }, detail, { role });
  }
}
