/** Loggar: who accessed a patient's data, found by patient, staff member and period; the patient's extract; a sample. */
import { useApiStack } from '../support/app';
import { startEncounter } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const stack = useApiStack();

it('a quality lead finds every access to one patient, prints the extract and draws a sample; each search is itself logged', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id } = await startEncounter(stack.ctx, f, f.adultId);
  const admin = await login(stack.app, { hsaId: f.staff.careAdmin, name: 'Eva Admin' });
  await admin.get(`/admin/encounters/${id}`).expect(200);
  const lead = await login(stack.app, { hsaId: f.staff.qualityLead });

  const found = (await lead.post('/admin/logs').type('form').send({ personnummer: f.adultPnr }).expect(200)).text;
  expect(found).toContain(`careAdmin Test (${f.staff.careAdmin})`);
  expect(found).toContain('läste');
  const byStaff = (await lead.get('/admin/logs').query({ hsaId: f.staff.careAdmin }).expect(200)).text;
  expect(byStaff).toContain('Vuxen Testsson');

  const extract = (await lead.get('/admin/logs/extract').query({ patientId: f.adultId }).expect(200)).text;
  expect(extract).toContain('Utdrag ur Vårdmötes åtkomstlogg');
  expect(extract).toContain(f.adultPnr);
  expect(extract).toContain(f.staff.careAdmin);

  const sample = (await lead.get('/admin/logs/sample').query({ n: 5 }).expect(200)).text;
  expect((sample.match(/<tr><td>/g) ?? []).length).toBeGreaterThan(0);

  // The quality lead's own look at the patient's log is in the log too.
  const rows = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ action: string; target: string }>>(
      'select action, target from audit_log where actor = ? and patient_id = ?',
      [f.staff.qualityLead, f.adultId],
    );
  expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual(
    expect.arrayContaining(['read access-log', 'export access-log:extract']),
  );
  // A sysadmin may read the log; a care administrator may not.
  await admin.get('/admin/logs').expect(403);
  await (await login(stack.app, { hsaId: f.staff.sysadmin })).get('/admin/logs').expect(200);
  await lead.post('/admin/logs').type('form').send({ personnummer: '123' }).expect(400);
});
