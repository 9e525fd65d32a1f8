/** The load client's synthetic camera and microphone on a peer connection's senders, paced in real time. */
import { RtpHeader, RtpPacket, type RTCRtpSender } from 'werift';
import {
  AUDIO_PACKET_MS,
  KEYFRAME_EVERY,
  nowMs,
  opusPacket,
  VIDEO_FPS,
  vp8Frame,
  type MediaPacket,
} from './synthetic-media';

const VIDEO_FRAME_MS = 1000 / VIDEO_FPS;
/** Behind by more than this (the process was starved), a source skips ahead instead of bursting. */
const MAX_CATCH_UP_MS = 100;

/** One synthetic camera and microphone, paced at 30 fps and 50 packets/s. */
export class SyntheticSource {
  framesSent = 0;
  audioSent = 0;
  stopped = false;
  private keyframeWanted = true;
  private frame = 0;
  private audioSeq = 0;
  private videoSeqNo = Math.floor(Math.random() * 0xffff);
  private audioSeqNo = Math.floor(Math.random() * 0xffff);
  private nextVideoAt: number;
  private nextAudioAt: number;

  constructor(
    private readonly video: RTCRtpSender,
    private readonly audio: RTCRtpSender,
  ) {
    // Sources start at random phases, as real cameras do, so their bursts do not line up.
    const now = performance.now();
    this.nextVideoAt = now + Math.random() * VIDEO_FRAME_MS;
    this.nextAudioAt = now + Math.random() * AUDIO_PACKET_MS;
    video.onPictureLossIndication.subscribe(() => (this.keyframeWanted = true));
  }

  /** Sends what is due by now (performance.now()). */
  tick(now: number): void {
    if (this.stopped) return;
    if (now - this.nextVideoAt > MAX_CATCH_UP_MS) this.nextVideoAt = now;
    if (now - this.nextAudioAt > MAX_CATCH_UP_MS) this.nextAudioAt = now;
    while (this.nextVideoAt <= now) {
      const key = this.keyframeWanted || this.frame % KEYFRAME_EVERY === 0;
      this.keyframeWanted = false;
      const timestamp = (this.frame * (90_000 / VIDEO_FPS)) >>> 0;
      for (const p of vp8Frame(this.frame, key, nowMs())) this.send(this.video, p, this.videoSeqNo++, timestamp);
      this.frame++;
      this.framesSent++;
      this.nextVideoAt += VIDEO_FRAME_MS;
    }
    while (this.nextAudioAt <= now) {
      const timestamp = (this.audioSeq * 48 * AUDIO_PACKET_MS) >>> 0;
      this.send(this.audio, opusPacket(this.audioSeq++, nowMs()), this.audioSeqNo++, timestamp);
      this.audioSent++;
      this.nextAudioAt += AUDIO_PACKET_MS;
    }
  }

  private send(sender: RTCRtpSender, p: MediaPacket, seq: number, timestamp: number): void {
    const header = new RtpHeader({ sequenceNumber: seq & 0xffff, timestamp, marker: p.marker });
    sender.sendRtp(new RtpPacket(header, p.payload)).catch(() => undefined);
  }
}
