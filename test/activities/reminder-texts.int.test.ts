/**
 * What reminders say and to whom (issue 27): every template — each kind's SMS and mail, and the
 * waiting-room SMS — carries the unit, the time and the link, and never the patient's name,
 * personnummer or the journal note (the reason for the visit, in the workflow's input only, is checked
 * in test/workflows/reminders.int.test.ts); the patient's choice of channel and a
 * child's guardian are honoured; the same reminder twice is stored and sent once.
 */
import { randomUUID } from 'node:crypto';
import { createReminderActivities } from '../../activities/reminders';
import { writeJournalNote } from '../../db/encounters';
import { REMINDER_KINDS } from '../../domain/reminders';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture } from '../../testkit/fixtures';
import { captureMailer, captureSms } from '../../testkit/worker';

const NOTE = 'Bedömning: misstänkt hypertoni, ny kontroll om två veckor.';
const STARTS = '2026-12-08T13:00:00.000Z';
const PUBLIC = 'https://vardmote.example.se';

let ctx: TestContext;
let f: FixtureWith<'guardian' | 'protected-child'>;
const mailer = captureMailer();
const sms = captureSms();
let acts: ReturnType<typeof createReminderActivities>;

const sql = <T>(q: string, p: unknown[] = []) => ctx.orm.em.fork().execute<T[]>(q, p);

beforeAll(async () => {
  ctx = await connect();
  acts = createReminderActivities({ orm: ctx.orm, mailer, sms, publicUrl: PUBLIC });
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['guardian', 'protected-child'] });
  mailer.sent.length = 0;
  sms.sent.length = 0;
});
afterAll(() => ctx?.close());

/** A booked encounter row with its journal note written (what a leak would copy from). */
async function encounterFor(patientId: string): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into encounter (id, workflow_id, patient_id, care_unit_id, clinician_id, status, step, scheduled_start)
     values (?, ?, ?, ?, ?, 'pre-meeting', 'pre-meeting', ?)`,
    [id, `encounter-${id}`, patientId, f.unitId, f.clinicianId, STARTS],
  );
  await writeJournalNote(ctx.orm.em.fork(), {
    encounterId: id,
    authorId: f.clinicianId,
    text: NOTE,
    contactDate: '2026-12-08',
  });
  return id;
}

it('no reminder template carries a name, personnummer or note text — only unit, time and link', async () => {
  await sql('update patient set phone = ? where id = ?', ['0701234567', f.adultId]);
  await sql('update clinician set phone = ? where id = ?', ['0709999999', f.clinicianId]);
  const id = await encounterFor(f.adultId);
  for (const kind of REMINDER_KINDS) {
    const startsAt = kind === 'open-invitation' ? null : STARTS;
    for (const channel of ['mail', 'sms'] as const) {
      const res = await acts.sendReminder({ encounterId: id, kind, startsAt, channel });
      expect(res.status).toBe('sent');
    }
  }
  await acts.sendWaitingAlert({ encounterId: id });
  const [p] = await sql<{ personnummer: string; given_name: string; family_name: string }>(
    'select personnummer, given_name, family_name from patient where id = ?',
    [f.adultId],
  );
  const [unit] = await sql<{ name: string }>('select name from care_unit where id = ?', [f.unitId]);
  const digits = p.personnummer.replace('-', '');
  const forbidden = [p.personnummer, digits, digits.slice(2), p.given_name, p.family_name, NOTE];
  const texts = [...mailer.sent.flatMap((x) => [x.subject, x.html, x.text]), ...sms.sent.map((x) => x.text)];
  expect(mailer.sent).toHaveLength(REMINDER_KINDS.length);
  expect(sms.sent).toHaveLength(REMINDER_KINDS.length + 1);
  for (const text of texts) for (const word of forbidden) expect(text).not.toContain(word);
  for (const x of [...mailer.sent.map((m) => m.text), ...sms.sent.map((s) => s.text)]) {
    expect(x).toContain(unit.name);
    expect(x).toContain(PUBLIC);
  }
  // The booked time in Stockholm (14:00 CET), in every reminder that has one.
  expect(sms.sent.filter((x) => x.text.includes('kl. 14:00'))).toHaveLength(REMINDER_KINDS.length);
});

it("the patient's choice decides the channel; a child's reminders go to the guardian's number; one send per reminder", async () => {
  await sql('update patient set phone = null, email = null where id = ?', [f.childId]);
  await sql('update patient set phone = ? where id = ?', ['+46705550001', f.guardianId]);
  const id = await encounterFor(f.childId);
  const send = (channel: 'mail' | 'sms') =>
    acts.sendReminder({ encounterId: id, kind: 'day-before', startsAt: STARTS, channel });
  expect((await send('sms')).status).toBe('sent');
  expect((await send('sms')).status).toBe('sent');
  expect(sms.sent.map((x) => x.to)).toEqual(['+46705550001']);

  await sql("update patient set reminder_channels = 'mail' where id = ?", [f.childId]);
  const other = await encounterFor(f.childId);
  expect(
    (await acts.sendReminder({ encounterId: other, kind: 'day-before', startsAt: STARTS, channel: 'sms' })).status,
  ).toBe('skipped');
  await sql("update patient set reminder_channels = 'none' where id = ?", [f.childId]);
  expect(
    (await acts.sendReminder({ encounterId: other, kind: 'day-before', startsAt: STARTS, channel: 'mail' })).status,
  ).toBe('skipped');
  expect(sms.sent).toHaveLength(1);
  const rows = await sql<{ n: string }>(
    "select count(*) as n from outbox_message where encounter_id in (?, ?) and channel = 'sms'",
    [id, other],
  );
  expect(Number(rows[0].n)).toBe(1);
});

it('a child with protected identity gets no reminder through a guardian (RULES.md §4: no proxy)', async () => {
  await sql('update patient set phone = null, email = null where id = ?', [f.protectedChildId]);
  await sql('update patient set phone = ? where id in (select guardian_id from guardian_link where child_id = ?)', [
    '+46705550002',
    f.protectedChildId,
  ]);
  const id = await encounterFor(f.protectedChildId);
  for (const channel of ['sms', 'mail'] as const)
    expect((await acts.sendReminder({ encounterId: id, kind: 'day-before', startsAt: STARTS, channel })).status).toBe(
      'skipped',
    );
  expect(sms.sent).toEqual([]);
});
