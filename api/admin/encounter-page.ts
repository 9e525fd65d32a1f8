/** One encounter's back-office page: its live state in Swedish, and exactly the actions its step allows. */
import type { Request, Response } from 'express';
import type { Client } from '@temporalio/client';
import { Grantee, holdsIn } from '../http/access';
import type { EncounterScope } from '../http/guards';
import { logAccess, onEncounter } from '../http/audit';
import {
  CHARGE_LABELS,
  EVENT_LABELS,
  FEE_REASON_LABELS,
  OUTCOME_LABELS,
  ROLE_LABELS,
  SOURCE_LABELS,
  statusLabel,
  sv,
} from '../../domain/labels';
import { waitingForLabel } from '../../domain/waiting-for';
import { listClinicians } from '../../db/care';
import { listSlots } from '../../db/slots';
import { liveState } from '../encounters/service';
import { EncounterState, EncounterStatus, STATUS_LABELS_SV, STEPS } from '../../workflows/encounter.messages';
import { stockholmTime } from '../../domain/format';
import { titlePrefix, waitingAlert } from '../../domain/waiting-room';

/** Who reads encounters in the back office, each within their care units. */
export const ENCOUNTER_READERS: Grantee[] = ['care_admin', 'clinician', 'quality_lead'];

export interface PageExtras {
  links?: { patientUrl: string; clinicianUrl: string; expiresAt: Date };
  /** A refusal to show above the actions, in Swedish. */
  error?: string;
  notice?: string;
}

const CANCELLABLE: EncounterStatus[] = ['requested', 'eligibility', 'identity', 'booking', 'pre-meeting', 'video'];

export function encounterPage(temporal: Client) {
  return async (req: Request, res: Response, { row, principal }: EncounterScope, extras: PageExtras = {}) => {
    await logAccess(req, onEncounter(row, 'read'));
    res.set('cache-control', 'no-store');
    const state = await liveState(temporal, row.workflowId);
    const status = (state?.status ?? row.status) as EncounterStatus;
    // A care administrator of this encounter's unit (a grant in another unit does not count here).
    const admin = holdsIn(principal, 'care_admin', row.careUnitId);
    // A kallelse takes its time (or a new one) while eligibility and identity still run.
    const beforeBooked = (['eligibility', 'identity', 'booking'] as EncounterStatus[]).includes(status);
    const kallelse = state?.invitation ?? null;
    const book = status === 'booking' || (beforeBooked && kallelse !== null && !state?.slot);
    const reschedule = status === 'pre-meeting' || (beforeBooked && kallelse !== null && !!state?.slot);
    const canBook = admin && state !== null && (book || reschedule);
    const slots = canBook ? await freeSlots(req, row.careUnitId) : [];
    // Someone is waiting (issue 27): from the state this page reads anyway.
    const waiting = state ? waitingAlert(state) : null;
    res.render('encounters/show', {
      title: `Vårdmöte ${row.patientName}`,
      titlePrefix: titlePrefix(waiting ? 1 : 0),
      waiting: waiting ? [{ id: row.id, ...waiting }] : [],
      row,
      state,
      statusLabel: STATUS_LABELS_SV[status],
      steps: STEPS.map((s) => ({
        label: STATUS_LABELS_SV[s],
        done: STEPS.indexOf(s) < STEPS.indexOf(state?.step ?? 'requested'),
        current: s === state?.step,
      })),
      waitingFor: waitingForLabel(state?.waitingFor),
      timeline: (state?.timeline ?? []).map((t) => ({
        at: t.at,
        step: statusLabel(t.step),
        event: sv(EVENT_LABELS, t.event),
        who: t.actor.name ?? (t.actor.role === 'system' ? 'systemet' : t.actor.id),
        role: sv(ROLE_LABELS, t.actor.role),
        outcome: [sv(OUTCOME_LABELS, t.outcome), sourceOf(t.detail)].filter(Boolean).join(' · '),
      })),
      charges: (state?.charges ?? []).map((c) => ({
        ...c,
        label: sv(CHARGE_LABELS, c.kind),
        // A no-show or late-cancel fee's reason is its kind, which only the fee labels name.
        reason: OUTCOME_LABELS[c.reason] ?? sv(FEE_REASON_LABELS, c.reason),
      })),
      journal: journalLabel(state?.journal),
      invitation: kallelse && {
        purpose: kallelse.purpose,
        kind: state?.slot ? 'Kallelse med tid' : 'Öppen kallelse, patienten väljer tid',
        acceptedAt: kallelse.acceptedAt,
      },
      actions: {
        book: book && canBook,
        reschedule: reschedule && canBook,
        cancel: admin && CANCELLABLE.includes(status),
        links: state !== null && ['pre-meeting', 'video'].includes(status),
        noShowReason: admin && status === 'no-show',
        phone:
          status === 'video' &&
          state?.modality === 'video' &&
          req.principal!.kind === 'staff' &&
          req.principal!.clinicianId === row.clinicianId,
      },
      slots,
      ...extras,
    });
  };
}

/** Where the note stands in the journal system, in Swedish (with who entered it by hand). */
function journalLabel(j: EncounterState['journal']): string | null {
  if (!j) return null;
  switch (j.status) {
    case 'sending':
      return 'Skickas till journalsystemet';
    case 'delivered':
      return `Journalförd ${stockholmTime(j.at)} (journalsystemets id ${j.receipt?.documentReference ?? ''})`;
    case 'manual-needed':
      return j.reason === 'not-configured'
        ? 'Inget journalsystem anslutet: vårdgivaren för in anteckningen för hand'
        : 'Journalsystemet har inte tagit emot anteckningen: den ska föras in för hand';
    case 'entered-by-hand':
      return `Införd för hand av ${j.confirmedBy?.name ?? j.confirmedBy?.id ?? ''} ${stockholmTime(j.at)}`;
  }
}

/** The unit's free slots in the coming two weeks, with the clinician's name, for the booking form. */
async function freeSlots(req: Request, careUnitId: string) {
  const now = Date.now();
  const [slots, clinicians] = [
    await listSlots(req.em, {
      careUnitId,
      from: new Date(now + 60_000).toISOString(),
      to: new Date(now + 14 * 86_400_000).toISOString(),
      freeOnly: true,
    }),
    await listClinicians(req.em),
  ];
  const names = new Map(clinicians.map((c) => [c.id, `${c.givenName} ${c.familyName}, ${c.title}`]));
  return slots
    .slice(0, 200)
    .map((s) => ({ id: s.id, startsAt: s.startsAt, clinician: names.get(s.clinicianId) ?? '' }));
}

/** A patient's action from a reminder or Mina sidor says so on the timeline. */
const sourceOf = (detail: Record<string, unknown> | undefined): string | null =>
  typeof detail?.source === 'string' ? sv(SOURCE_LABELS, detail.source) : null;
