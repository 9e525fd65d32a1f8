/**
 * Scope is part of each route's declaration (issue 22, the third security review): a care
 * administrator or quality lead of one unit (Borås) finds nothing of another (Södermalm) in the
 * Utkorg or the access log, and a sysadmin reads no patient's rows there.
 */
import { randomUUID } from 'node:crypto';
import { enqueueMail } from '../../db/outbox';
import { bgmaxFile } from '../../domain/bgmax-file';
import { noShowInvoice } from '../support/finance';
import { useApiStack } from '../support/app';
import { startEncounter } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const stack = useApiStack();

it('a Borås care administrator finds nothing of Södermalm in the Utkorg, page and API; Södermalm’s finds its own', async () => {
  const sodermalm = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const boras = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id } = await startEncounter(stack.ctx, sodermalm, sodermalm.adultId);
  const secret = `Annas meddelande ${randomUUID()}`;
  await enqueueMail(stack.ctx.orm.em.fork(), {
    idempotencyKey: `test:${id}`,
    encounterId: id,
    careUnitId: sodermalm.unitId,
    patientId: sodermalm.adultId,
    recipient: `anna-${id}@example.se`,
    subject: 'Nytt meddelande',
    html: `<p>${secret}</p>`,
    text: secret,
  });

  const borasAdmin = await login(stack.app, { hsaId: boras.staff.careAdmin });
  const page = (await borasAdmin.get('/admin/outbox').expect(200)).text;
  expect(page).not.toContain(secret);
  expect(page).not.toContain(`anna-${id}@example.se`);
  const api = (await borasAdmin.get('/api/outbox').expect(200)).body as Array<{ encounterId: string | null }>;
  expect(api.some((m) => m.encounterId === id)).toBe(false);

  const ownAdmin = await login(stack.app, { hsaId: sodermalm.staff.careAdmin });
  expect((await ownAdmin.get('/admin/outbox').expect(200)).text).toContain(secret);
  // The read is logged with the patient whose mail it showed, under the mail's unit.
  const rows = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ care_unit_id: string }>>(
      `select care_unit_id from audit_log where actor = ? and target = 'admin:outbox' and patient_id = ?`,
      [sodermalm.staff.careAdmin, sodermalm.adultId],
    );
  expect(rows.map((r) => r.care_unit_id)).toEqual([sodermalm.unitId]);
});

it('a quality lead with one unit’s grant finds no access-log rows, extract lines or spot-check rows of another unit; sysadmin reads none about patients', async () => {
  const sodermalm = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const boras = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id } = await startEncounter(stack.ctx, sodermalm, sodermalm.adultId);
  await (await login(stack.app, { hsaId: sodermalm.staff.careAdmin })).get(`/admin/encounters/${id}`).expect(200);

  const own = await login(stack.app, { hsaId: sodermalm.staff.qualityLead });
  const ownRows = (await own.post('/admin/logs').type('form').send({ personnummer: sodermalm.adultPnr }).expect(200))
    .text;
  expect(ownRows).toContain(sodermalm.staff.careAdmin);

  const other = await login(stack.app, { hsaId: boras.staff.qualityLead });
  const found = (await other.post('/admin/logs').type('form').send({ personnummer: sodermalm.adultPnr }).expect(200))
    .text;
  expect(found).not.toContain(sodermalm.staff.careAdmin);
  expect(found).toContain('Inga loggrader.');
  const byStaff = (await other.get('/admin/logs').query({ hsaId: sodermalm.staff.careAdmin }).expect(200)).text;
  expect(byStaff).toContain('Inga loggrader.');
  const extract = (await other.get('/admin/logs/extract').query({ patientId: sodermalm.adultId }).expect(200)).text;
  expect(extract).not.toContain(sodermalm.staff.careAdmin);
  const sample = (await other.get('/admin/logs/sample').query({ n: 200 }).expect(200)).text;
  expect(sample).not.toContain(sodermalm.staff.careAdmin);

  const sysadmin = await login(stack.app, { hsaId: sodermalm.staff.sysadmin });
  const technical = (await sysadmin.get('/admin/logs').query({ hsaId: sodermalm.staff.careAdmin }).expect(200)).text;
  expect(technical).not.toContain('Vuxen Testsson');
});

it('the printed extract names the patient, and others by name, unit and role, never by their personnummer', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id } = await startEncounter(stack.ctx, f, f.adultId);
  await (await login(stack.app, { hsaId: f.staff.careAdmin })).get(`/admin/encounters/${id}`).expect(200);
  const lead = await login(stack.app, { hsaId: f.staff.qualityLead });
  const extract = (await lead.get('/admin/logs/extract').query({ patientId: f.adultId }).expect(200)).text;
  expect(extract).toContain(`Testenheten ${f.unitId.slice(0, 4)}`);
  // A search by personnummer is a POST: the GET form of old finds no patient by it.
  const byGet = (await lead.get('/admin/logs').query({ personnummer: f.adultPnr }).expect(200)).text;
  expect(byGet).not.toContain(f.staff.careAdmin);
});

it('a finance user of one unit sees an import’s payments to that unit’s invoices and the unmatched ones, never another unit’s', async () => {
  const sodermalm = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const boras = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { invoice } = await noShowInvoice(stack.ctx, sodermalm);
  // A finance user with Borås only (the fixture's finance user holds every unit).
  const hsaId = `HSA-finance-boras-${boras.unitId}`;
  const staffId = randomUUID();
  const em = stack.ctx.orm.em.fork();
  await em.execute(
    `insert into staff (id, hsa_id, given_name, family_name, title) values (?, ?, 'Bo', 'Ekonom', 'Ekonom')`,
    [staffId, hsaId],
  );
  await em.execute(`insert into staff_role (staff_id, role, care_unit_id) values (?, 'finance', ?)`, [
    staffId,
    boras.unitId,
  ]);

  const serial = Date.now() % 1e9;
  const file = bgmaxFile([
    { ocr: invoice.ocr!, ore: 40_000, serial, payerName: 'SODERMALMS BETALARE' },
    { text: 'OKAND REFERENS', ore: 1_000, serial: serial + 1, payerName: 'OKAND BETALARE' },
  ]);
  const all = await login(stack.app, { hsaId: sodermalm.staff.finance });
  const imported = await all
    .post('/api/finance/bgmax?name=bgmax.txt')
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(file, 'latin1'))
    .expect(201);
  const page = `/admin/ekonomi/inlasningar/${imported.body.importId}`;
  const everyUnit = (await all.get(page).expect(200)).text;
  expect(everyUnit).toContain('SODERMALMS BETALARE');
  expect(everyUnit).toContain('OKAND BETALARE');

  const borasOnly = (await (await login(stack.app, { hsaId })).get(page).expect(200)).text;
  expect(borasOnly).not.toContain('SODERMALMS BETALARE');
  expect(borasOnly).toContain('OKAND BETALARE');
  // Nor the invoice itself.
  await (await login(stack.app, { hsaId })).get(`/admin/ekonomi/fakturor/${invoice.id}`).expect(404);
});
