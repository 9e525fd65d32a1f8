/**
 * Janus is killed (SIGKILL) during a meeting and restarted by the test stack's supervisor: the
 * meeting can still be ended and the encounter documented and closed, charged once.
 */
import { janusInfo } from '../../media/janus-probe';
import { makeFixture } from '../../testkit/fixtures';
import { startEncounter } from '../../testkit/drive';
import { driveToClosed, exactlyOnce } from '../../testkit/drive';
import { PATIENT_POLICY, restartPart, spawnWorker, useFaultContext } from '../support/processes';

jest.setTimeout(180_000);
const janusRunning = Boolean(process.env.JANUS_WS_URL) && process.env.JANUS_REQUIRED !== 'false';
if (!janusRunning) console.warn('janus restart test skipped: no Janus in this test stack (apt-get install janus)');

const fault = useFaultContext();

(janusRunning ? it : it.skip)(
  'Janus killed and restarted during a meeting: the encounter still closes, charged once',
  async () => {
    const { ctx } = fault;
    // The real worker, whose video activities talk to the test stack's Janus.
    const worker = await spawnWorker(ctx, { JANUS_REQUIRED: 'true' });
    const f = await makeFixture(ctx.orm);
    const { id, handle } = await startEncounter(ctx, f, f.adultId, PATIENT_POLICY);
    let restarted = false;
    const final = await driveToClosed(ctx, f, handle, {
      inSession: async () => {
        await restartPart('janus', () => janusInfo(ctx.config.janus.wsUrl, 1000));
        restarted = true;
      },
    });
    expect(restarted).toBe(true);
    expect(final).toMatchObject({ status: 'closed' });
    expect(await exactlyOnce(ctx, id)).toMatchObject({ charges: 1, notes: 1, liveBookings: 1, invitations: 1 });
    expect(worker.output()).not.toMatch(/closeVideoRoom.*failed/i);
  },
);
