/**
 * crm:scheduling 1.1 booking over RIVTA 2.1 (issue 24, RULES.md §7): MakeBooking, GetBookingDetails and
 * CancelBooking through soap's client from the official WSDL over mutual TLS, on the same workflow
 * updates as the back office; every answer validates against the official XSD.
 */
import { makeFixture, makeSlot, type FixtureWith } from '../../testkit/fixtures';
import { FAST_POLICY, throughIdentity, waitForStatus, YES } from '../../testkit/drive';
import { useApiStack } from '../support/app';
import { login, type LoggedIn } from '../../testkit/login';
import { call, responseProblems, useRivtaProducer, type RivtaStack } from '../support/rivta';
import { toRivtaDate, toRivtaTime } from '../../domain/rivta-time';
import { TEXTS_SV } from '../../api/rivta/booking';
import * as m from '../../workflows/encounter.messages';

jest.setTimeout(120_000);
const api = useApiStack();
const stack: RivtaStack = useRivtaProducer(() => ({
  orm: api.ctx.orm,
  temporal: api.ctx.client,
  taskQueue: api.ctx.config.temporal.taskQueue,
}));
let f: FixtureWith<'staff' | 'guardian' | 'other-clinician'>;
let unitHsa: string;
beforeEach(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['staff', 'guardian', 'other-clinician'] });
  unitHsa = `HSA-${f.unitId}`;
});

const digits = (pnr: string) => pnr.replace('-', '');
const asPatient = (pnr: string) => ({
  logicalAddress: unitHsa,
  actor: { id: digits(pnr), type: 'subject_of_care' as const },
});
const day = (n: number) => toRivtaDate(new Date(Date.now() + n * 86_400_000));

/** Calls a contract as `pnr` and checks the answer against the official schema. */
async function valid(contract: string, args: Record<string, unknown>, pnr: string) {
  const res = await call(stack, contract, args, asPatient(pnr));
  expect(await responseProblems(contract, res.raw)).toEqual([]);
  return res.result;
}

function makeBookingArgs(slot: { id: string; startsAt: Date }, pnr: string, minutes = 20) {
  return {
    healthcare_facility_med: unitHsa,
    requestedTimeslot: {
      startTimeInclusive: toRivtaTime(slot.startsAt),
      endTimeExclusive: toRivtaTime(new Date(slot.startsAt.getTime() + minutes * 60_000)),
      healthcare_facility: unitHsa,
      performer: `HSA-${f.clinicianId}`,
      subject_of_care: digits(pnr),
      reason: 'Utslag på armen',
    },
    subject_of_care_info: { firstName: 'Test', lastName: 'Testsson' },
  };
}

const freeIds = async (pnr: string) => {
  const r = await valid(
    'GetAvailableTimeslots',
    {
      healthcare_facility: unitHsa,
      startDateInclusive: day(0),
      endDateInclusive: day(3),
      subject_of_care: digits(pnr),
    },
    pnr,
  );
  return ((r.timeslotDetail as Array<{ resourceID: string }> | undefined) ?? []).map((t) => t.resourceID);
};

it('RULES §7 MakeBooking holds a free time at once (INFO with our bookingId), GetBookingDetails reads it, CancelBooking frees it for the very next GetAvailableTimeslots', async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  expect(await freeIds(f.adultPnr)).toContain(slot.id);

  const booked = await valid('MakeBooking', makeBookingArgs(slot, f.adultPnr), f.adultPnr);
  expect(booked).toMatchObject({ resultCode: 'INFO', resultText: TEXTS_SV.booked });
  const bookingId = booked.bookingId as string;
  expect(await freeIds(f.adultPnr)).not.toContain(slot.id);

  // The encounter's other steps still run: it waits for eligibility with the time held.
  const state = await api.ctx.client.workflow.getHandle(`encounter-${bookingId}`).query(m.stateQuery);
  expect(state).toMatchObject({ status: 'eligibility', slot: { slotId: slot.id } });

  const details = await valid('GetBookingDetails', { healthcare_facility: unitHsa, bookingId }, f.adultPnr);
  expect(details.timeslotDetail).toMatchObject({
    startTimeInclusive: toRivtaTime(slot.startsAt),
    performer: `HSA-${f.clinicianId}`,
    bookingId,
    subject_of_care: digits(f.adultPnr),
    timeTypeID: 'video',
    cancel_booking_allowed: true,
  });

  const cancelled = await valid(
    'CancelBooking',
    { healthcare_facility: unitHsa, bookingId, message: 'Kan inte' },
    f.adultPnr,
  );
  expect(cancelled).toMatchObject({ resultCode: 'OK' });
  expect(await freeIds(f.adultPnr)).toContain(slot.id);
  const again = await valid('CancelBooking', { healthcare_facility: unitHsa, bookingId }, f.adultPnr);
  expect(again).toMatchObject({ resultCode: 'ERROR', resultText: TEXTS_SV.alreadyEnded });
});

it('RULES §7 a taken time is ERROR with a Swedish text for the patient', async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  await valid('MakeBooking', makeBookingArgs(slot, f.adultPnr), f.adultPnr);
  const second = await valid('MakeBooking', makeBookingArgs(slot, f.guardianPnr), f.guardianPnr);
  expect(second).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.taken });
});

it('RULES §4 a subject of care books only for themself or a child they may act for; others read no booking', async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const forOther = await valid('MakeBooking', makeBookingArgs(slot, f.adultPnr), f.guardianPnr);
  expect(forOther).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.notForYou });
  const own = await valid('MakeBooking', makeBookingArgs(slot, f.adultPnr), f.adultPnr);
  await expect(
    call(
      stack,
      'GetBookingDetails',
      { healthcare_facility: unitHsa, bookingId: own.bookingId },
      asPatient(f.guardianPnr),
    ),
  ).rejects.toThrow(/bookingId: no booking/);
});

it('RULES §7 race: the same time booked at once through 1177 and the back office → one booking, the other ERROR or 409', async () => {
  const admin: LoggedIn = await login(api.app, { hsaId: f.staff.careAdmin });
  const clinician: LoggedIn = await login(api.app, { hsaId: f.staff.clinician });
  const patient: LoggedIn = await login(api.app, { personnummer: f.guardianPnr });
  const created = await admin
    .post('/api/encounters', { patientId: f.guardianId, careUnitId: f.unitId, policy: FAST_POLICY })
    .expect(201);
  const id = created.body.id as string;
  await clinician.post(`/api/encounters/${id}/eligibility`, { answers: YES }).expect(200);
  await patient.post(`/api/encounters/${id}/identity`, {}).expect(200);
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);

  const [backOffice, soap] = await Promise.all([
    admin.post(`/api/encounters/${id}/booking`, { slotId: slot.id }),
    call(stack, 'MakeBooking', makeBookingArgs(slot, f.adultPnr), asPatient(f.adultPnr)),
  ]);
  expect(await responseProblems('MakeBooking', soap.raw)).toEqual([]);
  const soapWon = soap.result.resultCode === 'INFO';
  expect([backOffice.status === 200, soapWon].filter(Boolean)).toHaveLength(1);
  if (soapWon) expect(backOffice.status).toBe(409);
  else expect(soap.result).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.taken });
  const [live] = await api.ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>('select count(*) as n from booking where slot_id = ? and released_at is null', [
      slot.id,
    ]);
  expect(Number(live.n)).toBe(1);
});

it('RULES §7 five MakeBookings of one time at once → one INFO, four ERROR with the Swedish text, one live booking, no encounter left holding it', async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const answers = await Promise.all(
    Array.from({ length: 5 }, () =>
      call(stack, 'MakeBooking', makeBookingArgs(slot, f.adultPnr), asPatient(f.adultPnr)),
    ),
  );
  const codes = answers.map((a) => a.result.resultCode);
  expect(codes.filter((c) => c === 'INFO')).toHaveLength(1);
  for (const a of answers.filter((x) => x.result.resultCode === 'ERROR'))
    expect(a.result).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.taken });
  const [live] = await api.ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>('select count(*) as n from booking where slot_id = ? and released_at is null', [
      slot.id,
    ]);
  expect(Number(live.n)).toBe(1);
});

it('RULES §7 GetSubjectOfCareSchedule shows the held booking; UpdateBooking moves it while eligibility still runs (patched invitations) and again once booked', async () => {
  const first = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const second = await makeSlot(api.ctx.orm, f.otherClinicianId, 3 * 86_400, 20);
  const booked = await valid('MakeBooking', makeBookingArgs(first, f.adultPnr), f.adultPnr);
  const bookingId = booked.bookingId as string;
  const schedule = await valid(
    'GetSubjectOfCareSchedule',
    { healthcare_facility: unitHsa, subject_of_care: digits(f.adultPnr) },
    f.adultPnr,
  );
  expect(schedule.timeslotDetail).toMatchObject([{ bookingId, startTimeInclusive: toRivtaTime(first.startsAt) }]);

  const move = {
    requestedTimeslot: {
      startTimeInclusive: toRivtaTime(second.startsAt),
      endTimeExclusive: toRivtaTime(new Date(second.startsAt.getTime() + 20 * 60_000)),
      healthcare_facility: unitHsa,
      performer: `HSA-${f.otherClinicianId}`,
      bookingId,
      subject_of_care: digits(f.adultPnr),
    },
  };
  expect(await valid('UpdateBooking', move, f.adultPnr)).toEqual({ resultCode: 'OK' });
  const handle = api.ctx.client.workflow.getHandle(`encounter-${bookingId}`);
  expect(await handle.query(m.stateQuery)).toMatchObject({ status: 'eligibility', slot: { slotId: second.id } });
  expect(await freeIds(f.adultPnr)).toContain(first.id);

  await throughIdentity(handle, f);
  await waitForStatus(handle, 'pre-meeting');
  const back = {
    requestedTimeslot: {
      ...move.requestedTimeslot,
      startTimeInclusive: toRivtaTime(first.startsAt),
      endTimeExclusive: toRivtaTime(new Date(first.startsAt.getTime() + 20 * 60_000)),
      performer: `HSA-${f.clinicianId}`,
    },
  };
  expect(await valid('UpdateBooking', back, f.adultPnr)).toEqual({ resultCode: 'OK' });
  expect(await valid('UpdateBooking', move, f.adultPnr)).toEqual({ resultCode: 'OK' });
  const details = await valid('GetBookingDetails', { healthcare_facility: unitHsa, bookingId }, f.adultPnr);
  expect(details.timeslotDetail).toMatchObject({
    startTimeInclusive: toRivtaTime(second.startsAt),
    performer: `HSA-${f.otherClinicianId}`,
  });
  expect(await freeIds(f.adultPnr)).toContain(first.id);

  await valid('CancelBooking', { healthcare_facility: unitHsa, bookingId }, f.adultPnr);
  const after = await valid(
    'GetSubjectOfCareSchedule',
    { healthcare_facility: unitHsa, subject_of_care: digits(f.adultPnr) },
    f.adultPnr,
  );
  expect(after.timeslotDetail).toBeUndefined();
});
