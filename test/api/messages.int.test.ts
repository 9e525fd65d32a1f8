/**
 * Meddelanden over HTTP: only the patient (or an allowed guardian) reads a thread, bad text is refused
 * naming the field, the overview counts overdue answers, and Uppföljning shows answer times.
 */
import * as t from '../../workflows/message-thread.messages';
import { useApiStack } from '../support/app';
import { Fixture, makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';
import { testThread } from '../support/messages';

const stack = useApiStack();

const thread = (f: Fixture, policy: Partial<t.MessagePolicy>) => testThread(stack.ctx, f, policy);

it('a thread is the patient’s own: another person gets 404; empty or too long text is refused naming the field, nothing written', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['guardian'] });
  const { threadId } = await thread(f, {});
  const other = await login(stack.app, { personnummer: f.guardianPnr });
  await other.get(`/mina-sidor/meddelanden/${threadId}`).expect(404);
  const owner = await login(stack.app, { personnummer: f.adultPnr });
  await owner.get(`/mina-sidor/meddelanden/${threadId}`).expect(200);
  const count = async () =>
    Number(
      (
        await stack.ctx.orm.em
          .fork()
          .execute<Array<{ n: string }>>('select count(*) as n from message where thread_id = ?', [threadId])
      )[0].n,
    );
  const before = await count();
  const empty = await owner.post(`/mina-sidor/meddelanden/${threadId}`, { text: '   ' }).expect(400);
  expect(empty.text).toContain('skriv ett meddelande');
  const long = await owner.post(`/mina-sidor/meddelanden/${threadId}`, { text: 'x'.repeat(4001) }).expect(400);
  expect(long.text).toContain('högst 4000 tecken');
  expect(await count()).toBe(before);
  await owner.post(`/mina-sidor/meddelanden/${threadId}`, { text: 'En sak till.' }).expect(303);
  expect(await count()).toBe(before + 1);
});

it('the overview counts overdue answers; Uppföljning shows the share answered within 2 working days and the median', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const late = await thread(f, { answerSeconds: 1 });
  const answered = await thread(f, { answerSeconds: 3600 });
  const nurse: t.Author = { kind: 'staff', id: f.staff.clinician, name: 'Sara', signature: 'Sara, ssk, Testenheten' };
  await stack.ctx.client.workflow
    .getHandle(t.threadWorkflowId(answered.threadId))
    .executeUpdate(t.postMessageUpdate, { args: [{ author: nurse, text: 'Svar.' }] });
  const admin = await login(stack.app, { hsaId: f.staff.careAdmin });
  const deadline = Date.now() + 15_000;
  let overdue = '';
  while (Date.now() < deadline) {
    const page = await admin.get('/admin').expect(200);
    overdue = /id="answers-overdue"[^>]*><span class="n">(\d+)/.exec(page.text)?.[1] ?? '';
    if (overdue === '1') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(overdue).toBe('1');
  const [dev] = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ category: string }>>('select category from deviation where thread_id = ?', [late.threadId]);
  expect(dev.category).toBe('late-answer');

  const quality = await login(stack.app, { hsaId: f.staff.qualityLead });
  const page = await quality.get('/admin/followup').expect(200);
  const row = new RegExp(
    `<tr><td>\\d{4}-\\d{2}</td><td>Testenheten ${f.unitId.slice(0, 4)}</td><td>2</td><td>50 %</td><td>0,0 h</td></tr>`,
  );
  expect(page.text).toMatch(row);
});
