/**
 * Message threads on the real dev server with policy timers in seconds (RULES.md §3): answered in
 * time, a breach (one deviation, an escalation), the earliest of several deadlines, a second breach
 * after a later message, and the dated journal summary a thread needs to count as documented.
 */
import * as t from '../../workflows/message-thread.messages';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture } from '../../testkit/fixtures';
import { startTestWorker, TestWorker } from '../../testkit/worker';
import { maybeRecordHistory } from '../support/histories';
import { testThread } from '../support/messages';
import { stockholmDateOf } from '../../domain/dates';

let ctx: TestContext;
let worker: TestWorker;
let f: FixtureWith<'staff'>;
beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm, { with: ['staff'] });
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

const rows = <T>(sql: string, params: unknown[] = []) => ctx.orm.em.fork().execute<T[]>(sql, params);
const FAST: Partial<t.MessagePolicy> = {
  answerSeconds: 4,
  reminderBeforeSeconds: 2,
  summaryReminderSeconds: 600,
  summaryOverdueSeconds: 1200,
  closeAfterIdleSeconds: 3600,
  activityTimeoutSeconds: 5,
};
const patient = (): t.Author => ({ kind: 'patient', id: f.adultPnr, name: 'Vuxen Testsson' });
const nurse: t.Author = {
  kind: 'staff',
  id: 'HSA-NURSE',
  name: 'Sara Sjöström',
  signature: 'Sara Sjöström, sjuksköterska, Testenheten. Kontakt: via Meddelanden',
};

async function thread(policy: Partial<t.MessagePolicy> = FAST) {
  const { threadId } = await testThread(ctx, f, policy, { subject: 'Hosta', text: 'Jag har hostat i tre veckor.' });
  return { threadId, handle: ctx.client.workflow.getHandle(t.threadWorkflowId(threadId)) };
}
const deviations = (threadId: string) =>
  rows<{ category: string }>('select category from deviation where thread_id = ? order by created_at', [threadId]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('RULES §3 answered in time: no deviation, the answer is signed and resolves the deadline', async () => {
  const { threadId, handle } = await thread({ ...FAST, answerSeconds: 6 });
  expect((await handle.query(t.threadQuery)).unanswered).toBe(1);
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: nurse, text: 'Kom in på provtagning.' }] });
  const view = await handle.query(t.threadQuery);
  expect(view).toMatchObject({ unanswered: 0, deadlineAt: null, breaches: 0 });
  await sleep(7000);
  expect(await deviations(threadId)).toEqual([]);
  const [answer] = await rows<{ signature: string }>(
    "select signature from message where thread_id = ? and author_kind = 'staff'",
    [threadId],
  );
  expect(answer.signature).toContain('sjuksköterska');
  const [asked] = await rows<{ answered_at: Date | null }>(
    "select answered_at from message where thread_id = ? and author_kind = 'patient'",
    [threadId],
  );
  expect(asked.answered_at).not.toBeNull();
});

it('RULES §3 breach: a reminder before, then one late-answer deviation and an escalation to the care administrators', async () => {
  const { threadId, handle } = await thread();
  await waitFor(async () => (await handle.query(t.threadQuery)).breaches === 1, 15_000);
  expect(await deviations(threadId)).toEqual([{ category: 'late-answer' }]);
  const subjects = worker.mailer.sent.map((m) => `${m.to} ${m.subject}`);
  expect(subjects.some((s) => s.includes('Påminnelse: meddelande ska besvaras'))).toBe(true);
  expect(subjects.some((s) => s.startsWith(`${f.staff.careAdmin}@`) && s.includes('Försenat svar: Hosta'))).toBe(true);
  // The queue's row follows once the workflow has mirrored its state.
  await waitFor(async () => {
    const [row] = await rows<{ overdue: boolean }>('select overdue from message_thread where id = ?', [threadId]);
    return row.overdue;
  }, 5000);
  // Still once per breach, however long it waits.
  await sleep(2000);
  expect(await deviations(threadId)).toHaveLength(1);
  await maybeRecordHistory(handle, 'breach', 'message-thread');
});

it('RULES §3 several unanswered messages share the earliest deadline; a later message after an answer can breach again → a second deviation', async () => {
  const { threadId, handle } = await thread({ ...FAST, answerSeconds: 5 });
  const first = (await handle.query(t.threadQuery)).deadlineAt!;
  await sleep(1500);
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: patient(), text: 'Nu har jag feber också.' }] });
  const both = await handle.query(t.threadQuery);
  expect(both.unanswered).toBe(2);
  expect(both.deadlineAt).toBe(first);
  await waitFor(async () => (await handle.query(t.threadQuery)).breaches === 1, 15_000);
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: nurse, text: 'Ring oss i dag.' }] });
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: patient(), text: 'Ingen svarar.' }] });
  const later = (await handle.query(t.threadQuery)).deadlineAt!;
  expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
  await waitFor(async () => (await handle.query(t.threadQuery)).breaches === 2, 15_000);
  expect(await deviations(threadId)).toEqual([{ category: 'late-answer' }, { category: 'late-answer' }]);
  await maybeRecordHistory(handle, 'second-breach', 'message-thread');
});

it('RULES §9 documentation: a day of care needs a summary dated to it; missing → reminder, then a deviation; written → documented', async () => {
  const { threadId, handle } = await thread({
    ...FAST,
    answerSeconds: 60,
    summaryReminderSeconds: 2,
    summaryOverdueSeconds: 4,
  });
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: nurse, text: 'Vila och drick mycket.' }] });
  const today = stockholmDateOf(new Date());
  expect((await handle.query(t.threadQuery)).careDays).toEqual([{ date: today, documented: false }]);
  await waitFor(async () => (await deviations(threadId)).length === 1, 15_000);
  expect(await deviations(threadId)).toEqual([{ category: 'missing-documentation' }]);
  expect(worker.mailer.sent.some((m) => m.subject.startsWith(`Sammanfattning saknas i journalen för ${today}`))).toBe(
    true,
  );
  const [undocumented] = await rows<{ undocumented_days: number }>(
    'select undocumented_days from message_thread where id = ?',
    [threadId],
  );
  expect(undocumented.undocumented_days).toBe(1);

  // A summary for a day without care is refused, naming the field.
  await expect(
    handle.executeUpdate(t.writeSummaryUpdate, {
      args: [{ author: nurse, contactDate: '2020-01-01', text: 'Fel dag.' }],
    }),
  ).rejects.toThrow();
  await handle.executeUpdate(t.writeSummaryUpdate, {
    args: [{ author: nurse, contactDate: today, text: 'Hosta sedan tre veckor, råd om egenvård.' }],
  });
  // Documented, and on its way to (or in) the journal system (issue 25; test/workflows/journal.int.test.ts).
  expect((await handle.query(t.threadQuery)).careDays).toEqual([
    { date: today, documented: true, journal: expect.stringMatching(/^(sending|delivered)$/) },
  ]);
  const [summary] = await rows<{ contact_date: string; visit_type: string }>(
    "select to_char(contact_date, 'YYYY-MM-DD') as contact_date, visit_type from thread_summary where thread_id = ?",
    [threadId],
  );
  expect(summary).toEqual({ contact_date: today, visit_type: 'Skriftlig kontakt (meddelande)' });
  await waitFor(async () => {
    const [r] = await rows<{ undocumented_days: number }>('select undocumented_days from message_thread where id = ?', [
      threadId,
    ]);
    return r.undocumented_days === 0;
  }, 5000);
  await maybeRecordHistory(handle, 'summary', 'message-thread');
});

it('a thread answered and summarised closes itself once idle; a closed thread refuses new messages', async () => {
  const { threadId, handle } = await thread({ ...FAST, answerSeconds: 60, closeAfterIdleSeconds: 3 });
  await handle.executeUpdate(t.postMessageUpdate, { args: [{ author: nurse, text: 'Vila och drick mycket.' }] });
  const today = stockholmDateOf(new Date());
  await handle.executeUpdate(t.writeSummaryUpdate, {
    args: [{ author: nurse, contactDate: today, text: 'Råd om egenvård.' }],
  });
  expect(await handle.result()).toEqual({ status: 'closed', breaches: 0 });
  const [row] = await rows<{ status: string }>('select status from message_thread where id = ?', [threadId]);
  expect(row.status).toBe('closed');
  await expect(
    handle.executeUpdate(t.postMessageUpdate, { args: [{ author: patient(), text: 'En fråga till.' }] }),
  ).rejects.toThrow();
  await maybeRecordHistory(handle, 'closed-idle', 'message-thread');
});

async function waitFor(pred: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(200);
  }
}
