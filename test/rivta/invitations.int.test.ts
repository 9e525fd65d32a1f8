/**
 * Kallelser and agents through crm:scheduling 1.1 (issue 24, RULES.md §7): a care administrator sends an
 * open or a timed invitation from the back office; 1177 reads it with isInvitation and its purpose,
 * books the open one with MakeBooking and moves the timed one with UpdateBooking, after which it is
 * the patient's booking; the engagement index holds one current entry per booking throughout. A 1177
 * nurse (subject_of_care_agent) books for a patient. soap's client from the official WSDL, mutual TLS.
 */
import { accessLogFor } from '../../db/access-log';
import { makeFixture, makeSlot, type FixtureWith } from '../../testkit/fixtures';
import { FAST_POLICY, throughIdentity, waitForStatus } from '../../testkit/drive';
import { waitFor } from '../../testkit/wait';
import { login, type LoggedIn } from '../../testkit/login';
import { toRivtaTime } from '../../domain/rivta-time';
import { TEXTS_SV } from '../../api/rivta/booking';
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { maybeRecordHistory } from '../support/histories';
import { useTestEngagementIndex } from '../support/engagement-index';
import {
  ALLOWED_CONSUMER,
  call,
  type Caller,
  requestedTimeslot,
  responseProblems,
  useRivtaProducer,
  type RivtaStack,
} from '../support/rivta';

jest.setTimeout(120_000);
const ei = useTestEngagementIndex();
const api = useApiStack({ engagementIndex: () => ei.deps });
const stack: RivtaStack = useRivtaProducer(() => ({
  orm: api.ctx.orm,
  temporal: api.ctx.client,
  taskQueue: api.ctx.config.temporal.taskQueue,
}));
let f: FixtureWith<'staff' | 'other-clinician' | 'guardian'>;
let unitHsa: string;
let admin: LoggedIn;
beforeEach(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['staff', 'other-clinician', 'guardian'] });
  unitHsa = `HSA-${f.unitId}`;
  admin = await login(api.app, { hsaId: f.staff.careAdmin });
});

const PURPOSE = 'Du kallas till ett uppföljande videobesök. Ha dina blodtrycksvärden till hands.';
const digits = (pnr: string) => pnr.replace('-', '');
const INFO = { firstName: 'Test', lastName: 'Testsson' };
const NURSE = { id: 'SE2321000016-NURSE7', type: 'subject_of_care_agent' as const };
const asPatient = () => ({
  logicalAddress: unitHsa,
  actor: { id: digits(f.adultPnr), type: 'subject_of_care' as const },
});

/** Calls a contract (as the patient unless `who` says) and checks the answer against the official schema. */
async function valid(contract: string, args: Record<string, unknown>, who: Caller = asPatient()) {
  const res = await call(stack, contract, args, who);
  expect(await responseProblems(contract, res.raw)).toEqual([]);
  return res.result;
}

const timeslot = (slot: { startsAt: Date }, clinicianId: string, bookingId?: string) =>
  requestedTimeslot({ unitHsa, pnr: f.adultPnr }, slot, clinicianId, bookingId);

/** The care administrator's kallelse through the back office's API; a timed one also gets its time there. */
async function sendInvitation(slot?: { id: string }): Promise<string> {
  const created = await admin
    .post('/api/encounters', {
      patientId: f.adultId,
      careUnitId: f.unitId,
      invitation: { purpose: PURPOSE },
      policy: FAST_POLICY,
    })
    .expect(201);
  const id = created.body.id as string;
  if (slot) await admin.post(`/api/encounters/${id}/booking`, { slotId: slot.id }).expect(200);
  return id;
}

const details = async (bookingId: string) =>
  (await valid('GetBookingDetails', { healthcare_facility: unitHsa, bookingId })).timeslotDetail as Record<
    string,
    unknown
  >;
const schedule = async () =>
  ((await valid('GetSubjectOfCareSchedule', { healthcare_facility: unitHsa, subject_of_care: digits(f.adultPnr) }))
    .timeslotDetail as Array<{ bookingId: string }> | undefined) ?? [];
const scheduled = async (bookingId: string) => (await schedule()).some((t) => t.bookingId === bookingId);

/** The index's current (not deleted) entries of a booking, once they are the categories asked for. */
const currentEntries = (bookingId: string, categories: string[]) =>
  waitFor(
    () => {
      const current = ei.local
        .entries()
        .filter((e) => e.businessObjectInstanceIdentifier === bookingId && !e.deleteFlag);
      return current.map((e) => e.categorization).join() === categories.join() && current;
    },
    `the current index entries of ${bookingId} to be [${categories}]`,
    { timeoutMs: 30_000, detail: () => JSON.stringify(ei.local.entries()) },
  );

it('RULES §7 an open kallelse: isInvitation with its purpose and no times, not in the schedule; MakeBooking on its bookingId makes it a booking, and the index swaps Invitation for Booking', async () => {
  const bookingId = await sendInvitation();
  expect(await details(bookingId)).toMatchObject({ bookingId, purpose: PURPOSE, isInvitation: true });
  expect(await details(bookingId)).not.toHaveProperty('startTimeInclusive');
  expect(await scheduled(bookingId)).toBe(false);
  const [invitation] = await currentEntries(bookingId, ['Invitation']);
  expect(invitation.mostRecentContent).toMatch(/^\d{8}000000$/);

  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const booked = await valid('MakeBooking', {
    healthcare_facility_med: unitHsa,
    requestedTimeslot: timeslot(slot, f.clinicianId, bookingId),
    subject_of_care_info: INFO,
  });
  expect(booked).toMatchObject({ resultCode: 'INFO', bookingId, resultText: TEXTS_SV.booked });
  const now = await details(bookingId);
  expect(now).toMatchObject({ startTimeInclusive: toRivtaTime(slot.startsAt), isInvitation: false });
  expect(now).not.toHaveProperty('purpose');
  expect(await scheduled(bookingId)).toBe(true);
  const [booking] = await currentEntries(bookingId, ['Booking']);
  expect(booking.mostRecentContent).toBe(toRivtaTime(slot.startsAt));

  const state = await api.ctx.client.workflow.getHandle(`encounter-${bookingId}`).query(m.stateQuery);
  expect(state.timeline.map((t) => t.event)).toEqual(
    expect.arrayContaining(['invitation-created', 'invitation-accepted']),
  );
  // A second MakeBooking on the same kallelse is refused for the patient, not a second time held.
  const other = await makeSlot(api.ctx.orm, f.otherClinicianId, 3 * 86_400, 20);
  const again = await valid('MakeBooking', {
    healthcare_facility_med: unitHsa,
    requestedTimeslot: timeslot(other, f.otherClinicianId, bookingId),
    subject_of_care_info: INFO,
  });
  expect(again).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.alreadyBooked });
  await maybeRecordHistory(api.ctx.client.workflow.getHandle(`encounter-${bookingId}`), 'invitation-open');
});

it('RULES §7 a timed kallelse is in the schedule as an invitation; the patient moves it with UpdateBooking before eligibility, and it becomes their booking', async () => {
  const first = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const second = await makeSlot(api.ctx.orm, f.otherClinicianId, 3 * 86_400, 20);
  const bookingId = await sendInvitation(first);
  expect(await details(bookingId)).toMatchObject({
    startTimeInclusive: toRivtaTime(first.startsAt),
    purpose: PURPOSE,
    isInvitation: true,
    rebooking_allowed: true,
  });
  expect(await scheduled(bookingId)).toBe(true);
  await currentEntries(bookingId, ['Invitation']);

  const moved = await valid('UpdateBooking', { requestedTimeslot: timeslot(second, f.otherClinicianId, bookingId) });
  expect(moved).toEqual({ resultCode: 'OK' });
  expect(await details(bookingId)).toMatchObject({
    startTimeInclusive: toRivtaTime(second.startsAt),
    performer: `HSA-${f.otherClinicianId}`,
    isInvitation: false,
  });
  await currentEntries(bookingId, ['Booking']);

  // Its other steps still run, on the moved time.
  const handle = api.ctx.client.workflow.getHandle(`encounter-${bookingId}`);
  await throughIdentity(handle, f);
  const state = await waitForStatus(handle, 'pre-meeting');
  expect(state.slot?.slotId).toBe(second.id);
  expect(await valid('CancelBooking', { healthcare_facility: unitHsa, bookingId })).toMatchObject({ resultCode: 'OK' });
  await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
  await currentEntries(bookingId, []);
  await maybeRecordHistory(handle, 'invitation');
});

it('RULES §7 a cancelled open kallelse leaves no current index entry', async () => {
  const bookingId = await sendInvitation();
  await currentEntries(bookingId, ['Invitation']);
  await admin.post(`/api/encounters/${bookingId}/cancel`, { reason: 'Skickad till fel patient' }).expect(200);
  await currentEntries(bookingId, []);
});

it("RULES §7 a subject_of_care_agent books for the patient it names; the booking is the patient's, and the call is access-logged with the agent and the consumer", async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const agent = { logicalAddress: unitHsa, actor: NURSE };
  const noPatient = await valid(
    'MakeBooking',
    {
      healthcare_facility_med: unitHsa,
      requestedTimeslot: { ...timeslot(slot, f.clinicianId), subject_of_care: undefined },
      subject_of_care_info: INFO,
    },
    agent,
  );
  expect(noPatient).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.agentNeedsPatient });

  const booked = await valid(
    'MakeBooking',
    {
      healthcare_facility_med: unitHsa,
      requestedTimeslot: { ...timeslot(slot, f.clinicianId), reason: 'Ringde 1177' },
      subject_of_care_info: INFO,
    },
    agent,
  );
  expect(booked).toMatchObject({ resultCode: 'INFO' });
  const bookingId = booked.bookingId as string;
  // The patient sees it as their own booking.
  expect(await scheduled(bookingId)).toBe(true);
  const state = await api.ctx.client.workflow.getHandle(`encounter-${bookingId}`).query(m.stateQuery);
  expect(state.timeline.find((t) => t.event === 'booked')?.actor).toEqual({ id: NURSE.id, role: 'agent' });
  expect(await accessLogFor(api.ctx.orm.em.fork(), { patientId: f.adultId })).toContainEqual(
    expect.objectContaining({
      actor: NURSE.id,
      role: 'rivta:subject_of_care_agent',
      action: 'rivta:MakeBooking',
      detail: { consumer: ALLOWED_CONSUMER, logicalAddress: unitHsa },
    }),
  );
});

it("RULES §4 a guardian books their child's kallelse for the child, as guardian; naming themself instead is refused", async () => {
  const created = await admin
    .post('/api/encounters', {
      patientId: f.childId,
      careUnitId: f.unitId,
      invitation: { purpose: PURPOSE },
      policy: FAST_POLICY,
    })
    .expect(201);
  const bookingId = created.body.id as string;
  const [{ personnummer: childPnr }] = await api.ctx.orm.em
    .fork()
    .execute<Array<{ personnummer: string }>>('select personnummer from patient where id = ?', [f.childId]);
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const guardian = { logicalAddress: unitHsa, actor: { id: digits(f.guardianPnr), type: 'subject_of_care' as const } };
  const book = (subject: string) =>
    valid(
      'MakeBooking',
      {
        healthcare_facility_med: unitHsa,
        requestedTimeslot: { ...timeslot(slot, f.clinicianId, bookingId), subject_of_care: digits(subject) },
        subject_of_care_info: INFO,
      },
      guardian,
    );
  expect(await book(f.guardianPnr)).toEqual({ resultCode: 'ERROR', resultText: TEXTS_SV.notForYou });
  expect(await book(childPnr)).toMatchObject({ resultCode: 'INFO', bookingId });
  const state = await api.ctx.client.workflow.getHandle(`encounter-${bookingId}`).query(m.stateQuery);
  expect(state.timeline.find((t) => t.event === 'invitation-accepted')?.actor).toEqual({
    id: f.guardianPnr,
    role: 'guardian',
  });
});
