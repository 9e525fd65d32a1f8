/** More than two in the room (issue 26): participants in the encounter workflow on a real dev server and PostgreSQL. */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import type { Invitation } from '../../domain/participants';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { ALL_CHECKED, admin, clinicianOf, startEncounter, throughIdentity, waitForState } from '../../testkit/drive';
import { maybeRecordHistory } from '../support/histories';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(90_000);

let ctx: TestContext;
let worker: TestWorker;
let f: FixtureWith<never, 'sodermalm' | 'boras'>;

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { units: ['sodermalm', 'boras'] });
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

const rows = <T>(sql: string, params: unknown[]) => ctx.orm.em.fork().execute<T[]>(sql, params);
const patient: m.Actor = { id: 'pat', role: 'patient' };
const INTERPRETER: Invitation = {
  kind: 'interpreter',
  name: 'Amal Haddad',
  language: 'arabiska',
  service: 'Tolkförmedlingen',
  personnummer: '19850101-2384',
};
const RELATIVE: Invitation = { kind: 'relative', name: 'Eva Andersson', personnummer: '19520303-4562' };

/** An encounter through identity, with a slot `inSeconds` from now booked by the administrator. */
async function booked(inSeconds: number, policy: Partial<m.EncounterPolicy> = {}) {
  const { id, handle } = await startEncounter(ctx, f, f.adultId, policy);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, inSeconds);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  return { id, handle };
}

async function invite(handle: WorkflowHandle, invitation: Invitation, actor: m.Actor = admin) {
  const s = await handle.executeUpdate(m.inviteParticipantUpdate, { args: [{ actor, invitation }] });
  return s.participants!.find((p) => p.name === invitation.name)!.id;
}

const admit = (handle: WorkflowHandle, participantId: string, maxInRoom?: number) =>
  handle.executeUpdate(m.admitParticipantUpdate, {
    args: [{ actor: clinicianOf(f), participantId, ...(maxInRoom ? { maxInRoom } : {}) }],
  });

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
  return { type: cause.type, message: cause.message };
};

it('relatives wait for the patient, each is admitted one by one up to the maximum, the note lists who took part and the other unit registers its part', async () => {
  const { id, handle } = await booked(4);
  const colleague: Invitation = {
    kind: 'colleague',
    name: 'Lena Berg',
    unit: { id: f.units.boras.id, name: 'Ortopeden Borås' },
  };
  const interpreterId = await invite(handle, INTERPRETER);
  const relativeId = await invite(handle, RELATIVE, clinicianOf(f));
  const colleagueId = await invite(handle, colleague);
  // A bad invitation names its field; nothing is added.
  expect(await refusal(invite(handle, { ...INTERPRETER, language: '' }))).toMatchObject({ type: 'Invalid' });

  await waitForState(handle, (s) => s.status === 'video');
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
  for (const participantId of [interpreterId, relativeId, colleagueId])
    await handle.signal(m.participantWaitingSignal, { participantId, source: 'test' });
  await handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] });
  await waitForState(handle, (s) => s.patientPresent && s.participants!.every((p) => p.status === 'waiting'));
  await handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] });

  // The relative staff invited is not admitted before the patient accepts.
  expect(await refusal(admit(handle, relativeId))).toEqual({
    type: 'WrongStep',
    message: 'the patient has not accepted this relative yet',
  });
  expect(
    await refusal(
      handle.executeUpdate(m.acceptParticipantUpdate, { args: [{ actor: admin, participantId: relativeId }] }),
    ),
  ).toMatchObject({ type: 'WrongActor' });
  await handle.executeUpdate(m.acceptParticipantUpdate, { args: [{ actor: patient, participantId: relativeId }] });
  await admit(handle, relativeId, 4);
  await admit(handle, interpreterId, 4);
  // Patient, clinician, relative and interpreter: a room of four is full.
  expect(await refusal(admit(handle, colleagueId, 4))).toEqual({
    type: 'WrongStep',
    message: 'the room is full (at most 4 in the room)',
  });
  const five = await admit(handle, colleagueId, 5);
  expect(five.participants!.map((p) => p.status)).toEqual(['admitted', 'admitted', 'admitted']);

  await handle.signal(m.participantGoneSignal, { participantId: relativeId, source: 'test' });
  await waitForState(handle, (s) => s.participants!.some((p) => p.status === 'left'));
  await handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] });
  await waitForState(handle, (s) => s.status === 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Bedömning: knäsmärta. Plan: fysioterapi.' }],
  });
  expect(await handle.result()).toEqual({ status: 'closed', chargeOre: 27_500 });

  const s = await handle.query(m.stateQuery);
  const events = s.timeline.map((t) => t.event);
  expect(events.filter((e) => e === 'participant-invited')).toHaveLength(3);
  expect(events).toEqual(
    expect.arrayContaining(['participant-accepted', 'participant-joined', 'participant-admitted', 'participant-left']),
  );
  const admittedBy = s.timeline.filter((t) => t.event === 'participant-admitted').map((t) => t.actor.id);
  expect(admittedBy).toEqual([f.clinicianId, f.clinicianId, f.clinicianId]);
  expect(s.timeline.find((t) => t.event === 'participant-accepted')?.actor).toEqual(patient);
  expect(s.participants!.every((p) => p.tookPart && p.status === 'left')).toBe(true);

  const [note] = await rows<{ text: string }>('select text from journal_note where encounter_id = ?', [id]);
  expect(note.text).toMatch(
    /^Bedömning: knäsmärta\. Plan: fysioterapi\.\n\nDeltagare i mötet:\n- Patienten\n- Maria Test, ansvarig vårdgivare, Testenheten/,
  );
  expect(note.text).toContain('- Eva Andersson, Närstående');
  expect(note.text).toContain('- Amal Haddad, Tolk (arabiska)');
  expect(note.text).toContain('- Lena Berg, Vårdgivare från annan enhet, Ortopeden Borås');

  const regs = await rows<{ care_unit_id: string; kind: string; source_id: string }>(
    'select care_unit_id, kind, source_id from visit_registration where source_id like ? order by kind',
    [`${id}%`],
  );
  expect(regs).toEqual([
    { care_unit_id: f.units.boras.id, kind: 'digifysisk', source_id: `${id}:${f.units.boras.id}` },
    { care_unit_id: f.unitId, kind: 'video', source_id: id },
  ]);
  expect(await rows('select 1 from deviation where encounter_id = ?', [id])).toEqual([]);
  await maybeRecordHistory(handle, 'participants');
});

it('an interpreter who never comes is a deviation of its own (Tolk uteblev) and costs the patient nothing', async () => {
  const { id, handle } = await booked(4);
  const interpreterId = await invite(handle, INTERPRETER);
  const relativeId = await invite(handle, RELATIVE, patient);
  const removed = await handle.executeUpdate(m.removeParticipantUpdate, {
    args: [{ actor: clinicianOf(f), participantId: relativeId, reason: 'Patienten ville inte' }],
  });
  expect(removed.participants!.find((p) => p.id === relativeId)?.status).toBe('removed');
  await waitForState(handle, (s) => s.status === 'video');
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
  // A removed participant's page changes nothing.
  await handle.signal(m.participantWaitingSignal, { participantId: relativeId, source: 'test' });
  await waitForState(handle, (s) => s.patientPresent);
  // Without the interpreter the meeting cannot be held: the clinician cancels (not late: the unit's side).
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: clinicianOf(f), reason: 'Tolken kom inte' }] });
  expect(await handle.result()).toEqual({ status: 'cancelled', chargeOre: 0 });

  const devs = await rows<{ category: string; severity: string }>(
    'select category, severity from deviation where encounter_id = ?',
    [id],
  );
  expect(devs).toEqual([{ category: 'interpreter-no-show', severity: 'medium' }]);
  expect(await rows('select 1 from charge where encounter_id = ?', [id])).toEqual([]);
  const s = await handle.query(m.stateQuery);
  const noShow = s.timeline.find((t) => t.event === 'interpreter-no-show');
  expect(noShow).toMatchObject({
    actor: { role: 'system' },
    outcome: 'deviation',
    detail: { participantId: interpreterId },
  });
  expect(s.participants!.find((p) => p.id === relativeId)).toMatchObject({ status: 'removed', joinedAt: null });
  await maybeRecordHistory(handle, 'interpreter-no-show');
});

it('a patient no-show with the interpreter present is still a no-show (the rule judges the patient alone)', async () => {
  const { id, handle } = await booked(3, { noShowGraceSeconds: 6 });
  const interpreterId = await invite(handle, INTERPRETER);
  await waitForState(handle, (s) => s.status === 'video');
  await handle.signal(m.participantWaitingSignal, { participantId: interpreterId, source: 'test' });
  await handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] });
  await waitForState(handle, (s) => s.participants![0].status === 'waiting');
  await admit(handle, interpreterId);
  expect(await handle.result()).toEqual({ status: 'no-show', chargeOre: 40_000 });
  const devs = await rows<{ category: string }>('select category from deviation where encounter_id = ?', [id]);
  expect(devs).toEqual([{ category: 'no-show' }]);
  const charges = await rows<{ kind: string }>('select kind from charge where encounter_id = ?', [id]);
  expect(charges).toEqual([{ kind: 'no-show' }]);
  await maybeRecordHistory(handle, 'participants-patient-no-show');
});

it('participants are refused after the meeting and from the wrong side', async () => {
  const { handle } = await booked(30);
  expect(await refusal(invite(handle, INTERPRETER, patient))).toMatchObject({ type: 'WrongActor' });
  const interpreterId = await invite(handle, INTERPRETER);
  // Not in the video step yet: nobody is admitted.
  expect(await refusal(admit(handle, interpreterId))).toMatchObject({ type: 'WrongStep' });
  expect(await refusal(admit(handle, 'no-such-participant'))).toMatchObject({ type: 'WrongStep' });
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Test' }] });
  expect((await handle.result()).status).toBe('cancelled');
});
