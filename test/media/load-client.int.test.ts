/** The browserless load client (bench/video) against the real Janus `npm test` starts: one two-party room. */
import { LoadClient } from '../../bench/video/load-client';
import { testConfig } from '../../testkit/env';

const config = testConfig();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let client: LoadClient;

beforeAll(async () => {
  client = await LoadClient.connect({
    wsUrl: config.janus.servers[0].wsUrl,
    apiSecret: config.janus.apiSecret,
    roomAdminKey: config.janus.roomAdminKey,
  });
});

afterAll(() => client.close());

it('carries VP8 frames and Opus both ways through Janus in a two-party room, each frame timed', async () => {
  const room = await client.openRoom();
  await sleep(2000);
  const [ab, ba] = room.sample();
  for (const flow of [ab, ba]) {
    // 30 fps for about 2 s.
    expect(flow.framesSent).toBeGreaterThan(45);
    expect(flow.framesReceived).toBeGreaterThan(0.9 * flow.framesSent);
    expect(flow.audioReceived).toBeGreaterThan(0.9 * flow.audioSent);
    expect(flow.latencies).toHaveLength(flow.framesReceived);
    expect(Math.min(...flow.latencies)).toBeGreaterThan(0);
    expect(Math.max(...flow.latencies)).toBeLessThan(1000);
  }
  // Janus forwarded the payloads untouched: every packet carried its stamp.
  for (const p of room.parties) expect(p.video.foreign + p.audio.foreign).toBe(0);
});

it('a subscriber to a publisher that stops gets no more frames, while the other way goes on', async () => {
  const room = await client.openRoom();
  const [a] = room.parties;
  a.stopSending();
  // What was already on its way arrives within a few milliseconds on one machine.
  await sleep(300);
  room.sample();
  await sleep(1500);
  const [ab, ba] = room.sample();
  expect(ab).toMatchObject({ framesSent: 0, framesReceived: 0, audioSent: 0, audioReceived: 0 });
  expect(ba.framesReceived).toBeGreaterThan(30);
});
