/**
 * crm:scheduling 1.1 search contracts onto our model (issue 24): the care unit's HSA-id is the
 * healthcare facility, clinicians are performers by HSA-id, free slots are timeslots, the one time
 * type is a video visit and the care types are the unit's professions. None of them depends on the
 * patient, so an agent's answer is the same whoever it acts for (RULES.md §7).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { cliniciansOfUnit, findCareUnitByHsaId, listCareUnits } from '../../db/care';
import type { Clinician, Profession } from '../../db/entities';
import { listSlots } from '../../db/slots';
import { rivtaDayRange, toRivtaDate, toRivtaTime } from '../../domain/rivta-time';
import { childText, childTexts, opt, type XmlNode } from './xml';

/** The one time type: every slot is a video meeting (RULES.md §7, Annex 2: the booking carries a video time type). */
export const VIDEO_TIME_TYPE = { id: 'video', name: 'Digitalt vårdmöte (video)' } as const;

/** Care types are professions, named as 1177 shows them to the patient. */
export const CARE_TYPES: Record<Profession, string> = {
  doctor: 'Läkarbesök',
  nurse: 'Sjuksköterskebesök',
  psychologist: 'Psykologbesök',
  physiotherapist: 'Fysioterapeutbesök',
  other: 'Vårdbesök',
};

/** One contract's answer: the response element's children, and the patients it touched (for the access log). */
export interface ContractAnswer {
  children: Array<XmlNode | undefined>;
  patientIds?: string[];
}

/** What a contract works with: a forked EntityManager, the Temporal client and the checked Actor header. */
export interface ContractContext {
  em: EntityManager;
  temporal: Client;
  taskQueue: string;
  actor: { id: string; type: 'subject_of_care' | 'subject_of_care_agent' };
}

export type ContractHandler = (c: ContractContext, body: Element) => Promise<ContractAnswer>;

/** GetAllHealthcareFacilities: the region's units this unit offers for booking (every unit we run). */
export const getAllHealthcareFacilities: ContractHandler = async ({ em }) => {
  const units = await listCareUnits(em);
  return {
    children: units.map((u) => [
      'r:healthcareFacilityInfos',
      [
        ['c:healthcare_facility', u.hsaId],
        ['c:healthcare_facility_name', u.name],
      ],
    ]),
  };
};

/** The unit named by the request's healthcare_facility and its clinicians, filtered by care types asked for. */
async function performersOf(em: EntityManager, body: Element, careTypeField: string, performerField?: string) {
  const unit = await findCareUnitByHsaId(em, childText(body, 'healthcare_facility') ?? '');
  if (!unit) return { unit: null, clinicians: [] as Clinician[] };
  const careTypes = childTexts(body, careTypeField);
  const performers = performerField ? childTexts(body, performerField).map((p) => p.toLowerCase()) : [];
  const clinicians = (await cliniciansOfUnit(em, unit.id)).filter(
    (c) =>
      (!careTypes.length || careTypes.includes(c.profession)) &&
      (!performers.length || performers.includes(c.hsaId.toLowerCase())),
  );
  return { unit, clinicians };
}

/** Whether the time types asked for include ours (none asked: all). */
const offersTimeType = (asked: string[]) => !asked.length || asked.includes(VIDEO_TIME_TYPE.id);

export const getAllPerformers: ContractHandler = async ({ em }, body) => {
  const { clinicians } = await performersOf(em, body, 'careTypeIDs');
  if (!offersTimeType(childTexts(body, 'timeTypeIDs'))) return { children: [] };
  return {
    children: clinicians.map((c) => [
      'r:performerInfos',
      [
        // "perfomer" is the published schema's spelling.
        ['c:perfomer', c.hsaId],
        ['c:firstName', c.givenName],
        ['c:lastName', c.familyName],
        opt('c:title', c.title),
      ],
    ]),
  };
};

export const getAllTimeTypes: ContractHandler = async ({ em }, body) => {
  const unit = await findCareUnitByHsaId(em, childText(body, 'healthcare_facility') ?? '');
  if (!unit) return { children: [] };
  return {
    children: [
      [
        'r:ListOfTimeTypes',
        [
          ['c:timeTypeName', VIDEO_TIME_TYPE.name],
          ['c:timeTypeId', VIDEO_TIME_TYPE.id],
        ],
      ],
    ],
  };
};

export const getAllCareTypes: ContractHandler = async ({ em }, body) => {
  if (!offersTimeType(childTexts(body, 'timeTypeIDs'))) return { children: [] };
  const { clinicians } = await performersOf(em, body, 'careTypeIDs', 'performer');
  const professions = [...new Set(clinicians.map((c) => c.profession))].sort();
  return {
    children: professions.map((p) => [
      'r:careTypes',
      [
        ['c:careTypeName', CARE_TYPES[p]],
        ['c:careTypeId', p],
      ],
    ]),
  };
};

/** The free slots of the request's unit, performers and care type between its two dates (inclusive). */
async function freeSlotsAsked(em: EntityManager, body: Element) {
  const { unit, clinicians } = await performersOf(em, body, 'careTypeID', 'performer');
  const timeType = childText(body, 'timeTypeID');
  if (!unit || !clinicians.length || !offersTimeType(timeType ? [timeType] : [])) return { unit, slots: [] };
  const from = rivtaDayRange(childText(body, 'startDateInclusive')!).from;
  const to = rivtaDayRange(childText(body, 'endDateInclusive')!).to;
  const byId = new Map(clinicians.map((c) => [c.id, c]));
  const now = new Date();
  const slots = (
    await listSlots(em, {
      from: (from > now ? from : now).toISOString(),
      to: to.toISOString(),
      careUnitId: unit.id,
      freeOnly: true,
    })
  )
    .filter((s) => byId.has(s.clinicianId))
    .map((s) => ({ ...s, clinician: byId.get(s.clinicianId)! }));
  return { unit, slots };
}

export const getAvailableDates: ContractHandler = async ({ em }, body) => {
  const { unit, slots } = await freeSlotsAsked(em, body);
  const seen = new Map<string, (typeof slots)[number]>();
  for (const s of slots) {
    const key = `${s.clinician.hsaId}\n${toRivtaDate(s.startsAt)}`;
    if (!seen.has(key)) seen.set(key, s);
  }
  return {
    children: [...seen.values()].map((s) => [
      'r:performerAvailabilityByDate',
      [
        ['r:healthcare_facility', unit!.hsaId],
        ['r:performer', s.clinician.hsaId],
        ['r:date', toRivtaDate(s.startsAt)],
        ['r:timeTypeName', VIDEO_TIME_TYPE.name],
        ['r:timeTypeID', VIDEO_TIME_TYPE.id],
        ['r:careTypeName', CARE_TYPES[s.clinician.profession]],
        ['r:careTypeID', s.clinician.profession],
      ],
    ]),
  };
};

export const getAvailableTimeslots: ContractHandler = async ({ em }, body) => {
  const { unit, slots } = await freeSlotsAsked(em, body);
  return {
    children: slots.map((s) => [
      'r:timeslotDetail',
      [
        ['c:startTimeInclusive', toRivtaTime(s.startsAt)],
        ['c:endTimeExclusive', toRivtaTime(s.endsAt)],
        ['c:healthcare_facility', unit!.hsaId],
        ['c:performer', s.clinician.hsaId],
        ['c:healthcare_facility_name', unit!.name],
        ['c:performerName', `${s.clinician.givenName} ${s.clinician.familyName}`],
        ['c:resourceID', s.id],
        ['c:timeTypeName', VIDEO_TIME_TYPE.name],
        ['c:timeTypeID', VIDEO_TIME_TYPE.id],
        ['c:careTypeName', CARE_TYPES[s.clinician.profession]],
        ['c:careTypeID', s.clinician.profession],
      ],
    ]),
  };
};
