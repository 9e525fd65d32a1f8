/**
 * The engagement index after book, move and cancel through the RIVTA contracts (issue 24, RULES.md §7):
 * the workflow pushes Update to the local test index over mutual TLS, and the index holds exactly one
 * entry per booking with its attributes, also when an answer is lost and the activity retries.
 */
import { makeFixture, makeSlot, type FixtureWith } from '../../testkit/fixtures';
import { answerEligibility, throughIdentity, waitForStatus } from '../../testkit/drive';
import { waitFor } from '../../testkit/wait';
import { toRivtaTime } from '../../domain/rivta-time';
import { useApiStack } from '../support/app';
import { maybeRecordHistory } from '../support/histories';
import { DATA_CONTROLLER, INDEX_ADDRESS, SOURCE_SYSTEM, useTestEngagementIndex } from '../support/engagement-index';
import { call, requestedTimeslot, responseProblems, useRivtaProducer, type RivtaStack } from '../support/rivta';
import { answerAll } from '../../domain/eligibility';
import { EARLY_BOOKING_RELEASED_SV } from '../../workflows/encounter.machine';

jest.setTimeout(120_000);
const ei = useTestEngagementIndex();
const api = useApiStack({ engagementIndex: () => ei.deps });
const stack: RivtaStack = useRivtaProducer(() => ({
  orm: api.ctx.orm,
  temporal: api.ctx.client,
  taskQueue: api.ctx.config.temporal.taskQueue,
}));
let f: FixtureWith<'other-clinician'>;
let unitHsa: string;
beforeEach(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['other-clinician'] });
  unitHsa = `HSA-${f.unitId}`;
});

const digits = (pnr: string) => pnr.replace('-', '');
const entriesOf = (id: string) => ei.local.entries().filter((e) => e.businessObjectInstanceIdentifier === id);

async function valid(contract: string, args: Record<string, unknown>) {
  const res = await call(stack, contract, args, {
    logicalAddress: unitHsa,
    actor: { id: digits(f.adultPnr), type: 'subject_of_care' },
  });
  expect(await responseProblems(contract, res.raw)).toEqual([]);
  return res.result;
}

const timeslot = (slot: { startsAt: Date }, clinicianId: string, bookingId?: string) =>
  requestedTimeslot({ unitHsa, pnr: f.adultPnr }, slot, clinicianId, bookingId);

async function makeBooking(slot: { startsAt: Date }): Promise<string> {
  const booked = await valid('MakeBooking', {
    healthcare_facility_med: unitHsa,
    requestedTimeslot: { ...timeslot(slot, f.clinicianId), reason: 'Utslag på armen' },
    subject_of_care_info: { firstName: 'Test', lastName: 'Testsson' },
  });
  expect(booked.resultCode).toBe('INFO');
  return booked.bookingId as string;
}

/** The one entry of the booking once it says `start` (and `deleted`). */
const entryWhen = (bookingId: string, start: Date, deleteFlag: boolean) =>
  waitFor(
    () => {
      const [e, ...more] = entriesOf(bookingId);
      return !more.length && e?.mostRecentContent === toRivtaTime(start) && e.deleteFlag === deleteFlag && e;
    },
    `the index entry of ${bookingId} at ${start.toISOString()} (deleteFlag ${deleteFlag})`,
    { timeoutMs: 30_000, detail: () => JSON.stringify(entriesOf(bookingId)) },
  );

it('RULES §7 MakeBooking, UpdateBooking and CancelBooking leave exactly one current index entry per booking, deleteFlag after the cancel; a lost answer is retried without a second entry', async () => {
  const first = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const second = await makeSlot(api.ctx.orm, f.otherClinicianId, 3 * 86_400, 20);
  // The index stores the first Update and loses its answer: the activity retries the same entry.
  ei.local.loseAnswers(1);
  const bookingId = await makeBooking(first);
  const booked = await entryWhen(bookingId, first.startsAt, false);
  expect(booked).toMatchObject({
    registeredResidentIdentification: digits(f.adultPnr),
    serviceDomain: 'riv:crm:scheduling',
    categorization: 'Booking',
    logicalAddress: unitHsa,
    businessObjectInstanceIdentifier: bookingId,
    clinicalProcessInterestId: bookingId,
    sourceSystem: SOURCE_SYSTEM,
    dataController: DATA_CONTROLLER,
    indexAddress: INDEX_ADDRESS,
  });
  await waitFor(() => entriesOf(bookingId)[0]?.updates === 2, 'the retried Update after the lost answer');

  const handle = api.ctx.client.workflow.getHandle(`encounter-${bookingId}`);
  await throughIdentity(handle, f);
  await waitForStatus(handle, 'pre-meeting');
  const moved = await valid('UpdateBooking', {
    requestedTimeslot: timeslot(second, f.otherClinicianId, bookingId),
  });
  expect(moved).toEqual({ resultCode: 'OK' });
  await entryWhen(bookingId, second.startsAt, false);

  expect(await valid('CancelBooking', { healthcare_facility: unitHsa, bookingId })).toMatchObject({ resultCode: 'OK' });
  await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
  // The workflow ends only once the index has the cancel.
  expect(entriesOf(bookingId)).toEqual([
    expect.objectContaining({ deleteFlag: true, mostRecentContent: toRivtaTime(second.startsAt), updates: 4 }),
  ]);
  await maybeRecordHistory(handle, 'engagement-index');
});

it('RULES §7 a time held before eligibility and given back when the clinician says no is removed from the index, and the patient is told by mail', async () => {
  const slot = await makeSlot(api.ctx.orm, f.clinicianId, 2 * 86_400, 20);
  const bookingId = await makeBooking(slot);
  await entryWhen(bookingId, slot.startsAt, false);
  const handle = api.ctx.client.workflow.getHandle(`encounter-${bookingId}`);
  await answerEligibility(handle, f, answerAll(false));
  await expect(handle.result()).resolves.toMatchObject({ status: 'referred-to-physical' });
  expect(entriesOf(bookingId)).toEqual([expect.objectContaining({ deleteFlag: true })]);
  const mails = await api.ctx.orm.em
    .fork()
    .execute<Array<{ subject: string; text: string }>>(
      'select subject, text from outbox_message where encounter_id = ?',
      [bookingId],
    );
  expect(mails).toEqual([
    { subject: expect.stringMatching(/^Avbokad tid/), text: expect.stringContaining(EARLY_BOOKING_RELEASED_SV) },
  ]);
});
