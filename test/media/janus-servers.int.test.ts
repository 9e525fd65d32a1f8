/**
 * Rooms over two Janus servers (issue 31): a second embedded Janus beside the test stack's, both in
 * JANUS_WS_URL. Each new room goes to the server with the fewest open rooms and is recorded there;
 * joins, the page's WebSocket URL and the destroy follow the recorded server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findVideoRoom, openRoomsByServer } from '../../db/video';
import { leastLoadedServer } from '../../domain/room-placement';
import { createRoomService } from '../../media/room-service';
import type { VideoRooms } from '../../media/rooms';
import { shiftPorts, testPorts } from '../../scripts/ports';
import { findJanus, janusSpec } from '../../scripts/services';
import { Supervised } from '../../scripts/supervisor';
import { testApp } from '../../testkit/app';
import { waitForStatus } from '../../testkit/drive';
import { connect, type TestContext } from '../../testkit/env';
import { bookedEncounter, enterOverHttp, meetingLinks } from '../../testkit/meeting';
import { startTestWorker, type TestWorker } from '../../testkit/worker';
import { TEST_DATA_DIR } from '../support/processes';
import { enterRoom } from '../support/janus-join';

jest.setTimeout(120_000);
const bin = findJanus();
const janusRunning = Boolean(bin && process.env.JANUS_WS_URL) && process.env.JANUS_REQUIRED !== 'false';
if (!janusRunning) console.warn('two-Janus test skipped: no Janus in this test stack (apt-get install janus)');

// The second Janus's ports: five above the stack's, between its set and the next (sets are ten apart).
const moved = shiftPorts(testPorts(), 5);
const SECOND = { ...testPorts(), janusWs: moved.janusWs, janusAdmin: moved.janusAdmin };
const WS = [process.env.JANUS_WS_URL!, `ws://127.0.0.1:${SECOND.janusWs}`];
const ADMIN = [process.env.JANUS_ADMIN_URL!, `ws://127.0.0.1:${SECOND.janusAdmin}`];

let second: Supervised;
let ctx: TestContext;
let rooms: VideoRooms;
let worker: TestWorker;
let app: ReturnType<typeof testApp>;
beforeAll(async () => {
  if (!janusRunning) return;
  const dir = path.join(TEST_DATA_DIR, 'janus-2');
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  second = new Supervised(
    janusSpec(bin!, dir, SECOND, process.env, () => undefined),
    dir,
    (line) => process.stdout.write(`[janus-2] ${line}\n`),
  );
  await second.start();
  ctx = await connect({ JANUS_WS_URL: WS.join(','), JANUS_ADMIN_URL: ADMIN.join(',') });
  rooms = createRoomService(ctx.config);
  worker = await startTestWorker(ctx, { rooms });
  app = testApp(ctx, undefined, rooms);
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await ctx?.close();
  await second?.stop();
});

(janusRunning ? it : it.skip)(
  'new rooms go to the least-loaded Janus and stay there: joins, the page URL and the destroy follow it',
  async () => {
    expect(ctx.config.janus.servers.map((s) => s.id)).toEqual(WS);
    expect(rooms.servers).toEqual(WS);
    type Fixture = Awaited<ReturnType<typeof bookedEncounter>>['f'];
    const placed: Array<{ id: string; server: string; roomId: string; secret: string; f: Fixture }> = [];
    for (let i = 0; i < 2; i++) {
      const expected = leastLoadedServer(WS, await openRoomsByServer(ctx.orm.em.fork()));
      const { id, handle, f } = await bookedEncounter(ctx, { noShowGraceSeconds: 600 });
      await waitForStatus(handle, 'video');
      const room = (await findVideoRoom(ctx.orm.em.fork(), id))!;
      expect(room.janusServer).toBe(expected);
      placed.push({ id, server: room.janusServer!, roomId: room.roomId, secret: room.secret, f });
    }
    // The new Janus had no open room, so at least one of the two went there.
    expect(placed.map((p) => p.server)).toContain(WS[1]);
    for (const p of placed) {
      const other = WS.find((s) => s !== p.server)!;
      expect(await rooms.exists(p.roomId, p.server)).toBe(true);
      expect(await rooms.exists(p.roomId, other)).toBe(false);
    }

    const onSecond = placed.find((p) => p.server === WS[1])!;
    const { f } = onSecond;
    const links = await meetingLinks(app, onSecond.id, f);
    const { user, key } = await enterOverHttp(ctx, app, links.clinicianUrl, { hsaId: f.staff.clinician });
    const page = await user.get(`/meet/room/${onSecond.id}`).expect(200);
    // The page may open a WebSocket to either Janus.
    for (const ws of WS) expect(page.headers['content-security-policy']).toContain(ws);
    const join = (await user.get('/meet/api/join').set('x-meeting-key', key).expect(200)).body;
    expect(join.wsUrl).toBe(WS[1]);
    expect(await enterRoom(join)).toMatchObject({ videoroom: 'joined', room: onSecond.roomId });

    for (const p of placed) {
      await rooms.destroy(p.roomId, p.secret, p.server);
      expect(await rooms.exists(p.roomId, p.server)).toBe(false);
    }
  },
);
