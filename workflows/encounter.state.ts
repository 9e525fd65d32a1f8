/** The encounter's in-workflow state, its guards and the side effects each step shares; deterministic, no I/O. */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { invoiceWorkflow } from './invoice';
import { DEFAULT_INVOICE_POLICY, invoiceWorkflowId } from './invoice.messages';
import type { EncounterActivities } from '../activities/encounter';
import type { ChargeKind } from '../activities/encounter/fees';
import { stockholmDateOf } from '../domain/dates';
import { ACTIVITY_FAILURE_TYPES, FailureType } from '../domain/failures';
import type { WaitingFor } from '../domain/waiting-for';
import {
  Actor,
  BookedSlot,
  EncounterInput,
  EncounterResult,
  EncounterState,
  EncounterStatus,
  ExitStatus,
  isTerminal,
  MainStep,
  Role,
  STEPS,
} from './encounter.messages';

/** Why an update is refused; the API maps the type to an HTTP status (domain/failures.ts). */
export const reject = (type: Exclude<FailureType, 'SlotTaken' | 'NotFound'>, message: string, field?: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: field ? [{ field }] : [] });

export const SYSTEM: Actor = { id: 'vardmote', role: 'system' };
export const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());
export const plusSeconds = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString();

type Deviation = Parameters<EncounterActivities['recordDeviation']>[0];

const activitiesFor = (input: EncounterInput) =>
  proxyActivities<EncounterActivities>({
    startToCloseTimeout: `${input.policy.activityTimeoutSeconds}s`,
    retry: { initialInterval: '500ms', maximumInterval: '20s', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
  });

export class EncounterMachine {
  readonly state: EncounterState;
  readonly acts: EncounterActivities;
  eligibility: { eligible: boolean; reasons: string[] } | null = null;
  identityRefusal: string | null = null;
  cancelRequest: { actor: Actor; reason: string; late: boolean } | null = null;
  /** Bumped on every (re)booking so waits on the old start time restart. */
  slotVersion = 0;
  invitedSlotVersion = 0;
  patientEverJoined = false;
  /** Set while an update handler is mid-activity, so a second one is refused instead of racing. */
  busy: string | null = null;
  /** One video-failure deviation per encounter, whichever signal comes first. */
  videoFailureRecorded = false;
  /** Janus says it no longer receives this participant's video. */
  readonly mediaDown = { patient: false, clinician: false };

  constructor(readonly input: EncounterInput) {
    this.acts = activitiesFor(input);
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

  get id(): string {
    return this.input.encounterId;
  }

  get policy() {
    return this.input.policy;
  }

  now(): string {
    return new Date(Date.now()).toISOString();
  }

  record(event: string, actor: Actor, outcome?: string, detail?: Record<string, unknown>): void {
    this.state.timeline.push({
      step: this.state.status,
      event,
      actor,
      at: this.now(),
      ...(outcome ? { outcome } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  /** Moves forward to a main step; steps are never skipped and never go back. */
  moveTo(step: MainStep, waitingFor: WaitingFor | null): void {
    const from = STEPS.indexOf(this.state.step);
    const to = STEPS.indexOf(step);
    if (to !== from + 1) throw new Error(`encounter cannot move from ${this.state.step} to ${step}`);
    if (step === 'closed' && !this.state.journalNoteId)
      throw new Error('an encounter cannot close without a journal note');
    this.state.step = step;
    this.state.status = step;
    this.state.waitingFor = waitingFor;
    this.record(step, SYSTEM, 'entered');
  }

  /** Moves to the next step and mirrors it into the encounter table. */
  async enter(step: MainStep, waitingFor: WaitingFor | null): Promise<void> {
    this.moveTo(step, waitingFor);
    await this.project();
  }

  /** Mirrors the state into the encounter table; the history length orders the writes. */
  project(): Promise<void> {
    const { patientId, careUnitId } = this.input;
    return this.acts.projectEncounter({
      state: this.snapshot(),
      version: workflowInfo().historyLength,
      patientId,
      careUnitId,
    });
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

  /** Decides and records a charge of `kind` for the visit date, keeps it in the state, and bills it. */
  async charge(kind: ChargeKind, visitDate: string) {
    const fee = await this.acts.recordFee({ encounterId: this.id, kind, visitDate, modality: this.state.modality });
    this.state.charges.push({ kind, ...fee });
    // Encounters recorded before invoicing existed replay without it.
    if (patched('invoicing') && fee.chargeOre > 0) await this.bill(fee.chargeId);
    return fee;
  }

  /**
   * Starts the charge's invoice workflow, which outlives the encounter. A monthly invoice already
   * collecting this month's charges takes this one too: it reads them from the database when it issues.
   */
  private async bill(chargeId: string): Promise<void> {
    const billing = await this.acts.billingOf({ chargeId });
    if (!billing) return this.record('invoicing-started', SYSTEM, 'external', { chargeId });
    try {
      await startChild(invoiceWorkflow, {
        workflowId: invoiceWorkflowId(billing.billingKey),
        args: [{ ...billing, policy: this.input.policy.invoice ?? DEFAULT_INVOICE_POLICY }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    this.record('invoicing-started', SYSTEM, billing.mode, { chargeId });
  }

  /** Today's late-cancel fee (a late cancellation or patient rebooking). */
  chargeLateCancel() {
    return this.charge('late-cancel', stockholmDateOf(this.now()));
  }

  /** Records a deviation of this encounter, once per `key` (the dedupe key is encounter id + key). */
  recordDeviation(key: string, category: Deviation['category'], severity: Deviation['severity'], description: string) {
    const dedupeKey = `${this.id}:${key}`;
    return this.acts.recordDeviation({ encounterId: this.id, category, severity, description, dedupeKey });
  }

  /** The video-failure deviation: one per encounter, whichever failure comes first. */
  recordVideoFailure(description: string) {
    return this.recordDeviation('video-failure', 'video-failure', 'medium', description);
  }

  /** Runs an update's side effect with the busy flag set, so concurrent updates are refused. */
  async exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.busy = what;
    try {
      return await fn();
    } catch (err) {
      // Surface the activity's business failure (e.g. SlotTaken) as the update's own error.
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) throw err.cause;
      throw err;
    } finally {
      this.busy = null;
    }
  }

  /** Waits for `pred` or a cancellation; true when `pred` held. */
  async until(pred: () => boolean, timeoutMs?: number): Promise<boolean> {
    const done = () => pred() || this.cancelRequest !== null;
    const ok = timeoutMs === undefined ? (await condition(done), true) : await condition(done, timeoutMs);
    return ok && this.cancelRequest === null;
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
    if (this.state.slot && actor.id !== this.state.slot.clinicianId)
      throw reject('WrongActor', 'only the booked clinician may do this', 'actor');
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

  result(): EncounterResult {
    return { status: this.state.status, chargeOre: this.state.charges.reduce((sum, c) => sum + c.chargeOre, 0) };
  }
}
