/**
 * Synthetic camera and microphone for the load client: RTP payloads with the sizes and VP8 headers of a
 * real 640×480 call, each stamped with its frame number and send time so the far end can count and time them.
 */

/** Chrome's 640×480 VP8 at 30 fps settles near 700 kbit/s; Opus voice near 40 kbit/s in 20 ms packets. */
export const VIDEO_FPS = 30;
export const VIDEO_BITRATE = 700_000;
export const AUDIO_PACKET_MS = 20;
export const AUDIO_BITRATE = 40_000;
/** A keyframe every 3 s besides those Janus asks for (PLI): a real encoder's are ~6× a delta frame. */
export const KEYFRAME_EVERY = 3 * VIDEO_FPS;
const KEYFRAME_SIZE = 18_000;
const DELTA_SIZE = Math.round(
  ((VIDEO_BITRATE / 8 / VIDEO_FPS) * KEYFRAME_EVERY - KEYFRAME_SIZE) / (KEYFRAME_EVERY - 1),
);
/** Chrome's RTP payloads stay under ~1,200 bytes so that SRTP and the IP/UDP headers fit a 1,500-byte MTU. */
const MAX_PAYLOAD = 1_200;
const AUDIO_SIZE = Math.round((AUDIO_BITRATE / 8) * (AUDIO_PACKET_MS / 1000));

/** The stamp at the end of every payload: magic, frame number, packet index and count, send time. */
const STAMP_SIZE = 16;
const MAGIC = 0x564d; // "VM"

/** One RTP packet's worth: the payload, and whether it ends its frame (the RTP marker bit). */
export interface MediaPacket {
  payload: Buffer;
  marker: boolean;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

function stamp(buf: Buffer, frame: number, index: number, count: number, sentAt: number): void {
  const at = buf.length - STAMP_SIZE;
  buf.writeUInt16BE(MAGIC, at);
  buf.writeUInt32BE(frame >>> 0, at + 2);
  buf.writeUInt8(index, at + 6);
  buf.writeUInt8(count, at + 7);
  buf.writeDoubleBE(sentAt, at + 8);
}

/**
 * One VP8 frame as RTP payloads: each opens with the payload descriptor Chrome sends (extended, with a
 * 15-bit PictureID), the first also with the VP8 frame tag (and for a keyframe the start code and
 * 640×480), which is all an SFU such as Janus reads; the rest is filler ending in the stamp.
 * @param frame - frame number, also the PictureID
 * @param keyframe - a keyframe (bigger, and marked as one in the frame tag)
 * @param sentAt - the send time stamped into every packet
 */
export function vp8Frame(frame: number, keyframe: boolean, sentAt: number): MediaPacket[] {
  // ±20 % around the mean, as a real encoder's frame sizes wander with the picture.
  const size = Math.round((keyframe ? KEYFRAME_SIZE : DELTA_SIZE) * (0.8 + 0.4 * Math.random()));
  const descriptor = 4;
  const count = Math.ceil(size / (MAX_PAYLOAD - descriptor));
  const per = Math.ceil(size / count);
  const packets: MediaPacket[] = [];
  for (let i = 0; i < count; i++) {
    const buf = Buffer.alloc(descriptor + per);
    // X=1, S=1 on the frame's first packet, partition 0; I=1; M=1 and the PictureID.
    buf[0] = 0x80 | (i === 0 ? 0x10 : 0);
    buf[1] = 0x80;
    buf.writeUInt16BE(0x8000 | (frame & 0x7fff), 2);
    if (i === 0) {
      // Frame tag: P (0 = keyframe), version 0, show_frame, first partition size.
      const tag = (keyframe ? 0 : 1) | (1 << 4) | (Math.min(per - 10, 0x7ffff) << 5);
      buf.writeUIntLE(tag, descriptor, 3);
      if (keyframe) {
        buf.set([0x9d, 0x01, 0x2a], descriptor + 3);
        buf.writeUInt16LE(640, descriptor + 6);
        buf.writeUInt16LE(480, descriptor + 8);
      }
    }
    stamp(buf, frame, i, count, sentAt);
    packets.push({ payload: buf, marker: i === count - 1 });
  }
  return packets;
}

/**
 * One 20 ms Opus packet: a TOC byte for 20 ms full-band hybrid, filler, the stamp.
 * @param seq - the packet's number
 * @param sentAt - the send time stamped into it
 */
export function opusPacket(seq: number, sentAt: number): MediaPacket {
  const buf = Buffer.alloc(AUDIO_SIZE);
  buf[0] = 15 << 3;
  stamp(buf, seq, 0, 1, sentAt);
  return { payload: buf, marker: false };
}

/** Counts the frames of one received stream that arrived whole, and how long each took. */
export class FrameCounter {
  /** Frames complete since the last take(). */
  frames = 0;
  /** Send → arrival of each complete frame's last packet, ms, since the last take(). */
  latencies: number[] = [];
  /** Packets whose payload carried no stamp (none expected: Janus forwards payloads untouched). */
  foreign = 0;
  private readonly partial = new Map<number, number>();
  private newest = -1;

  /**
   * Records one received payload.
   * @param payload - the RTP payload
   * @param at - arrival time (nowMs())
   */
  receive(payload: Buffer, at: number): void {
    const s = payload.length - STAMP_SIZE;
    if (s < 0 || payload.readUInt16BE(s) !== MAGIC) {
      this.foreign++;
      return;
    }
    const frame = payload.readUInt32BE(s + 2);
    const count = payload.readUInt8(s + 7);
    const left = (this.partial.get(frame) ?? count) - 1;
    if (left > 0) {
      this.partial.set(frame, left);
    } else {
      this.partial.delete(frame);
      this.frames++;
      this.latencies.push(at - payload.readDoubleBE(s + 8));
    }
    if (frame > this.newest) {
      this.newest = frame;
      // A frame still partial a second later lost a packet for good (NACK retransmissions come sooner).
      for (const f of this.partial.keys()) if (f < frame - VIDEO_FPS) this.partial.delete(f);
    }
  }

  /** The counts since the last call, reset. */
  take(): { frames: number; latencies: number[] } {
    const out = { frames: this.frames, latencies: this.latencies };
    this.frames = 0;
    this.latencies = [];
    return out;
  }
}
