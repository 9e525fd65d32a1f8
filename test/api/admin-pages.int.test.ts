/** Smoke test of every back-office GET: no 5xx, Swedish labels, Stockholm times. */
import request from 'supertest';
import * as m from '../../workflows/encounter.messages';
import { makeFixture, makeSlot } from '../support/fixtures';
import { admin, startEncounter, throughIdentity, waitForState } from '../support/encounters';
import { useApiStack } from '../support/app';

const stack = useApiStack();
it('renders the overview with a status chart, the list and one encounter', async () => {
  const f = await makeFixture(stack.ctx.orm);
  const { id } = await startEncounter(stack.ctx, f, f.adultId);
  const home = await request(stack.app).get('/admin').expect(200);
  expect(home.text).toContain('<svg class="chart"');
  expect(home.text).toContain('Lämplighetsbedömning');
  const list = await request(stack.app).get('/admin/encounters').expect(200);
  expect(list.text).toContain(`/admin/encounters/${id}`);
  const show = await request(stack.app).get(`/admin/encounters/${id}`).expect(200);
  expect(show.text).toContain('Vuxen Testsson');
  expect(show.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await request(stack.app)
    .get('/admin/encounters/7a1c0a57-1111-4111-8111-111111111111')
    .set('accept', 'text/html')
    .expect(404);
  const bad = await request(stack.app)
    .get('/admin/encounters')
    .query({ page: 'x' })
    .set('accept', 'text/html')
    .expect(400);
  expect(bad.text).toContain('page');
});

it('staff create one-time meeting links (Möteslänkar) from the encounter page once it is booked', async () => {
  const f = await makeFixture(stack.ctx.orm);
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { roomOpensBeforeSeconds: 0 });
  expect((await request(stack.app).get(`/admin/encounters/${id}`).expect(200)).text).not.toContain('Skapa möteslänkar');
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3600);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  // Pre-meeting starts with sending the kallelse; wait for it so the Utkorg check below is not a race.
  await waitForState(
    handle,
    (s) => s.status === 'pre-meeting' && s.timeline.some((t) => t.event === 'invitation-sent'),
  );
  expect((await request(stack.app).get(`/admin/encounters/${id}`).expect(200)).text).toContain('Skapa möteslänkar');
  const page = await request(stack.app).post(`/admin/encounters/${id}/meeting-links`).expect(201);
  const urls = [...page.text.matchAll(/href="(http[^"]+\/meet\/[A-Za-z0-9_-]{43})"/g)].map((x) => x[1]);
  expect(new Set(urls).size).toBe(2);
  // The invitation (kallelse) sent at booking is readable in the Utkorg.
  const outbox = await request(stack.app).get('/admin/outbox').expect(200);
  expect(outbox.text).toContain(`/admin/encounters/${id}`);
  expect(outbox.text).toMatch(/Kallelse|kallelse/);
  const patientPage = await request(stack.app).get(new URL(urls[0]).pathname).expect(200);
  expect(patientPage.text).toContain('Läkare Maria Test');
  await request(stack.app).get(new URL(urls[0]).pathname).expect(410);
});
