/** The encounter workflow on a real Temporal dev server and real PostgreSQL, one test per path. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import {
  ALL_CHECKED,
  admin,
  clinicianOf,
  runSession,
  startEncounter,
  throughIdentity,
  waitForState,
  waitForStatus,
  YES,
} from '../../testkit/drive';
import { maybeRecordHistory } from '../support/histories';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(90_000);

let ctx: TestContext;
let worker: TestWorker;
let f: FixtureWith<'guardian' | 'protected-child' | 'other-clinician'>;

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
});
// A fresh unit, clinician and patients per test, so slots and fee periods never collide.
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['guardian', 'protected-child', 'other-clinician'] });
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

const rows = <T>(sql: string, params: unknown[]) => ctx.orm.em.fork().execute<T[]>(sql, params);
const patient = { id: 'pat', role: 'patient' as const };

it('happy path: requested → eligibility → identity → booked → pre-meeting → video → documentation → fee → closed (RULES §2 Stockholm 275 SEK)', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 4);
  const booked = await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  expect(booked.slot?.slotId).toBe(slot.id);
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  expect(await worker.rooms.exists(`encounter-${id}`)).toBe(false);
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Bedömning: förbättrad. Plan: uppföljning vid behov.' }],
  });
  const result = await handle.result();
  expect(result).toEqual({ status: 'closed', chargeOre: 27_500 });

  const state = await handle.query(m.stateQuery);
  expect(state.timeline.map((t) => t.event)).toEqual(
    expect.arrayContaining([
      'eligibility-answered',
      'identity-verified',
      'booked',
      'invitation-sent',
      'patient-joined',
      'patient-admitted',
      'session-ended',
      'journal-note-written',
      'fee-decided',
      'closed',
    ]),
  );
  const [note] = await rows<{ visit_type: string; contact_date: string }>(
    "select visit_type, to_char(contact_date, 'YYYY-MM-DD') as contact_date from journal_note where encounter_id = ?",
    [id],
  );
  expect(note.visit_type).toBe('Digitalt vårdmöte');
  expect(note.contact_date).toBe(
    new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(state.sessionStartedAt!)),
  );
  const [proj] = await rows<{ status: string; closed_at: Date | null }>(
    'select status, closed_at from encounter where id = ?',
    [id],
  );
  expect(proj.status).toBe('closed');
  expect(proj.closed_at).not.toBeNull();
  expect(worker.mailer.sent.some((mail) => mail.subject.startsWith('Kallelse') && mail.text.includes('väntrum'))).toBe(
    true,
  );
  await maybeRecordHistory(handle, 'happy');
});

it('not eligible: any "no" ends as referred to physical visit with no fee (RULES §6)', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await handle.executeUpdate(m.answerEligibilityUpdate, {
    args: [{ actor: clinicianOf(f), answers: { ...YES, enoughInformation: false } }],
  });
  expect(await handle.result()).toEqual({ status: 'referred-to-physical', chargeOre: 0 });
  const [a] = await rows<{ eligible: boolean; reasons: string[] }>(
    'select eligible, reasons from eligibility_assessment where encounter_id = ?',
    [id],
  );
  expect(a.eligible).toBe(false);
  expect(a.reasons[0]).toMatch(/^enoughInformation/);
  await maybeRecordHistory(handle, 'not-eligible');
});

it('identity failed: someone else logs in → identity-failed with a deviation', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f, f.protectedGuardianPnr);
  expect((await handle.result()).status).toBe('identity-failed');
  const devs = await rows<{ category: string; severity: string }>(
    'select category, severity from deviation where encounter_id = ?',
    [id],
  );
  expect(devs).toEqual([{ category: 'identity-failure', severity: 'high' }]);
  await maybeRecordHistory(handle, 'identity-failed');
});

it('guardian for a child under 13 may act for them (RULES §4), and the child pays nothing (RULES §1 under 18)', async () => {
  const { handle } = await startEncounter(ctx, f, f.childId);
  const state = await throughIdentity(handle, f, f.guardianPnr, 'guardian');
  expect(state.status).toBe('booking');
  expect(state.identity).toEqual({ personnummer: f.guardianPnr, actingAs: 'guardian' });
  const slot = await makeSlot(ctx.orm, f.clinicianId, 4);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: { id: 'g', role: 'guardian' }, slotId: slot.id }] });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: 'Eksem, bättre.' }] });
  expect(await handle.result()).toEqual({ status: 'closed', chargeOre: 0 });
  const s = await handle.query(m.stateQuery);
  expect(s.charges).toEqual([expect.objectContaining({ kind: 'visit', chargeOre: 0, reason: 'exempt-age' })]);
  await maybeRecordHistory(handle, 'guardian-child');
});

it('protected identity: a guardian cannot act for a child with skyddad folkbokföring (RULES §4)', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.protectedChildId);
  await throughIdentity(handle, f, f.protectedGuardianPnr, 'guardian');
  expect((await handle.result()).status).toBe('identity-failed');
  const [check] = await rows<{ refusal: string }>('select refusal from identity_check where encounter_id = ?', [id]);
  expect(check.refusal).toBe('child-protected');
  await maybeRecordHistory(handle, 'protected-identity');
});

it('early cancel: more than the late window before start releases the slot without a fee', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 60);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const s = await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: patient, reason: 'Mår bättre' }] });
  expect(s.status).toBe('cancelled');
  expect(await handle.result()).toEqual({ status: 'cancelled', chargeOre: 0 });
  const live = await rows('select 1 from booking where encounter_id = ? and released_at is null', [id]);
  expect(live).toHaveLength(0);
  await maybeRecordHistory(handle, 'cancel-early');
});

it('late cancel: a patient cancelling inside the late window pays the no-show fee (RULES §2 Stockholm 400 SEK, <24 h)', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId, { lateCancelSeconds: 6, roomOpensBeforeSeconds: 0 });
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 9);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await new Promise((r) => setTimeout(r, Math.max(0, slot.startsAt.getTime() - Date.now() - 4000)));
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: patient, reason: 'Kan inte' }] });
  expect(await handle.result()).toEqual({ status: 'cancelled', chargeOre: 40_000 });
  const charges = await rows<{ kind: string; amount_ore: number; counts_to_ceiling: boolean }>(
    'select kind, amount_ore, counts_to_ceiling from charge where encounter_id = ?',
    [id],
  );
  expect(charges).toEqual([{ kind: 'late-cancel', amount_ore: 40_000, counts_to_ceiling: false }]);
  await maybeRecordHistory(handle, 'cancel-late');
});

it('no-show: the patient never joins → no-show, 400 SEK not toward the ceiling, deviation, room destroyed (RULES §2)', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId, { noShowGraceSeconds: 2 });
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 3);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await waitForStatus(handle, 'video');
  expect(await worker.rooms.exists(`encounter-${id}`)).toBe(true);
  expect(await handle.result()).toEqual({ status: 'no-show', chargeOre: 40_000 });
  expect(await worker.rooms.exists(`encounter-${id}`)).toBe(false);
  const devs = await rows<{ category: string }>('select category from deviation where encounter_id = ?', [id]);
  expect(devs).toEqual([{ category: 'no-show' }]);
  const periods = await rows(
    'select 1 from high_cost_period where patient_id = ? and paid_ore > 0 and start_date > current_date',
    [f.adultId],
  );
  expect(periods).toHaveLength(0);
  await maybeRecordHistory(handle, 'no-show');
});

it('documentation overdue: a reminder, then a missing-documentation deviation; it still waits for the note', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 3);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await runSession(handle, f);
  const s = await waitForState(handle, (st) => st.timeline.some((t) => t.event === 'documentation-overdue'));
  expect(s.status).toBe('documentation');
  expect(s.timeline.some((t) => t.event === 'documentation-reminder')).toBe(true);
  const devs = await rows<{ category: string }>('select category from deviation where encounter_id = ?', [id]);
  expect(devs).toEqual([{ category: 'missing-documentation' }]);
  await handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: 'Sen anteckning.' }] });
  expect((await handle.result()).status).toBe('closed');
  await maybeRecordHistory(handle, 'documentation-overdue');
});

it('reschedule: the old slot is released, the new one held and a new invitation sent', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const first = await makeSlot(ctx.orm, f.clinicianId, 120);
  const second = await makeSlot(ctx.orm, f.clinicianId, 4);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: first.id }] });
  await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'invitation-sent'));
  const s = await handle.executeUpdate(m.rescheduleUpdate, { args: [{ actor: admin, slotId: second.id }] });
  expect(s.slot?.slotId).toBe(second.id);
  const live = await rows<{ slot_id: string }>(
    'select slot_id from booking where encounter_id = ? and released_at is null',
    [id],
  );
  expect(live).toEqual([{ slot_id: second.id }]);
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Ombokat möte genomfört.' }],
  });
  expect((await handle.result()).status).toBe('closed');
  const invitations = await rows('select 1 from outbox_message where encounter_id = ? and subject like ?', [
    id,
    'Kallelse%',
  ]);
  expect(invitations).toHaveLength(2);
  await maybeRecordHistory(handle, 'reschedule');
});

it('concurrent updates run one at a time (patched serialised-updates): the second booking waits for the first, then is refused in its new step; one slot held', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  // Two short slots a few seconds apart: whichever booking wins, its meeting starts soon.
  const [a, b] = [await makeSlot(ctx.orm, f.clinicianId, 4, 0.1), await makeSlot(ctx.orm, f.clinicianId, 11, 0.1)];
  const book = (slotId: string) => handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId }] });
  const [first, second] = await Promise.allSettled([book(a.id), book(b.id)]);
  const outcomes = [first, second].map((r) => r.status).sort();
  expect(outcomes).toEqual(['fulfilled', 'rejected']);
  const refused = [first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(refused.reason).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused.reason as WorkflowUpdateFailedError).cause?.message).toMatch(/not allowed in step 'pre-meeting'/);
  const held = await rows<{ slot_id: string }>(
    'select slot_id from booking where encounter_id = ? and released_at is null',
    [id],
  );
  expect(held).toHaveLength(1);
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: 'Genomfört.' }] });
  expect((await handle.result()).status).toBe('closed');
  await maybeRecordHistory(handle, 'serialised');
});

describe('updates reject bad requests with a clear message and no state change', () => {
  it('wrong step, wrong actor, taken slot, unconfirmed checklist', async () => {
    const { handle } = await startEncounter(ctx, f, f.adultId);
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected the update to be rejected');
        },
        (e: WorkflowUpdateFailedError) => e.cause as Error & { type?: string },
      );
    expect(await fail(handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: 'x' }] }))).toMatchObject({
      type: 'WrongStep',
    });
    expect(
      await fail(handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: admin, answers: YES }] })),
    ).toMatchObject({ type: 'WrongActor' });
    const before = await handle.query(m.stateQuery);
    await throughIdentity(handle, f);

    const other = await startEncounter(ctx, f, f.guardianId);
    await throughIdentity(other.handle, f, f.guardianPnr);
    const slot = await makeSlot(ctx.orm, f.clinicianId, 300);
    await other.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
    const taken = await fail(handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] }));
    expect(taken).toMatchObject({ type: 'SlotTaken', message: expect.stringMatching(/already booked/) });
    const after = await handle.query(m.stateQuery);
    expect(after.status).toBe('booking');
    expect(after.slot).toBeNull();
    expect(before.timeline.length).toBeLessThan(after.timeline.length);

    const soon = await makeSlot(ctx.orm, f.clinicianId, 2);
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: soon.id }] });
    await waitForStatus(handle, 'video');
    await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
    await waitForState(handle, (s) => s.patientPresent);
    expect(await fail(handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] }))).toMatchObject(
      { message: expect.stringMatching(/checklist/) },
    );
    expect(
      await fail(
        handle.executeUpdate(m.confirmChecklistUpdate, {
          args: [{ actor: clinicianOf(f), items: { ...ALL_CHECKED, headset: false } }],
        }),
      ),
    ).toMatchObject({ type: 'Invalid' });
    expect(
      await fail(
        handle.executeUpdate(m.confirmChecklistUpdate, {
          args: [{ actor: { id: f.otherClinicianId, role: 'clinician' }, items: ALL_CHECKED }],
        }),
      ),
    ).toMatchObject({ type: 'WrongActor' });
    await handle.executeUpdate(m.cancelUpdate, {
      args: [{ actor: { id: f.clinicianId, role: 'clinician' }, reason: 'Klinikerns frånvaro' }],
    });
    expect((await handle.result()).status).toBe('cancelled');
  });

  it('duplicate and out-of-order participant events change nothing', async () => {
    const { handle } = await startEncounter(ctx, f, f.adultId);
    await throughIdentity(handle, f);
    const slot = await makeSlot(ctx.orm, f.clinicianId, 2);
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
    await waitForStatus(handle, 'video');
    await handle.signal(m.participantLeftSignal, { role: 'patient', source: 'janus' });
    for (let i = 0; i < 3; i++) await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'janus' });
    const s = await waitForState(handle, (st) => st.patientPresent);
    expect(s.timeline.filter((t) => t.event === 'patient-joined')).toHaveLength(1);
    expect(s.timeline.filter((t) => t.event === 'patient-left')).toHaveLength(0);
    await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'test klart' }] });
  });
});

it('issue 24: a time booked before eligibility is held at once; a yes then goes straight past the booking step', async () => {
  const { handle } = await startEncounter(ctx, f, f.adultId);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 3600);
  const held = await handle.executeUpdate(m.bookUpdate, { args: [{ actor: patient, slotId: slot.id }] });
  expect(held.status).toBe('eligibility');
  expect(held.slot?.slotId).toBe(slot.id);
  const [live] = await rows<{ n: string }>(
    'select count(*) as n from booking where slot_id = ? and released_at is null',
    [slot.id],
  );
  expect(Number(live.n)).toBe(1);
  await expect(
    handle.executeUpdate(m.bookUpdate, { args: [{ actor: patient, slotId: slot.id }] }),
  ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  await throughIdentity(handle, f);
  const state = await waitForStatus(handle, 'pre-meeting');
  expect(state.slot?.slotId).toBe(slot.id);
  expect(state.timeline.filter((t) => t.event === 'booked')).toHaveLength(1);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'test done' }] });
  expect((await handle.result()).status).toBe('cancelled');
  await maybeRecordHistory(handle, 'early-booking');
});

it('issue 24: a clinician saying no gives the held time back, with a message for the patient', async () => {
  const { handle } = await startEncounter(ctx, f, f.adultId);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 3600);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: patient, slotId: slot.id }] });
  await handle.executeUpdate(m.answerEligibilityUpdate, {
    args: [{ actor: clinicianOf(f), answers: { ...YES, suitsPatient: false } }],
  });
  expect(await handle.result()).toEqual({ status: 'referred-to-physical', chargeOre: 0 });
  const state = await handle.query(m.stateQuery);
  expect(state.slot).toBeNull();
  expect(state.timeline).toContainEqual(
    expect.objectContaining({
      event: 'booking-released',
      outcome: 'not-eligible',
      detail: expect.objectContaining({ message: expect.stringMatching(/^Din bokade tid har avbokats/) }),
    }),
  );
  const [live] = await rows<{ n: string }>(
    'select count(*) as n from booking where slot_id = ? and released_at is null',
    [slot.id],
  );
  expect(Number(live.n)).toBe(0);
  await maybeRecordHistory(handle, 'early-booking-not-eligible');
});
