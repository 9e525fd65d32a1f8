/** The load client's synthetic media: VP8 headers Janus reads, sizes of real video, whole-frame counting. */
import { FrameCounter, opusPacket, VIDEO_BITRATE, VIDEO_FPS, vp8Frame, KEYFRAME_EVERY } from './synthetic-media';

it('opens a keyframe with the VP8 descriptor, frame tag, start code and 640×480', () => {
  const [first, ...rest] = vp8Frame(7, true, 0);
  expect(first.payload[0]).toBe(0x90); // X and S
  expect(first.payload.readUInt16BE(2) & 0x7fff).toBe(7); // PictureID
  expect(first.payload[4] & 1).toBe(0); // P = 0: a keyframe
  expect([...first.payload.subarray(7, 10)]).toEqual([0x9d, 0x01, 0x2a]);
  expect(first.payload.readUInt16LE(10)).toBe(640);
  expect(first.payload.readUInt16LE(12)).toBe(480);
  expect(rest.every((p) => p.payload[0] === 0x80)).toBe(true);
  expect([first, ...rest].map((p) => p.marker).lastIndexOf(true)).toBe(rest.length);
});

it('sends about 700 kbit/s of video in packets of at most 1,200 bytes', () => {
  let bytes = 0;
  for (let f = 0; f < KEYFRAME_EVERY * 10; f++)
    for (const p of vp8Frame(f, f % KEYFRAME_EVERY === 0, 0)) {
      expect(p.payload.length).toBeLessThanOrEqual(1200);
      bytes += p.payload.length;
    }
  const bitrate = (bytes * 8) / ((KEYFRAME_EVERY * 10) / VIDEO_FPS);
  expect(bitrate).toBeGreaterThan(0.9 * VIDEO_BITRATE);
  expect(bitrate).toBeLessThan(1.1 * VIDEO_BITRATE);
});

it('counts a frame once all its packets arrived, with its latency, and ignores unstamped payloads', () => {
  const counter = new FrameCounter();
  const whole = vp8Frame(1, true, 1000);
  const broken = vp8Frame(2, true, 1000);
  for (const p of whole) counter.receive(p.payload, 1012);
  for (const p of broken.slice(1)) counter.receive(p.payload, 1013);
  counter.receive(Buffer.alloc(100), 1014);
  counter.receive(opusPacket(1, 1000).payload, 1005);
  expect(counter.take()).toEqual({ frames: 2, latencies: [12, 5] });
  expect(counter.foreign).toBe(1);
  expect(counter.take()).toEqual({ frames: 0, latencies: [] });
});
