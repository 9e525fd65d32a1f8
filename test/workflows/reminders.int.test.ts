/**
 * Reminders (issue 27) on a real Temporal dev server, real PostgreSQL and the SMPP path to the test
 * SMS centre: what the SMS says, its receipt in the Utkorg, an SMS centre that is down (retries, a
 * visible failure, the mail still goes), and a worker killed between the timer and the send.
 */
import * as m from '../../workflows/encounter.messages';
import { recordSmsReceipt, type SmsGateway } from '../../activities/sms';
import { createSmppGateway } from '../../activities/sms/smpp';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../../domain/reminders';
import { startTestSmsc, type TestSmsc } from '../../scripts/test-smsc/server';
import { connect, TestContext } from '../../testkit/env';
import { admin, startEncounter, throughIdentity, waitForState, waitForStatus } from '../../testkit/drive';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { startTestWorker, TestWorker } from '../../testkit/worker';
import { waitFor } from '../../testkit/wait';
import { maybeRecordHistory } from '../support/histories';

jest.setTimeout(120_000);

const PASSWORD = 'rem-7Kp';
const REASON = 'Uppföljning av blodtryck och yrsel';
/** Only the before-meeting reminder, a few seconds before a slot a few seconds away (and the SMS at booking). */
const FAST: ReminderPolicy = {
  ...DEFAULT_REMINDER_POLICY,
  dayBeforeHour: null,
  beforeMeetingSeconds: 4,
  openInvitationSeconds: null,
  waitingAlertSeconds: null,
  smsAttempts: 2,
};

let ctx: TestContext;
let smsc: TestSmsc;
let gateway: SmsGateway;
let worker: TestWorker | undefined;
let f: FixtureWith<'guardian'>;

const rows = <T>(sql: string, params: unknown[]) => ctx.orm.em.fork().execute<T[]>(sql, params);
const gatewayTo = (url: string) =>
  createSmppGateway({
    url,
    sender: 'Vardmote',
    onReceipt: async (r) => void (await recordSmsReceipt(ctx.orm, r)),
    timeoutMs: 2000,
  });

beforeAll(async () => {
  ctx = await connect();
  smsc = await startTestSmsc({ port: 0, host: '127.0.0.1', password: PASSWORD, receiptDelayMs: 100 });
  gateway = gatewayTo(smsc.url);
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['guardian'] });
  await rows('update patient set phone = ? where id = ?', ['070-123 45 67', f.adultId]);
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await gateway?.close();
  await smsc?.stop();
  await ctx?.close();
});

/** An identified encounter (with a reason for the visit) under the reminder policy, booked on a slot `inSeconds` ahead. */
async function startBooked(inSeconds: number, reminders: ReminderPolicy = FAST) {
  const { id, handle } = await startEncounter(ctx, f, f.adultId, { reminders }, { reason: REASON });
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, inSeconds);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  return { id, handle, slot };
}

const events = (s: m.EncounterState, name: string) => s.timeline.filter((t) => t.event === name);
/** The SMS of one encounter (its link names it). */
const smsFor = (encounterId: string) => smsc.messages.filter((x) => x.text.includes(encounterId));

it('SMS at booking and before the meeting reach the SMS centre over SMPP with unit, time and link only; receipts reach the Utkorg', async () => {
  worker = await startTestWorker(ctx, { sms: gateway });
  const { id, handle } = await startBooked(12);
  const state = await waitForState(handle, (s) => events(s, 'reminder-sent').length === 2, 30_000);
  expect(events(state, 'reminder-sent').map((t) => t.outcome)).toEqual(['booked', 'before-meeting']);
  expect(events(state, 'reminder-sent')[1].detail).toMatchObject({ channels: ['mail', 'sms'] });

  const sms = smsFor(id);
  // E.164 from the record's '070-123 45 67', sent as an international number (ton 1, npi 1).
  expect(sms.map((x) => [x.to.replace(/^\+/, ''), x.toTon, x.toNpi])).toEqual([
    ['46701234567', 1, 1],
    ['46701234567', 1, 1],
  ]);
  expect(sms.map((x) => x.text)).toEqual([
    expect.stringContaining('Du har en bokad tid'),
    expect.stringContaining('börjar'),
  ]);
  const [{ personnummer }] = await rows<{ personnummer: string }>('select personnummer from patient where id = ?', [
    f.adultId,
  ]);
  for (const x of sms) {
    expect(x.text).toContain(`/mina-sidor/moten/${id}`);
    expect(x.text).not.toContain(REASON);
    expect(x.text).not.toContain(personnummer);
    expect(x.text).not.toContain(personnummer.replace('-', '').slice(2));
  }
  // The mail reminder went too, to the patient's address, without the reason either.
  const mail = worker.mailer.sent.filter((x) => x.subject.startsWith('Påminnelse'));
  expect(mail).toHaveLength(1);
  expect(mail[0].text).not.toContain(REASON);

  // Each SMS is in the Utkorg once, and its delivery receipt marks it delivered.
  await waitFor(
    async () => {
      const out = await rows<{ delivery_status: string | null }>(
        "select delivery_status from outbox_message where encounter_id = ? and channel = 'sms'",
        [id],
      );
      return out.length === 2 && out.every((o) => o.delivery_status === 'delivered');
    },
    'both SMS delivered in the Utkorg',
    15_000,
  );
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
  await handle.result();
  await maybeRecordHistory(handle, 'reminders');
});

it('with the SMS centre down: the SMS is retried, then a visible failure, and the mail still goes out', async () => {
  const down = await startTestSmsc({ port: 0, host: '127.0.0.1', password: PASSWORD });
  const url = down.url;
  await down.stop();
  const deadGateway = gatewayTo(url);
  worker = await startTestWorker(ctx, { sms: deadGateway });
  try {
    const { id, handle } = await startBooked(10);
    const state = await waitForState(
      handle,
      (s) => events(s, 'reminder-failed').length >= 2 && events(s, 'reminder-sent').length >= 1,
      60_000,
    );
    expect(events(state, 'reminder-failed').map((t) => [t.detail?.kind, t.outcome])).toEqual([
      ['booked', 'sms'],
      ['before-meeting', 'sms'],
    ]);
    expect(events(state, 'reminder-sent')[0]).toMatchObject({
      outcome: 'before-meeting',
      detail: { channels: ['mail'] },
    });
    expect(worker.mailer.sent.filter((x) => x.subject.startsWith('Påminnelse'))).toHaveLength(1);
    const out = await rows<{ status: string; error: string | null }>(
      "select status, error from outbox_message where encounter_id = ? and channel = 'sms' order by created_at",
      [id],
    );
    expect(out.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(out[0].error).toBeTruthy();
    await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
    await handle.result();
    await maybeRecordHistory(handle, 'reminders-sms-down');
  } finally {
    await deadGateway.close();
  }
});

it('a worker stopped between the timer and the send: each reminder is sent exactly once after it comes back', async () => {
  worker = await startTestWorker(ctx, { sms: gateway });
  // The reminder 16 s before a meeting 26 s away: its timer (10 s from now) fires while no worker
  // runs, and the worker is back well before the start even on a busy machine.
  const { id, handle } = await startBooked(26, { ...FAST, beforeMeetingSeconds: 16 });
  await waitForState(handle, (s) => events(s, 'reminder-sent').length === 1, 20_000);
  await worker.stop();
  worker = undefined;
  await new Promise((r) => setTimeout(r, 12_000));
  worker = await startTestWorker(ctx, { sms: gateway });
  const state = await waitForState(handle, (s) => events(s, 'reminder-sent').length === 2, 30_000);
  expect(events(state, 'reminder-sent').map((t) => t.outcome)).toEqual(['booked', 'before-meeting']);
  const out = await rows<{ idempotency_key: string }>(
    "select idempotency_key from outbox_message where encounter_id = ? and idempotency_key like '%:reminder:%'",
    [id],
  );
  expect(out.map((o) => o.idempotency_key.split(':').slice(2, 3)[0]).sort()).toEqual([
    'before-meeting',
    'before-meeting',
    'booked',
  ]);
  expect(smsFor(id)).toHaveLength(2);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('the patient confirms from the reminder, then waits unnoticed: one SMS to the clinician and one to the unit, the time on the patient state', async () => {
  worker = await startTestWorker(ctx, { sms: gateway });
  await rows('update clinician set phone = ? where id = ?', ['+46701110001', f.clinicianId]);
  await rows('update care_unit set phone = ? where id = ?', ['08-123 456 78', f.unitId]);
  const { id, handle } = await startBooked(6, { ...FAST, beforeMeetingSeconds: null, waitingAlertSeconds: 2 });
  const patient: m.Actor = { id: f.adultPnr, role: 'patient' };
  const confirmed = await handle.executeUpdate(m.confirmAttendanceUpdate, {
    args: [{ actor: patient, source: 'reminder' }],
  });
  expect(confirmed.attendanceConfirmedAt?.startsAt).toBe(confirmed.slot?.startsAt);
  expect(events(confirmed, 'attendance-confirmed')[0].detail).toEqual({ source: 'reminder' });
  await waitForStatus(handle, 'video');
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
  const alerted = await waitForState(handle, (s) => !!s.waitingRoom?.alertedAt, 20_000);
  expect(Date.parse(alerted.waitingRoom!.alertedAt!) - Date.parse(alerted.waitingRoom!.since)).toBeGreaterThanOrEqual(
    2000,
  );
  expect(events(alerted, 'waiting-alert-sent')[0].detail).toMatchObject({ recipients: 2 });
  const alerts = smsc.messages.filter((x) => x.text.includes(`/admin/encounters/${id}`));
  expect(alerts.map((x) => x.to.replace(/^\+/, '')).sort()).toEqual(['46701110001', '46812345678']);
  expect(alerts[0].text).toContain('En patient väntar i väntrummet');
  // Said once: the clinician joining and the patient leaving and coming back send nothing more.
  await handle.signal(m.participantJoinedSignal, { role: 'clinician', source: 'test' });
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
  await handle.result();
  expect(smsc.messages.filter((x) => x.text.includes(`/admin/encounters/${id}`))).toHaveLength(2);
  await maybeRecordHistory(handle, 'reminders-waiting');
});

it('an open kallelse not booked in time gets its reminder by SMS and mail, pointing to 1177', async () => {
  worker = await startTestWorker(ctx, { sms: gateway });
  const reminders = { ...FAST, beforeMeetingSeconds: null, openInvitationSeconds: 2 };
  const { id, handle } = await startEncounter(
    ctx,
    f,
    f.adultId,
    { reminders },
    { invitation: { purpose: 'Kontroll' } },
  );
  const state = await waitForState(handle, (s) => events(s, 'reminder-sent').length === 1, 20_000);
  expect(events(state, 'reminder-sent')[0]).toMatchObject({
    outcome: 'open-invitation',
    detail: { channels: ['mail', 'sms'] },
  });
  expect(smsFor(id).map((x) => x.text)).toEqual([expect.stringContaining('Välj en tid på 1177.se')]);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
  await handle.result();
  await maybeRecordHistory(handle, 'reminders-open-invitation');
});
