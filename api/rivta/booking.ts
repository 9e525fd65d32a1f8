/**
 * crm:scheduling 1.1 booking contracts (issue 24): MakeBooking starts an encounter and books it with
 * the same service function and `bookUpdate` the back office uses (no second booking path); the
 * bookingId is the encounter id. Business refusals are resultCode ERROR with a Swedish resultText for
 * the patient (RULES.md §7); anything else is a fault.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { writeAccessLog } from '../../db/access-log';
import { findCareUnitByHsaId, findClinician } from '../../db/care';
import { getEncounterRow, listEncounters, type EncounterRow } from '../../db/encounters';
import type { CareUnit } from '../../db/entities';
import { actablePatients, findPatientIdByPersonnummer } from '../../db/people';
import { findSlotAt, findSlotWithUnit, slotIsFree } from '../../db/slots';
import { stockholmDateOf } from '../../domain/dates';
import { parsePersonnummer } from '../../domain/personnummer';
import { fromRivtaTime, toRivtaTime } from '../../domain/rivta-time';
import * as m from '../../workflows/encounter.messages';
import { createEncounter } from '../encounters/service';
import {
  CARE_TYPES,
  VIDEO_TIME_TYPE,
  type ContractAnswer,
  type ContractContext,
  type ContractHandler,
} from './scheduling';
import { childElement, childText, opt, SoapFault, type XmlNode } from './xml';

/** What the patient reads (RULES.md §7: shown as is). */
export const TEXTS_SV = {
  taken: 'Tiden har blivit upptagen av en annan patient. Välj en annan tid.',
  gone: 'Tiden finns inte längre att boka. Välj en annan tid.',
  notForYou: 'Du kan inte boka tid för den här personen.',
  unknownPatient: 'Vi hittar inte personnumret hos vårdenheten. Kontakta mottagningen.',
  agentNeedsPatient: 'Ange vilken patient tiden ska bokas för.',
  alreadyBooked: 'Bokningen har redan en tid. Boka om den i stället.',
  booked:
    'Tiden är bokad som ett digitalt vårdmöte. Logga in en stund före tiden; du väntar i ett väntrum tills vårdpersonalen släpper in dig.',
  alreadyEnded: 'Bokningen är redan avbokad eller avslutad.',
  lateCancel:
    'Avbokningen skedde mindre än 24 timmar före besöket. Enligt regionens regler tas avgiften för uteblivet besök ut.',
  cancelStarted: 'Mötet har redan börjat och kan inte avbokas.',
  notMovableYet:
    'Tiden kan flyttas först när vårdgivaren har bedömt ditt ärende och du har legitimerat dig. Du kan avboka och boka en ny tid.',
  lateMove:
    'Ombokningen skedde mindre än 24 timmar före besöket. Enligt regionens regler tas avgiften för uteblivet besök ut.',
} as const;

const result = (code: 'OK' | 'ERROR' | 'INFO', text?: string, bookingId?: string): Array<XmlNode | undefined> => [
  opt('r:bookingId', bookingId),
  ['r:resultCode', code],
  opt('r:resultText', text),
];

/**
 * The actor as the encounter workflow sees it: a subject of care who may act for this patient (RULES.md
 * §4), or an agent (staff by HSA-id, e.g. a 1177 nurse) acting for the patient they name.
 */
async function actingFor(c: ContractContext, patientPnr: string): Promise<m.Actor | null> {
  const patientId = await findPatientIdByPersonnummer(c.em, patientPnr);
  if (c.actor.type === 'subject_of_care_agent') return patientId ? { id: c.actor.id, role: 'agent' } : null;
  const may = await actablePatients(c.em, c.actor.id, stockholmDateOf(new Date()));
  const as = may.find((p) => p.patientId === patientId);
  return as ? { id: c.actor.id, role: as.actingAs === 'guardian' ? 'guardian' : 'patient' } : null;
}

const normalized = (pnr: string | undefined): string | null => {
  try {
    return pnr ? parsePersonnummer(pnr).normalized : null;
  } catch {
    return null;
  }
};

/**
 * MakeBooking on a free time: a new encounter with the time held at once (patched('early-booking')),
 * or, with the bookingId of an open kallelse, that kallelse booked (it becomes the patient's booking).
 */
export const makeBooking: ContractHandler = async (c, body) => {
  const ts = childElement(body, 'requestedTimeslot')!;
  const agent = c.actor.type === 'subject_of_care_agent';
  const asked = normalized(childText(ts, 'subject_of_care'));
  if (agent && !asked) return { children: result('ERROR', TEXTS_SV.agentNeedsPatient) };
  const pnr = asked ?? c.actor.id;
  const patientId = await findPatientIdByPersonnummer(c.em, pnr);
  if (!patientId) return { children: result('ERROR', TEXTS_SV.unknownPatient) };
  const actor = await actingFor(c, pnr);
  if (!actor) return { children: result('ERROR', TEXTS_SV.notForYou), patientIds: [patientId] };

  const unit = await findCareUnitByHsaId(c.em, childText(ts, 'healthcare_facility')!);
  const resourceId = childText(ts, 'resourceID');
  const start = childText(ts, 'startTimeInclusive');
  const performer = childText(ts, 'performer');
  const slot =
    resourceId && /^[0-9a-f-]{36}$/i.test(resourceId)
      ? await findSlotWithUnit(c.em, resourceId)
      : start && performer
        ? await findSlotAt(c.em, performer, fromRivtaTime(start))
        : null;
  if (!unit || !slot || slot.careUnitId !== unit.id || Date.parse(slot.startsAt) <= Date.now())
    return { children: result('ERROR', TEXTS_SV.gone), patientIds: [patientId] };
  if (!(await slotIsFree(c.em, slot.id))) return { children: result('ERROR', TEXTS_SV.taken), patientIds: [patientId] };
  if (childText(ts, 'bookingId')) return bookInvitation(c, ts, pnr, slot.id);

  const reason = childText(ts, 'reason') ?? childText(body, 'notification');
  const { id, workflowId } = await createEncounter(
    c.em,
    c.temporal,
    c.taskQueue,
    actor,
    { patientId, careUnitId: unit.id, ...(reason ? { reason: reason.slice(0, 500) } : {}) },
    (tx, encounterId, pid) =>
      writeAccessLog(
        tx,
        { actor: actor.id, role: `rivta:${c.actor.type}`, action: 'create', target: `encounter:${encounterId}` },
        [pid],
        unit.id,
      ),
  );
  const handle = c.temporal.workflow.getHandle(workflowId);
  try {
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor, slotId: slot.id }] });
  } catch (err) {
    // Not held (taken between our look and the booking, or refused): the encounter just started ends at once.
    // The cancel's own failure must not hide why the booking failed.
    await handle.executeUpdate(m.cancelUpdate, { args: [{ actor, reason: 'Tiden kunde inte bokas' }] }).catch(() => {});
    if (failureType(err) === 'SlotTaken') return { children: result('ERROR', TEXTS_SV.taken), patientIds: [patientId] };
    throw err;
  }
  return { children: result('INFO', TEXTS_SV.booked, id), patientIds: [patientId] };
};

/** The workflow's refusal type of a failed update, if it is one. */
const failureType = (err: unknown): string | undefined =>
  err instanceof WorkflowUpdateFailedError
    ? ((err.cause as ApplicationFailure | undefined)?.type ?? undefined)
    : undefined;

/** MakeBooking of an open kallelse: the unit's encounter is booked by the patient's side and becomes their booking. */
async function bookInvitation(c: ContractContext, ts: Element, pnr: string, slotId: string): Promise<ContractAnswer> {
  const row = await bookingFor(c, ts);
  // The kallelse is the named patient's, and the actor is whoever may act for its patient.
  const actor = row.personnummer === pnr ? await actingFor(c, row.personnummer) : null;
  if (!actor) return { children: result('ERROR', TEXTS_SV.notForYou), patientIds: [row.patientId] };
  const handle = c.temporal.workflow.getHandle(row.workflowId);
  const before = await handle.query(m.stateQuery);
  const refuse = (text: string) => ({ children: result('ERROR', text), patientIds: [row.patientId] });
  if (m.isTerminal(before.status)) return refuse(TEXTS_SV.alreadyEnded);
  if (before.slot) return refuse(TEXTS_SV.alreadyBooked);
  try {
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor, slotId }] });
  } catch (err) {
    if (failureType(err) === 'SlotTaken') return refuse(TEXTS_SV.taken);
    if (failureType(err) === 'WrongStep') return refuse(TEXTS_SV.alreadyBooked);
    throw err;
  }
  return { children: result('INFO', TEXTS_SV.booked, row.id), patientIds: [row.patientId] };
}

/**
 * The booking named by the request, when the actor may see it: the subject of care or their guardian
 * (RULES.md §4). Anything else reads as unknown, so a bookingId tells nothing of whose it is.
 */
async function bookingFor(c: ContractContext, body: Element): Promise<EncounterRow> {
  const id = childText(body, 'bookingId') ?? '';
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await getEncounterRow(c.em, id) : null;
  const unit = await findCareUnitByHsaId(c.em, childText(body, 'healthcare_facility') ?? '');
  if (!row || !unit || row.careUnitId !== unit.id || !(await actingFor(c, row.personnummer)))
    throw new SoapFault('Client', `bookingId: no booking ${id} at this healthcare facility for this actor`);
  return row;
}

/** A booking as the contracts' TimeslotType (the workflow's state is the source of truth). */
async function timeslotOf(
  c: ContractContext,
  row: EncounterRow,
  unit: CareUnit,
  state: m.EncounterState,
): Promise<XmlNode> {
  const clinician = state.slot ? await findClinician(c.em, state.slot.clinicianId) : null;
  const open = !m.isTerminal(state.status) && !state.sessionStartedAt;
  const kallelse = state.invitation && !state.invitation.acceptedAt ? state.invitation : null;
  return [
    'r:timeslotDetail',
    [
      opt('c:startTimeInclusive', state.slot && toRivtaTime(state.slot.startsAt)),
      opt('c:endTimeExclusive', state.slot && toRivtaTime(state.slot.endsAt)),
      ['c:healthcare_facility', unit.hsaId],
      opt('c:performer', clinician?.hsaId),
      ['c:bookingId', row.id],
      ['c:subject_of_care', row.personnummer.replace('-', '')],
      opt('c:purpose', kallelse?.purpose),
      opt('c:reason', state.timeline[0]?.detail?.reason as string | undefined),
      ['c:healthcare_facility_name', unit.name],
      opt('c:performerName', clinician && `${clinician.givenName} ${clinician.familyName}`),
      opt('c:resourceID', state.slot?.slotId),
      ['c:timeTypeName', VIDEO_TIME_TYPE.name],
      ['c:timeTypeID', VIDEO_TIME_TYPE.id],
      opt('c:careTypeName', clinician && CARE_TYPES[clinician.profession]),
      opt('c:careTypeID', clinician?.profession),
      ['c:cancel_booking_allowed', open],
      ['c:rebooking_allowed', open && state.slot !== null && state.status !== 'video'],
      ['c:message_allowed', false],
      ['e:isInvitation', kallelse !== null],
    ],
  ];
}

export const getBookingDetails: ContractHandler = async (c, body) => {
  const row = await bookingFor(c, body);
  const state = await c.temporal.workflow.getHandle(row.workflowId).query(m.stateQuery);
  const unit = (await findCareUnitByHsaId(c.em, childText(body, 'healthcare_facility')!))!;
  return { patientIds: [row.patientId], children: [await timeslotOf(c, row, unit, state)] };
};

/**
 * GetSubjectOfCareSchedule: the patient's booked, not yet ended times at this unit. Only for the
 * patient or a guardian who may act for them (RULES.md §4); anyone else sees an empty schedule.
 */
export const getSubjectOfCareSchedule: ContractHandler = async (c, body) => {
  const pnr = normalized(childText(body, 'subject_of_care'));
  const unit = await findCareUnitByHsaId(c.em, childText(body, 'healthcare_facility') ?? '');
  const patientId = pnr ? await findPatientIdByPersonnummer(c.em, pnr) : null;
  if (!pnr || !unit || !patientId || !(await actingFor(c, pnr))) return { children: [] };
  const { items } = await listEncounters(c.em, {
    patientIds: [patientId],
    careUnitIds: [unit.id],
    page: 1,
    pageSize: 100,
    sort: 'oldest',
  });
  const children: XmlNode[] = [];
  for (const row of items.filter((r) => !m.isTerminal(r.status as m.EncounterStatus) && r.scheduledStart)) {
    const state = await c.temporal.workflow.getHandle(row.workflowId).query(m.stateQuery);
    if (state.slot && !m.isTerminal(state.status)) children.push(await timeslotOf(c, row, unit, state));
  }
  return { children, patientIds: [patientId] };
};

/**
 * UpdateBooking moves a booking with the back office's `rescheduleUpdate` (late rebooking charged as the
 * workflow decides), also a time held before eligibility and identity are done (patched('invitations'));
 * moving a timed kallelse makes it the patient's booking.
 */
export const updateBooking: ContractHandler = async (c, body) => {
  const ts = childElement(body, 'requestedTimeslot')!;
  const id = childText(ts, 'bookingId');
  if (!id) throw new SoapFault('Client', 'requestedTimeslot/bookingId: required to move a booking');
  const row = await bookingFor(c, ts);
  const actor = (await actingFor(c, row.personnummer))!;
  const handle = c.temporal.workflow.getHandle(row.workflowId);
  const before = await handle.query(m.stateQuery);
  const refuse = (text: string) => ({ children: result('ERROR', text), patientIds: [row.patientId] });
  if (m.isTerminal(before.status)) return refuse(TEXTS_SV.alreadyEnded);
  if (!before.slot || before.status === 'video') return refuse(TEXTS_SV.notMovableYet);
  const start = childText(ts, 'startTimeInclusive');
  const performer = childText(ts, 'performer');
  const slot = start && performer ? await findSlotAt(c.em, performer, fromRivtaTime(start)) : null;
  if (!slot || slot.careUnitId !== row.careUnitId || Date.parse(slot.startsAt) <= Date.now())
    return refuse(TEXTS_SV.gone);
  if (slot.id === before.slot?.slotId) return { children: result('OK'), patientIds: [row.patientId] };
  try {
    const state = await handle.executeUpdate(m.rescheduleUpdate, { args: [{ actor, slotId: slot.id }] });
    const late = state.charges.some((ch) => ch.kind === 'late-cancel');
    return {
      children: late ? result('INFO', TEXTS_SV.lateMove) : result('OK'),
      patientIds: [row.patientId],
    };
  } catch (err) {
    if (failureType(err) === 'SlotTaken') return refuse(TEXTS_SV.taken);
    // An encounter from before early moves holds its time unmovable until it is booked.
    if (failureType(err) === 'WrongStep') return refuse(TEXTS_SV.notMovableYet);
    // …and takes no agent (patched('invitations')).
    if (failureType(err) === 'WrongActor') return refuse(TEXTS_SV.notForYou);
    throw err;
  }
};

/** CancelBooking: the same `cancelUpdate` as the back office; a late cancellation is done and says what it costs. */
export const cancelBooking: ContractHandler = async (c, body) => {
  const row = await bookingFor(c, body);
  const actor = (await actingFor(c, row.personnummer))!;
  const handle = c.temporal.workflow.getHandle(row.workflowId);
  const before = await handle.query(m.stateQuery);
  if (m.isTerminal(before.status))
    return { children: result('ERROR', TEXTS_SV.alreadyEnded), patientIds: [row.patientId] };
  if (before.sessionStartedAt)
    return { children: result('ERROR', TEXTS_SV.cancelStarted), patientIds: [row.patientId] };
  const reason = childText(body, 'message') || 'Avbokad via 1177';
  let state: m.EncounterState;
  try {
    state = await handle.executeUpdate(m.cancelUpdate, { args: [{ actor, reason }] });
  } catch (err) {
    // An encounter from before patched('invitations') takes no agent.
    if (failureType(err) === 'WrongActor')
      return { children: result('ERROR', TEXTS_SV.notForYou), patientIds: [row.patientId] };
    throw err;
  }
  const late = state.charges.some((ch) => ch.kind === 'late-cancel');
  return {
    children: [['r:resultCode', late ? 'INFO' : 'OK'], opt('r:resultText', late ? TEXTS_SV.lateCancel : undefined)],
    patientIds: [row.patientId],
  };
};
