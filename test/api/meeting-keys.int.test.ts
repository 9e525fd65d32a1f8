/**
 * A meeting page's key is re-checked against the booking on every use (issue 22): a clinician moved
 * off the encounter by a reschedule no longer reaches its room, while the newly booked one can.
 */
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { admin, startEncounter, throughIdentity } from '../../testkit/drive';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { enterOverHttp, meetingLinks } from '../../testkit/meeting';

jest.setTimeout(60_000);
const stack = useApiStack();

it('a page key stops working after the encounter is rescheduled to another clinician', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff', 'other-clinician'] });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const first = await makeSlot(stack.ctx.orm, f.clinicianId, 3600);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: first.id }] });

  const links = await meetingLinks(stack.app, id, f);
  const { user, key } = await enterOverHttp(stack.ctx, stack.app, links.clinicianUrl, { hsaId: f.staff.clinician });
  await user.get('/meet/api/state').set('x-meeting-key', key).expect(200);

  const other = await makeSlot(stack.ctx.orm, f.otherClinicianId, 7200);
  await handle.executeUpdate(m.rescheduleUpdate, { args: [{ actor: admin, slotId: other.id }] });
  // The projection moves the row to the new clinician; from then on the old page key opens nothing.
  const deadline = Date.now() + 20_000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    status = (await user.get('/meet/api/state').set('x-meeting-key', key)).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 200));
  }
  expect(status).toBe(401);
  await user.get('/meet/api/join').set('x-meeting-key', key).expect(401);
  await user.get(`/meet/room/${id}`).expect(403);
});
