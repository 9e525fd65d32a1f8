/**
 * Janus keeps rooms in memory only: after it is killed and restarted by the test stack's supervisor,
 * the encounter's room is gone. The next page that joins gets it back, re-created from the PIN and
 * secret stored with the room, and can enter it with its token.
 */
import { findVideoRoom } from '../../db/video';
import { janusInfo } from '../../media/janus-probe';
import { createRoomService } from '../../media/room-service';
import type { VideoRooms } from '../../media/rooms';
import { testApp } from '../../testkit/app';
import { waitForStatus } from '../../testkit/drive';
import { connect, type TestContext } from '../../testkit/env';
import { bookedEncounter, enterOverHttp, meetingLinks } from '../../testkit/meeting';
import { startTestWorker, type TestWorker } from '../../testkit/worker';
import { restartPart } from '../support/processes';
import { enterRoom } from '../support/janus-join';

jest.setTimeout(120_000);
const janusRunning = Boolean(process.env.JANUS_WS_URL) && process.env.JANUS_REQUIRED !== 'false';
if (!janusRunning) console.warn('room recovery test skipped: no Janus in this test stack (apt-get install janus)');

let ctx: TestContext;
let rooms: VideoRooms;
let worker: TestWorker;
let app: ReturnType<typeof testApp>;
beforeAll(async () => {
  if (!janusRunning) return;
  ctx = await connect();
  rooms = createRoomService(ctx.config);
  worker = await startTestWorker(ctx, { rooms });
  app = testApp(ctx, undefined, rooms);
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await ctx?.close();
});

(janusRunning ? it : it.skip)(
  'Janus restarted: the room is gone, and the next join re-creates it from its stored PIN and secret',
  async () => {
    const { id, handle, f } = await bookedEncounter(ctx, { noShowGraceSeconds: 600 });
    await waitForStatus(handle, 'video');
    const stored = (await findVideoRoom(ctx.orm.em.fork(), id))!;
    // The room records its Janus: the one server of this stack.
    expect(stored.janusServer).toBe(ctx.config.janus.wsUrl);
    expect(await rooms.exists(stored.roomId)).toBe(true);

    const links = await meetingLinks(app, id, f);
    const { user, key } = await enterOverHttp(ctx, app, links.clinicianUrl, { hsaId: f.staff.clinician });
    const before = (await user.get('/meet/api/join').set('x-meeting-key', key).expect(200)).body;
    expect(await enterRoom(before)).toMatchObject({ videoroom: 'joined', room: stored.roomId });

    await restartPart('janus', () => janusInfo(ctx.config.janus.wsUrl, 1000));
    expect(await rooms.exists(stored.roomId)).toBe(false);

    const after = (await user.get('/meet/api/join').set('x-meeting-key', key).expect(200)).body;
    expect(after).toMatchObject({ roomId: stored.roomId, pin: stored.pin, wsUrl: before.wsUrl });
    // Its token went with the old Janus too; this join stored it again (enterRoom opens its session with it).
    expect(await rooms.exists(stored.roomId)).toBe(true);
    expect(await enterRoom(after)).toMatchObject({ videoroom: 'joined', room: stored.roomId });
    // Still private with the stored secret: a wrong one cannot destroy it.
    await expect(rooms.destroy(stored.roomId, 'not-the-secret')).rejects.toMatchObject({ code: 433 });
    await rooms.destroy(stored.roomId, stored.secret);
  },
);
