/** CSV exports escape cells that a spreadsheet would run as a formula (OWASP CSV injection; issue 22). */
import { randomUUID } from 'node:crypto';
import { recordDeviation } from '../../db/deviations';
import { useApiStack } from '../support/app';
import { startEncounter } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const stack = useApiStack();

it('a deviation whose description starts with = is exported with a leading apostrophe, never as a formula', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id } = await startEncounter(stack.ctx, f, f.adultId);
  const formula = '=HYPERLINK("http://evil.example","klicka")';
  await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId: id,
    category: 'other',
    severity: 'low',
    description: formula,
    dedupeKey: `csv-test:${randomUUID()}`,
  });
  const lead = await login(stack.app, { hsaId: f.staff.qualityLead });
  const csv = (await lead.get('/admin/deviations.csv').expect(200)).text;
  const line = csv.split('\n').find((l) => l.includes('HYPERLINK'))!;
  expect(line).toBeDefined();
  expect(line.split(';').some((cell) => /^"?=/.test(cell))).toBe(false);
  expect(line).toContain(`'=HYPERLINK`);
});
