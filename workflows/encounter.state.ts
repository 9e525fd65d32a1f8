/** The encounter's in-workflow state and its guards; deterministic, no I/O. */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  Actor,
  BookedSlot,
  EncounterInput,
  EncounterState,
  EncounterStatus,
  ExitStatus,
  isTerminal,
  MainStep,
  Role,
  STEPS,
} from './encounter.messages';

/** Why an update is refused; the API maps the type to an HTTP status. */
export const reject = (type: 'WrongStep' | 'WrongActor' | 'Invalid' | 'Busy', message: string, field?: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: field ? [{ field }] : [] });

export class EncounterMachine {
  readonly state: EncounterState;
  eligibility: { eligible: boolean; reasons: string[] } | null = null;
  identityRefusal: string | null = null;
  cancelRequest: { actor: Actor; reason: string; late: boolean } | null = null;
  /** Bumped on every (re)booking so waits on the old start time restart. */
  slotVersion = 0;
  invitedSlotVersion = 0;
  patientEverJoined = false;
  /** Set while an update handler is mid-activity, so a second one is refused instead of racing. */
  busy: string | null = null;

  constructor(readonly input: EncounterInput) {
    this.state = {
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
      deadlines: {},
      charges: [],
      timeline: [],
    };
    this.record('requested', input.requestedBy, 'created', input.reason ? { reason: input.reason } : undefined);
  }

  now(): string {
    return new Date(Date.now()).toISOString();
  }

  record(event: string, actor: Actor, outcome?: string, detail?: Record<string, unknown>): void {
    this.state.timeline.push({ step: this.state.status, event, actor, at: this.now(), ...(outcome ? { outcome } : {}), ...(detail ? { detail } : {}) });
  }

  /** Moves forward to a main step; steps are never skipped and never go back. */
  moveTo(step: MainStep, waitingFor: string | null): void {
    const from = STEPS.indexOf(this.state.step);
    const to = STEPS.indexOf(step);
    if (to !== from + 1) throw new Error(`encounter cannot move from ${this.state.step} to ${step}`);
    if (step === 'closed' && !this.state.journalNoteId) throw new Error('an encounter cannot close without a journal note');
    this.state.step = step;
    this.state.status = step;
    this.state.waitingFor = waitingFor;
    this.record(step, SYSTEM, 'entered');
  }

  /** Ends the encounter on a side exit. */
  exit(status: ExitStatus, actor: Actor, detail?: Record<string, unknown>): void {
    this.state.status = status;
    this.state.waitingFor = null;
    this.record(status, actor, 'ended', detail);
  }

  get terminal(): boolean {
    return isTerminal(this.state.status);
  }

  setSlot(slot: Omit<BookedSlot, 'bookedAt'>): void {
    this.state.slot = { ...slot, bookedAt: this.now() };
    this.slotVersion++;
  }

  expectStep(...steps: EncounterStatus[]): void {
    if (!steps.includes(this.state.status)) {
      throw reject('WrongStep', `not allowed in step '${this.state.status}' (allowed in: ${steps.join(', ')})`);
    }
    if (this.busy) throw reject('Busy', `another request is in progress: ${this.busy}`);
  }

  expectRole(actor: Actor, ...roles: Role[]): void {
    if (!actor || typeof actor.id !== 'string' || !roles.includes(actor.role)) {
      throw reject('WrongActor', `only ${roles.join(' or ')} may do this`, 'actor');
    }
  }

  /** The booked clinician only. */
  expectBookedClinician(actor: Actor): void {
    this.expectRole(actor, 'clinician');
    if (this.state.slot && actor.id !== this.state.slot.clinicianId) throw reject('WrongActor', 'only the booked clinician may do this', 'actor');
  }

  /** A cancellation or patient rebooking this close to start is late, unless the slot was booked this close too. */
  isLate(actor: Actor): boolean {
    const slot = this.state.slot;
    if (!slot || (actor.role !== 'patient' && actor.role !== 'guardian')) return false;
    const window = this.input.policy.lateCancelSeconds * 1000;
    const start = Date.parse(slot.startsAt);
    return start - Date.now() < window && start - Date.parse(slot.bookedAt) >= window;
  }

  snapshot(): EncounterState {
    return JSON.parse(JSON.stringify(this.state)) as EncounterState;
  }
}

export const SYSTEM: Actor = { id: 'vardmote', role: 'system' };

export const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());
export const plusSeconds = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString();
