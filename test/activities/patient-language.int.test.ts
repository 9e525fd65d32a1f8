/**
 * Mails go out in the patient's language (issue 28): to a patient who chose English, the kallelse, a
 * reminder (mail and SMS) and the invoice with its document are English; to one who did not choose,
 * Swedish; a child's mail read by a guardian who chose English is English.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { createReminderActivities } from '../../activities/reminders';
import { createPdfRenderer } from '../../documents/pdf';
import { setLanguage } from '../../db/people';
import { swedishIn } from '../support/catalogue';
import { createFakeRooms } from '../../media/rooms';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { captureMailer, captureSms } from '../../testkit/worker';
import { DEFAULT_POLICY } from '../../workflows/encounter.messages';

jest.setTimeout(60_000);
let ctx: TestContext;
let f: FixtureWith<'guardian'>;
let acts: ReturnType<typeof createActivities>;
let reminders: ReturnType<typeof createReminderActivities>;
let pdf: ReturnType<typeof createPdfRenderer>;
const mailer = captureMailer();
const sms = captureSms();

beforeAll(async () => {
  ctx = await connect();
  pdf = createPdfRenderer(ctx.config.chromiumPath);
  acts = createActivities({
    orm: ctx.orm,
    mailer,
    rooms: createFakeRooms(),
    pdf,
    finance: ctx.config.finance,
  });
  reminders = createReminderActivities({ orm: ctx.orm, mailer, sms, publicUrl: 'https://vardmote.example.se' });
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['guardian'] });
  mailer.sent.length = 0;
  sms.sent.length = 0;
});
afterAll(async () => {
  await pdf?.close();
  await ctx?.close();
});

const sql = <T>(q: string, p: unknown[] = []) => ctx.orm.em.fork().execute<T[]>(q, p);

async function encounterFor(patientId: string, status = 'pre-meeting'): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into encounter (id, workflow_id, patient_id, care_unit_id, clinician_id, status, step, scheduled_start)
     values (?, ?, ?, ?, ?, ?, ?, now() + interval '2 hours')`,
    [id, `encounter-${id}`, patientId, f.unitId, f.clinicianId, status, status],
  );
  return id;
}

it('an English-choosing patient gets the kallelse, a reminder and an invoice in English', async () => {
  await setLanguage(ctx.orm.em.fork(), f.adultId, 'en');
  await sql('update patient set phone = ? where id = ?', ['0701234567', f.adultId]);
  const enc = await encounterFor(f.adultId);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 20_000);
  await acts.sendInvitation({ encounterId: enc, slotId: slot.id, policy: DEFAULT_POLICY });
  await reminders.sendReminder({
    encounterId: enc,
    kind: 'day-before',
    startsAt: slot.startsAt.toISOString(),
    channel: 'mail',
  });
  await reminders.sendReminder({
    encounterId: enc,
    kind: 'booked',
    startsAt: slot.startsAt.toISOString(),
    channel: 'sms',
  });
  const [invitation, reminder] = mailer.sent;
  expect(invitation.subject).toMatch(/^Invitation: digital care meeting /);
  expect(invitation.html).toContain('Invitation to a digital care meeting');
  expect(invitation.text).toContain('Kind regards');
  expect(invitation.text).toMatch(/no-show fee is charged \(400,00\skr\)/);
  expect(reminder.subject).toMatch(/^Reminder: digital care meeting /);
  expect(reminder.text).toMatch(/\(Swedish time\)/);
  expect(sms.sent[0].text).toMatch(
    /You have a booked time for a digital care meeting [A-Z][a-z]+day, \d+ [A-Z][a-z]+ at \d\d:\d\d/,
  );
  for (const m of [invitation, reminder]) expect(swedishIn(`${m.subject} ${m.text}`)).toEqual([]);
  expect(swedishIn(sms.sent[0].text)).toEqual([]);

  // A no-show fee, billed to the patient: the invoice document and its mail in English.
  await sql(`update encounter set status = 'fee', step = 'fee' where id = ?`, [enc]);
  await acts.recordFee({ encounterId: enc, kind: 'no-show', visitDate: '2026-03-02', modality: 'video' });
  const inv = await acts.issueInvoice({ billingKey: `t:${enc}`, patientId: f.adultId, careUnitId: f.unitId });
  expect(inv).not.toBeNull();
  const [doc] = await sql<{ document_html: string }>('select document_html from invoice where id = ?', [
    inv!.invoiceId,
  ]);
  expect(doc.document_html).toContain('<html lang="en">');
  expect(doc.document_html).toContain('No-show fee');
  expect(doc.document_html).toContain('Pay ');
  expect(swedishIn(doc.document_html.replace(/<[^>]+>/g, ' '))).toEqual([]);
  await acts.sendInvoiceDocument({ invoiceId: inv!.invoiceId, document: 'invoice' });
  const mail = mailer.sent.at(-1)!;
  expect(mail.subject).toMatch(/^Invoice F\S+ from /);
  expect(mail.text).toContain('The document is attached as a PDF.');
});

it('a patient who chose nothing gets Swedish, and a guardian who chose English reads the child’s mail in English', async () => {
  const enc = await encounterFor(f.adultId);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 20_000);
  await acts.sendInvitation({ encounterId: enc, slotId: slot.id, policy: DEFAULT_POLICY });
  expect(mailer.sent[0].subject).toMatch(/^Kallelse: digitalt vårdmöte /);
  expect(mailer.sent[0].html).toContain('Kallelse till digitalt vårdmöte');

  // The child has no address of its own: the guardian reads it, in the guardian's language.
  await sql('update patient set email = null where id = ?', [f.childId]);
  await setLanguage(ctx.orm.em.fork(), f.guardianId, 'en');
  const child = await encounterFor(f.childId);
  const other = await makeSlot(ctx.orm, f.clinicianId, 30_000);
  await acts.sendInvitation({ encounterId: child, slotId: other.id, policy: DEFAULT_POLICY });
  const toGuardian = mailer.sent.at(-1)!;
  expect(toGuardian.subject).toMatch(/^Invitation: digital care meeting /);
  const [g] = await sql<{ email: string }>('select email from patient where id = ?', [f.guardianId]);
  expect(toGuardian.to).toBe(g.email);
});
