/**
 * Påminnelser (issue 27): a sysadmin keeps their unit's reminder policy and SMS number; the next
 * encounter created for the unit carries that policy in its workflow input, one created before keeps
 * its own; a sysadmin of another unit may not change it; a bad hour or phone number is refused naming
 * the field, with nothing saved.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { findCareUnit } from '../../db/care';
import { AuditLog } from '../../db/entities';
import { ensureStaff } from '../../db/staff';
import { DEFAULT_REMINDER_POLICY } from '../../domain/reminders';
import { EncryptionCodec } from '../../temporal/codec';
import type { EncounterInput } from '../../workflows/encounter.messages';
import { startEncounter } from '../../testkit/drive';
import { makeFixture, type FixtureWith } from '../../testkit/fixtures';
import { login, type LoggedIn } from '../../testkit/login';
import { useApiStack } from '../support/app';

jest.setTimeout(90_000);
const api = useApiStack();
let f: FixtureWith<'staff'>;
let sysadmin: LoggedIn;

/** The form as a sysadmin fills it in: a policy unlike the default in every field. */
const FORM = {
  atBooking: 'nej',
  dayBeforeHour: '9',
  dayBeforeWorkingDay: 'ja',
  beforeMeetingMinutes: '30',
  openInvitationDays: '',
  waitingAlertMinutes: '2',
  phone: '070-174 06 50',
};

beforeAll(async () => {
  f = await makeFixture(api.ctx.orm, { with: ['staff'] });
  sysadmin = await login(api.app, { hsaId: f.staff.sysadmin });
});

/** The input the encounter's workflow was started with, read from its history through our codec. */
async function inputOf(handle: WorkflowHandle): Promise<EncounterInput> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payloads = (started?.input?.payloads ?? []) as Payload[];
  const [clear] = await new EncryptionCodec(api.ctx.config.payloadKeys).decode(payloads);
  return defaultPayloadConverter.fromPayload<EncounterInput>(clear);
}

const unitRow = async (id: string) => (await findCareUnit(api.ctx.orm.em.fork(), id))!;

it('a sysadmin saves the unit’s reminders; the next encounter carries them, an earlier one keeps the default', async () => {
  const page = await sysadmin.get('/admin/paminnelser').expect(200);
  expect(page.text).toContain(`/admin/paminnelser/${f.unitId}`);
  expect(page.text).toContain('Ändringar gäller vårdmöten som skapas efter ändringen');
  expect(page.text).toContain('Standardinställningar');
  const before = await startEncounter(api.ctx, f, f.adultId);

  const saved = await sysadmin.post(`/admin/paminnelser/${f.unitId}`, FORM).type('form').expect(303);
  expect(saved.headers.location).toBe(`/admin/paminnelser?sparad=${f.unitId}#enhet-${f.unitId}`);
  const expected = {
    atBooking: false,
    dayBeforeHour: 9,
    dayBeforeWorkingDay: true,
    beforeMeetingSeconds: 30 * 60,
    openInvitationSeconds: null,
    waitingAlertSeconds: 2 * 60,
    smsAttempts: DEFAULT_REMINDER_POLICY.smsAttempts,
  };
  const unit = await unitRow(f.unitId);
  expect(unit.reminderPolicy).toEqual(expected);
  expect(unit.phone).toBe('+46701740650');

  const after = await startEncounter(api.ctx, f, f.adultId);
  expect((await inputOf(after.handle)).policy.reminders).toEqual(expected);
  expect((await inputOf(before.handle)).policy.reminders).toEqual(DEFAULT_REMINDER_POLICY);

  // The page shows what was saved, that it applies from now on, and the number as stored.
  const shown = await sysadmin.get(`/admin/paminnelser?sparad=${f.unitId}`).expect(200);
  expect(shown.text).toContain('Sparat. Inställningarna gäller vårdmöten som skapas från och med nu.');
  expect(shown.text).toContain('Enhetens egna inställningar.');
  expect(shown.text).toMatch(new RegExp(`id="dayBeforeHour-${f.unitId}"[^>]*value="9"`));
  expect(shown.text).toContain('value="+46701740650"');

  // The change is in the access log, with who made it.
  const logged = await api.ctx.orm.em
    .fork()
    .findOne(AuditLog, { target: `care-unit:${f.unitId}:paminnelser`, action: 'update' });
  expect(logged).toMatchObject({ actor: f.staff.sysadmin, careUnitId: f.unitId });
});

it('a sysadmin of another unit cannot change this unit’s reminders, nor sees its form', async () => {
  const other = await makeFixture(api.ctx.orm);
  const hsaId = `HSA-sysadmin-unit-${other.unitId}`;
  await ensureStaff(api.ctx.orm.em.fork(), [
    {
      id: randomUUID(),
      hsaId,
      givenName: 'Sysadmin',
      familyName: 'Annan enhet',
      title: 'Systemförvaltare',
      grants: [{ role: 'sysadmin', careUnitId: other.unitId }],
    },
  ]);
  const theirs = await login(api.app, { hsaId });
  const page = await theirs.get('/admin/paminnelser').expect(200);
  expect(page.text).toContain(`/admin/paminnelser/${other.unitId}`);
  expect(page.text).not.toContain(`/admin/paminnelser/${f.unitId}`);

  const policyBefore = (await unitRow(f.unitId)).reminderPolicy ?? null;
  await theirs
    .post(`/admin/paminnelser/${f.unitId}`, { ...FORM, dayBeforeHour: '6' })
    .type('form')
    .expect(403);
  await theirs.post(`/admin/paminnelser/${randomUUID()}`, FORM).type('form').expect(404);
  await theirs.post('/admin/paminnelser/inte-en-enhet', FORM).type('form').expect(404);
  expect((await unitRow(f.unitId)).reminderPolicy ?? null).toEqual(policyBefore);
  // Their own unit they may change.
  await theirs.post(`/admin/paminnelser/${other.unitId}`, FORM).type('form').expect(303);

  const careAdmin = await login(api.app, { hsaId: f.staff.careAdmin });
  await careAdmin.get('/admin/paminnelser').expect(403);
  await careAdmin.post(`/admin/paminnelser/${f.unitId}`, FORM).type('form').expect(403);
});

it.each([
  ['dayBeforeHour', '24', 'Påminnelse dagen före, klockan: ange ett heltal 0–23, eller lämna tomt'],
  ['dayBeforeHour', '18.5', 'Påminnelse dagen före, klockan: ange ett heltal 0–23, eller lämna tomt'],
  ['phone', '12345', 'Mottagningens SMS-nummer: inget telefonnummer'],
  ['phone', 'ring mig', 'Mottagningens SMS-nummer: inget telefonnummer'],
  ['beforeMeetingMinutes', '0', 'Påminnelse före mötet, minuter: ange ett heltal 1–1440, eller lämna tomt'],
  ['atBooking', 'kanske', 'SMS vid bokning: välj ja eller nej'],
])('%s = %j is refused with 400 naming the field, and nothing is saved', async (field, value, message) => {
  const fresh = await makeFixture(api.ctx.orm);
  const bad = await sysadmin
    .post(`/admin/paminnelser/${fresh.unitId}`, { ...FORM, [field]: value })
    .type('form')
    .expect(400);
  expect(bad.text).toContain(message);
  // The form shows what was posted, with the field marked.
  expect(bad.text).toMatch(new RegExp(`id="${field}-${fresh.unitId}"[^>]*aria-invalid="true"`));
  const unit = await unitRow(fresh.unitId);
  expect(unit.reminderPolicy ?? null).toBeNull();
  expect(unit.phone ?? null).toBeNull();
});

it('empty fields turn reminders off; the number is optional', async () => {
  const fresh = await makeFixture(api.ctx.orm);
  await sysadmin
    .post(`/admin/paminnelser/${fresh.unitId}`, {
      atBooking: 'ja',
      dayBeforeHour: '',
      dayBeforeWorkingDay: 'nej',
      beforeMeetingMinutes: 'av',
      openInvitationDays: '3',
      waitingAlertMinutes: '',
      phone: '',
    })
    .type('form')
    .expect(303);
  const unit = await unitRow(fresh.unitId);
  expect(unit.reminderPolicy).toMatchObject({
    atBooking: true,
    dayBeforeHour: null,
    beforeMeetingSeconds: null,
    openInvitationSeconds: 3 * 24 * 3600,
    waitingAlertSeconds: null,
  });
  expect(unit.phone).toBeNull();
});
