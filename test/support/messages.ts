/** Message threads in tests: the adult patient writes to the fixture's unit, with the policy's timers. */
import { startThread } from '../../api/messages/service';
import { writeAccessLog } from '../../db/access-log';
import type { MessagePolicy } from '../../workflows/message-thread.messages';
import type { TestContext } from '../../testkit/env';
import type { Fixture } from '../../testkit/fixtures';

export function testThread(
  ctx: TestContext,
  f: Fixture,
  policy: Partial<MessagePolicy> = {},
  first = { subject: 'Fråga', text: 'Hej, en fråga.' },
): Promise<{ threadId: string; messageId: string }> {
  return startThread(
    ctx.orm.em.fork(),
    ctx.client,
    ctx.config.temporal.taskQueue,
    {
      patientId: f.adultId,
      careUnitId: f.unitId,
      ...first,
      author: { kind: 'patient', id: f.adultPnr, name: 'Vuxen Testsson' },
    },
    (tx, id) =>
      writeAccessLog(tx, { actor: 'test', role: 'system', action: 'create', target: `thread:${id}` }, [f.adultId]),
    { activityTimeoutSeconds: 5, ...policy },
  );
}
