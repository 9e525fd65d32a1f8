/**
 * The encounter's participants beyond patient and clinician (issue 26), inside the workflow: the
 * domain rules of domain/participants.ts applied to the state, each change on the timeline with its
 * actor and time. Deterministic: ids from the workflow's uuid4, times from the workflow clock.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import * as P from '../domain/participants';
import type { Actor } from './encounter.messages';

export interface RosterHooks {
  now(): string;
  newId(): string;
  record(event: string, actor: Actor, outcome?: string, detail?: Record<string, unknown>): void;
}

/** A domain refusal as the update's failure (the API maps the type to 4xx, naming the field). */
const failure = (r: P.Refusal) =>
  ApplicationFailure.create({
    type: r.refused,
    message: r.message,
    nonRetryable: true,
    details: r.field ? [{ field: r.field }] : [],
  });
const check = (r: P.Refusal | null): void => {
  if (r) throw failure(r);
};

export class ParticipantRoster {
  readonly #hooks: RosterHooks;
  /** The state's own array (`participants` in the encounter state). */
  readonly list: P.Participant[];

  constructor(list: P.Participant[], hooks: RosterHooks) {
    this.list = list;
    this.#hooks = hooks;
  }

  #index(participantId: unknown): number {
    const i = typeof participantId === 'string' ? this.list.findIndex((p) => p.id === participantId) : -1;
    if (i < 0) throw failure({ refused: 'Invalid', field: 'participantId', message: 'no such participant' });
    return i;
  }

  get(participantId: string): P.Participant {
    return this.list[this.#index(participantId)];
  }

  #set(p: P.Participant): void {
    this.list[this.#index(p.id)] = p;
  }

  /** Who the timeline names: id, kind and name (never the personnummer or contact details). */
  #detail = (p: P.Participant, extra: Record<string, unknown> = {}) => ({
    participantId: p.id,
    kind: p.kind,
    name: p.name,
    ...(p.language ? { language: p.language } : {}),
    ...(p.unit ? { unit: p.unit.name } : {}),
    ...extra,
  });

  assertInvite(invitation: P.Invitation, by: P.InvitedBy): void {
    check(P.checkInvitation(invitation, by, this.list));
  }

  invite(invitation: P.Invitation, by: P.InvitedBy, actor: Actor): P.Participant {
    const p = P.invite(invitation, this.#hooks.newId(), by, this.#hooks.now());
    this.list.push(p);
    this.#hooks.record('participant-invited', actor, p.kind, this.#detail(p, { identification: p.identification }));
    return p;
  }

  assertAccept(participantId: string): void {
    check(P.checkAccept(this.get(participantId)));
  }

  accept(participantId: string, actor: Actor): void {
    const p = this.get(participantId);
    this.#set({ ...p, status: p.status === 'invited' ? 'accepted' : p.status, acceptedAt: this.#hooks.now() });
    this.#hooks.record('participant-accepted', actor, p.kind, this.#detail(p));
  }

  assertAdmit(participantId: string, maxInRoom: number | undefined): void {
    check(P.checkAdmit(this.get(participantId), this.list, P.maxInRoom(maxInRoom)));
  }

  admit(participantId: string, actor: Actor): void {
    const p = P.admitted(this.get(participantId), this.#hooks.now());
    this.#set(p);
    this.#hooks.record('participant-admitted', actor, p.kind, this.#detail(p, { inRoom: P.inRoom(this.list) }));
  }

  assertRemove(participantId: string): void {
    check(P.checkRemove(this.get(participantId)));
  }

  remove(participantId: string, actor: Actor, reason?: string): void {
    const p = P.removed(this.get(participantId), this.#hooks.now());
    this.#set(p);
    this.#hooks.record('participant-removed', actor, p.kind, this.#detail(p, reason ? { reason } : {}));
  }

  /** Presence from the participant's page or Janus; repeated, unknown or removed ones change nothing. */
  joined(participantId: string, source: string): void {
    const before = this.list.find((p) => p.id === participantId);
    if (!before) return;
    const after = P.joined(before, this.#hooks.now());
    if (after === before) return;
    this.#set(after);
    this.#hooks.record('participant-joined', { id: source, role: 'system' }, 'waiting-room', this.#detail(after));
  }

  left(participantId: string, source: string): void {
    const before = this.list.find((p) => p.id === participantId);
    if (!before) return;
    const after = P.left(before, this.#hooks.now());
    if (after === before) return;
    this.#set(after);
    this.#hooks.record('participant-left', { id: source, role: 'system' }, before.status, this.#detail(after));
  }

  /** The meeting ended: everyone still waiting or in the room has left with it. */
  sessionEnded(): void {
    const at = this.#hooks.now();
    for (const p of [...this.list]) this.#set(P.left(p, at));
  }
}
