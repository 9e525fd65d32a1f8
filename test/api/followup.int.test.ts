/** Uppföljning: per month and unit, outcomes, no-show rate, documentation in time and time to note, with charts, tables and CSV. */
import { randomUUID } from 'node:crypto';
import { useApiStack } from '../support/app';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const stack = useApiStack();

it("counts one unit's month: 3 closed (one documented late), 1 no-show → 25 % no-show, 67 % in time, median 2 h to the note", async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const em = stack.ctx.orm.em.fork();
  // Projection rows as the workflow leaves them, in March 2026 (Stockholm), and their notes.
  const start = new Date('2026-03-10T09:00:00Z');
  const add = async (status: string, hoursToNote?: number) => {
    const id = randomUUID();
    await em.execute(
      'insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step, scheduled_start) values (?, ?, ?, ?, ?, ?, ?)',
      [id, `encounter-${id}`, f.adultId, f.unitId, status, status === 'no-show' ? 'video' : 'closed', start],
    );
    if (hoursToNote !== undefined)
      await em.execute(
        `insert into journal_note (id, encounter_id, patient_id, author_id, contact_date, text, signed_at) values (?, ?, ?, 'c', '2026-03-10', 'x', ?)`,
        [randomUUID(), id, f.adultId, new Date(start.getTime() + hoursToNote * 3600_000)],
      );
    return id;
  };
  await add('closed', 1);
  await add('closed', 2);
  const late = await add('closed', 30);
  await add('no-show');
  await em.execute(
    `insert into deviation (id, encounter_id, category, severity, description, dedupe_key, created_at) values (?, ?, 'missing-documentation', 'medium', 'sen', ?, ?)`,
    [randomUUID(), late, `doc:${late}`, new Date('2026-03-11T10:00:00Z')],
  );

  const lead = await login(stack.app, { hsaId: f.staff.qualityLead });
  const page = (await lead.get('/admin/followup').query({ from: '2026-03', to: '2026-03' }).expect(200)).text;
  const row = new RegExp(`<tr><td>2026-03</td><td>Testenheten [^<]+</td>((?:<td>[^<]*</td>)+)</tr>`).exec(page);
  expect(row).not.toBeNull();
  const cells = [...row![1].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]);
  expect(cells).toEqual(['3', '0', '0', '0', '1', '25 %', '0', '–', '67 %', '2,0 h']);
  expect(page).toContain('<svg class="chart stacked"');
  expect(page).toContain('Journalanteckning saknas eller är sen');

  const csv = (await lead.get('/admin/followup.csv').query({ from: '2026-03', to: '2026-03' }).expect(200)).text;
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  expect(lines[0]).toBe(
    'manad;enhet;genomforda;hanvisade;identifiering_misslyckad;avbokade;uteblivna;andel_uteblivna;andel_dokumenterade_i_tid;median_timmar_till_anteckning;antal_betyg;medelbetyg',
  );
  expect(lines.find((l) => l.startsWith('2026-03;Testenheten'))).toMatch(/;3;0;0;0;1;0\.250;0\.667;2\.00;0;$/);
});
