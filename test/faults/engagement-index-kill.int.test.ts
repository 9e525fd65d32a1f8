/**
 * The worker process is killed (SIGKILL) during the engagement index's Update call, after the index
 * stored the entry and before it answered; a new worker retries the call. After book, move and cancel
 * the index still holds exactly one entry for the booking (issue 24's acceptance).
 */
import * as m from '../../workflows/encounter.messages';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, book, startEncounter, throughIdentity } from '../../testkit/drive';
import { toRivtaTime } from '../../domain/rivta-time';
import { waitFor } from '../../testkit/wait';
import { PATIENT_POLICY, spawnWorker, useFaultContext } from '../support/processes';
import { DATA_CONTROLLER, INDEX_ADDRESS, SOURCE_SYSTEM, useTestEngagementIndex } from '../support/engagement-index';

jest.setTimeout(180_000);
const ei = useTestEngagementIndex();
const fault = useFaultContext();

it('a worker killed during the Update call: after book, move and cancel the index holds exactly one entry per booking', async () => {
  const { ctx } = fault;
  const me = ei.pki.consumers.vardmote;
  const env = {
    ENGAGEMENT_INDEX_URL: ei.url,
    ENGAGEMENT_INDEX_LOGICAL_ADDRESS: INDEX_ADDRESS,
    ENGAGEMENT_INDEX_SOURCE_SYSTEM: SOURCE_SYSTEM,
    ENGAGEMENT_INDEX_DATA_CONTROLLER: DATA_CONTROLLER,
    ENGAGEMENT_INDEX_TLS_CERT: me.certPath,
    ENGAGEMENT_INDEX_TLS_KEY: me.keyPath,
    ENGAGEMENT_INDEX_TLS_CA: ei.pki.caPath,
  };
  const f = await makeFixture(ctx.orm);
  const { id, handle } = await startEncounter(ctx, f, f.adultId, PATIENT_POLICY);
  const entries = () => ei.local.entries().filter((e) => e.businessObjectInstanceIdentifier === id);

  const first = await spawnWorker(ctx, env);
  await throughIdentity(handle, f);
  const stored = ei.local.holdNextAnswer();
  const { slot } = await book(ctx, handle, f, { inSeconds: 2 * 86_400 });
  await stored;
  await first.kill();
  expect(entries()).toHaveLength(1);

  await spawnWorker(ctx, env);
  await waitFor(() => entries()[0]?.updates === 2, 'the Update retried by the new worker', 60_000);
  const other = await makeSlot(ctx.orm, f.clinicianId, 3 * 86_400);
  await handle.executeUpdate(m.rescheduleUpdate, { args: [{ actor: admin, slotId: other.id }] });
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Patienten kan inte' }] });
  await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
  expect(entries()).toEqual([
    expect.objectContaining({
      deleteFlag: true,
      mostRecentContent: toRivtaTime(other.startsAt),
      logicalAddress: `HSA-${f.unitId}`,
      updates: 4,
    }),
  ]);
  expect(toRivtaTime(slot.startsAt)).not.toBe(toRivtaTime(other.startsAt));
});
