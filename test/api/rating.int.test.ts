/** The patient's rating of a closed encounter (issue 27): once, only by the patient or their guardian, with Swedish 4xx, and on Uppföljning. */
import { randomUUID } from 'node:crypto';
import { useApiStack } from '../support/app';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const stack = useApiStack();

/** An encounter row as the workflow's projection leaves it (status and meeting time), in a test month. */
async function encounterRow(f: { unitId: string }, patientId: string, status: string, start: string) {
  const id = randomUUID();
  await stack.ctx.orm.em
    .fork()
    .execute(
      'insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step, scheduled_start) values (?, ?, ?, ?, ?, ?, ?)',
      [id, `encounter-${id}`, patientId, f.unitId, status, status === 'closed' ? 'closed' : 'video', new Date(start)],
    );
  return id;
}

const ratingOf = (encounterId: string) =>
  stack.ctx.orm.em
    .fork()
    .execute<Array<{ score: number; comment: string | null; month: string; care_unit_id: string; rated_as: string }>>(
      'select score, comment, month, care_unit_id, rated_as from rating where encounter_id = ?',
      [encounterId],
    );

it('rates a closed encounter once: 303 and the row, thanks on Mina sidor; a second time 409; the log holds no comment', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const id = await encounterRow(f, f.adultId, 'closed', '2026-04-14T12:00:00Z');
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const before = (await patient.get('/mina-sidor').expect(200)).text;
  expect(before).toContain(`action="/mina-sidor/moten/${id}/betyg"`);
  expect(before).toContain('<legend>Hur nöjd är du med ditt digitala vårdmöte?</legend>');
  expect(before).toContain('1 – Mycket missnöjd');
  expect(before).toContain('5 – Mycket nöjd');

  const res = await patient
    .post(`/mina-sidor/moten/${id}/betyg`)
    .type('form')
    .send({ score: '4', comment: 'Hemlig kommentar om min mage' })
    .expect(303);
  expect(res.headers.location).toMatch(/^\/mina-sidor\?betyg/);
  expect(await ratingOf(id)).toEqual([
    {
      score: 4,
      comment: 'Hemlig kommentar om min mage',
      month: '2026-04',
      care_unit_id: f.unitId,
      rated_as: 'patient',
    },
  ]);

  const after = (await patient.get('/mina-sidor?betyg').expect(200)).text;
  expect(after).toContain('Tack för ditt betyg: 4 av 5 (Nöjd).');
  expect(after).not.toContain(`action="/mina-sidor/moten/${id}/betyg"`);

  const again = await patient.post(`/mina-sidor/moten/${id}/betyg`).type('form').send({ score: '1' }).expect(409);
  expect(again.body.message).toBe('Du har redan betygsatt vårdmötet');
  expect((await ratingOf(id))[0].score).toBe(4);

  const logged = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ action: string; detail: unknown }>>(
      `select action, detail from audit_log where target = ? and action = 'rate'`,
      [`encounter:${id}`],
    );
  expect(logged).toHaveLength(1);
  expect(JSON.stringify(logged)).not.toContain('Hemlig');
});

it('a guardian rates their child’s encounter; another patient gets 404 and no row', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['guardian'] });
  const id = await encounterRow(f, f.childId, 'closed', '2026-04-15T08:00:00Z');
  const stranger = await login(stack.app, { personnummer: f.adultPnr });
  await stranger.post(`/mina-sidor/moten/${id}/betyg`).type('form').send({ score: '2' }).expect(404);
  expect(await ratingOf(id)).toEqual([]);

  const guardian = await login(stack.app, { personnummer: f.guardianPnr });
  await guardian.post(`/mina-sidor/moten/${id}/betyg`).type('form').send({ score: '5' }).expect(303);
  expect(await ratingOf(id)).toMatchObject([{ score: 5, comment: null, rated_as: 'guardian' }]);
});

it('refuses an encounter not yet closed (409) and a missing or wrong score or too long a text (400 naming the field)', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const open = await encounterRow(f, f.adultId, 'documentation', '2026-04-16T08:00:00Z');
  const closed = await encounterRow(f, f.adultId, 'closed', '2026-04-16T09:00:00Z');
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const early = await patient.post(`/mina-sidor/moten/${open}/betyg`).type('form').send({ score: '3' }).expect(409);
  expect(early.body.message).toMatch(/avslutat/);
  expect((await patient.get('/mina-sidor').expect(200)).text).not.toContain(`/mina-sidor/moten/${open}/betyg`);

  for (const body of [{}, { score: '' }, { score: '0' }, { score: '6' }, { score: '4.5' }, { score: 'fem' }]) {
    const bad = await patient.post(`/mina-sidor/moten/${closed}/betyg`).type('form').send(body).expect(400);
    expect(bad.body.field).toBe('score');
    expect(bad.body.message).toMatch(/^score: /);
  }
  const long = await patient
    .post(`/mina-sidor/moten/${closed}/betyg`)
    .type('form')
    .send({ score: '3', comment: 'x'.repeat(1001) })
    .expect(400);
  expect(long.body.field).toBe('comment');
  expect(await ratingOf(closed)).toEqual([]);
  // A page (a browser's form post) gets the Swedish message on the error page, not a 5xx.
  const page = await patient
    .post(`/mina-sidor/moten/${closed}/betyg`)
    .set('accept', 'text/html')
    .type('form')
    .send({ score: '9' })
    .expect(400);
  expect(page.text).toContain('välj ett betyg från 1 till 5');
});

it('Uppföljning shows the number of ratings and their mean per unit and month, in the table, the chart and the CSV; never the text', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const a = await encounterRow(f, f.adultId, 'closed', '2026-05-05T08:00:00Z');
  const b = await encounterRow(f, f.adultId, 'closed', '2026-05-06T08:00:00Z');
  await encounterRow(f, f.adultId, 'no-show', '2026-05-07T08:00:00Z');
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  await patient
    .post(`/mina-sidor/moten/${a}/betyg`)
    .type('form')
    .send({ score: '4', comment: 'Bra läkare' })
    .expect(303);
  await patient.post(`/mina-sidor/moten/${b}/betyg`).type('form').send({ score: '5' }).expect(303);

  const lead = await login(stack.app, { hsaId: f.staff.qualityLead });
  const page = (await lead.get('/admin/followup').query({ from: '2026-05', to: '2026-05' }).expect(200)).text;
  const row = new RegExp(`<tr><td>2026-05</td><td>Testenheten [^<]+</td>((?:<td>[^<]*</td>)+)</tr>`).exec(page);
  const cells = [...row![1].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]);
  // Genomförda, hänvisade, id, avbokade, uteblivna, andel uteblivna, then the ratings next to it.
  expect(cells.slice(0, 8)).toEqual(['2', '0', '0', '0', '1', '33 %', '2', '4,5']);
  expect(page).toContain('Patienternas betyg per månad');
  expect(page).toContain('2026-05: 5 – Mycket nöjd 1');
  expect(page).not.toContain('Bra läkare');

  const csv = (await lead.get('/admin/followup.csv').query({ from: '2026-05', to: '2026-05' }).expect(200)).text;
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(/;antal_betyg;medelbetyg$/);
  expect(lines.find((l) => l.startsWith('2026-05;Testenheten'))).toMatch(/;2;4\.5$/);
  expect(csv).not.toContain('Bra läkare');
});
