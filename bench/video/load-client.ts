/**
 * A browserless load on Janus's VideoRoom: two-party rooms whose participants are werift peer
 * connections (real ICE, DTLS and SRTP) publishing synthetic VP8 and Opus and subscribing to each other.
 */
import { randomUUID } from 'node:crypto';
import {
  RTCPeerConnection,
  useAbsSendTime,
  useNACK,
  useOPUS,
  usePLI,
  useREMB,
  useSdesMid,
  useTransportWideCC,
  useTWCC,
  useVP8,
} from 'werift';
import { JanusSocket, type JanusHandle, type JanusSession, type Jsep } from './janus-ws';
import { SyntheticSource } from './media-source';
import { FrameCounter, nowMs } from './synthetic-media';

export interface LoadClientOptions {
  /** ws://host:port of the Janus WebSocket API. */
  wsUrl: string;
  /** Janus's api_secret, carried by every session of the client. */
  apiSecret?: string;
  /** The VideoRoom admin_key: rooms are created with it. */
  roomAdminKey: string;
}

/** What one direction of a room (a publisher → the other party's subscription) did since the last sample. */
export interface FlowSample {
  framesSent: number;
  framesReceived: number;
  /** Send → receive of each whole frame, ms. */
  latencies: number[];
  audioSent: number;
  audioReceived: number;
}

/** The pacer's tick; each tick sends whatever frames and audio packets are due. */
const TICK_MS = 5;
const CONNECT_TIMEOUT_MS = 20_000;

// max-bundle: one transport per peer connection, as Chrome's with Janus; under werift's default it also
// gathers a socket for each bundled-away m-line and never closes it, so a closed client kept its process alive.
const peer = () =>
  new RTCPeerConnection({
    // Chrome's feedback and header extensions, so that Janus does the per-packet work it does for a browser
    // (transport-wide congestion control feedback to each publisher above all).
    codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useREMB(), useTWCC()] })] },
    headerExtensions: {
      audio: [useSdesMid(), useAbsSendTime(), useTransportWideCC()],
      video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()],
    },
    bundlePolicy: 'max-bundle',
    iceUseIpv6: false,
    iceUseTcp: false,
  });

/** Rejects when `p` takes longer than CONNECT_TIMEOUT_MS. */
async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function connected(pc: RTCPeerConnection): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return within(
    new Promise<void>((resolve, reject) => {
      const sub = pc.connectionStateChange.subscribe((state) => {
        if (state !== 'connected' && state !== 'failed') return;
        sub.unSubscribe();
        if (state === 'connected') resolve();
        else reject(new Error('peer connection to Janus failed'));
      });
    }),
    'peer connection to Janus',
  );
}

const localJsep = (pc: RTCPeerConnection): Jsep => {
  const d = pc.localDescription!;
  return { type: d.type as Jsep['type'], sdp: d.sdp };
};

/** One party of a room: a publisher handle and peer connection, and a subscription to the other party. */
export class Participant {
  readonly id = `load-${randomUUID()}`;
  readonly video = new FrameCounter();
  readonly audio = new FrameCounter();
  private source?: SyntheticSource;
  private sentTaken = { frames: 0, audio: 0 };
  private readonly pcs: RTCPeerConnection[] = [];
  private readonly handles: JanusHandle[] = [];

  constructor(private readonly session: JanusSession) {}

  /** Joins the room as a publisher and publishes VP8 and Opus; resolves once media can flow. */
  async publish(roomId: string): Promise<void> {
    const handle = await this.session.attach();
    this.handles.push(handle);
    await handle.message({ request: 'join', ptype: 'publisher', room: roomId, id: this.id, display: 'load' });
    // The feed can be subscribed to once Janus's side of DTLS is done too (webrtcup), not just ours.
    const up = new Promise<void>((resolve) => handle.onEvent((m) => m.janus === 'webrtcup' && resolve()));
    const pc = peer();
    this.pcs.push(pc);
    const video = pc.addTransceiver('video', { direction: 'sendonly' });
    const audio = pc.addTransceiver('audio', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const { jsep } = await handle.message({ request: 'publish', audio: true, video: true }, localJsep(pc));
    if (!jsep) throw new Error('Janus answered the publish without SDP');
    await pc.setRemoteDescription(jsep);
    await connected(pc);
    await within(up, "Janus's webrtcup");
    this.source = new SyntheticSource(video.sender, audio.sender);
  }

  /** Subscribes to another participant's feed and counts what arrives. */
  async subscribe(roomId: string, feed: string): Promise<void> {
    const handle = await this.session.attach();
    this.handles.push(handle);
    const { jsep } = await handle.message({ request: 'join', ptype: 'subscriber', room: roomId, streams: [{ feed }] });
    if (!jsep) throw new Error('Janus offered the subscription without SDP');
    const pc = peer();
    this.pcs.push(pc);
    pc.onTrack.subscribe((track) => {
      const counter = track.kind === 'video' ? this.video : this.audio;
      track.onReceiveRtp.subscribe((rtp) => counter.receive(rtp.payload, nowMs()));
    });
    await pc.setRemoteDescription(jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await handle.message({ request: 'start' }, localJsep(pc));
    await connected(pc);
  }

  /** Stops sending media (the peer connections stay up), as a camera and microphone turned off. */
  stopSending(): void {
    this.source!.stopped = true;
  }

  /** What this participant's source sent since the last call. */
  takeSent(): { frames: number; audio: number } {
    const s = this.source!;
    const out = { frames: s.framesSent - this.sentTaken.frames, audio: s.audioSent - this.sentTaken.audio };
    this.sentTaken = { frames: s.framesSent, audio: s.audioSent };
    return out;
  }

  /** Sends what is due by now (performance.now()). */
  tick(now: number): void {
    this.source?.tick(now);
  }

  async close(): Promise<void> {
    if (this.source) this.source.stopped = true;
    await Promise.all(this.pcs.map((pc) => pc.close().catch(() => undefined)));
    await Promise.all(this.handles.map((h) => h.detach()));
  }
}

/** A two-party room: each party publishes and receives the other. */
export class TwoPartyRoom {
  constructor(
    readonly id: string,
    readonly parties: [Participant, Participant],
  ) {}

  /** Both directions since the last sample: [a → b, b → a]. */
  sample(): FlowSample[] {
    const [a, b] = this.parties;
    return [
      [a, b],
      [b, a],
    ].map(([from, to]) => {
      const sent = from.takeSent();
      const video = to.video.take();
      const audio = to.audio.take();
      return {
        framesSent: sent.frames,
        framesReceived: video.frames,
        latencies: video.latencies,
        audioSent: sent.audio,
        audioReceived: audio.frames,
      };
    });
  }
}

/** Rooms on one Janus, all driven from this process by one pacer. */
export class LoadClient {
  readonly rooms: TwoPartyRoom[] = [];
  private readonly sessions: JanusSession[] = [];
  private readonly pacer: NodeJS.Timeout;

  private constructor(
    private readonly socket: JanusSocket,
    private readonly admin: JanusHandle,
    private readonly opts: LoadClientOptions,
  ) {
    this.pacer = setInterval(() => {
      const now = performance.now();
      for (const room of this.rooms) for (const p of room.parties) p.tick(now);
    }, TICK_MS);
  }

  static async connect(opts: LoadClientOptions): Promise<LoadClient> {
    const socket = await JanusSocket.open(opts.wsUrl, opts.apiSecret);
    const session = await socket.createSession();
    const client = new LoadClient(socket, await session.attach(), opts);
    client.sessions.push(session);
    return client;
  }

  /**
   * Creates a room, publishes both parties, subscribes each to the other and resolves once video
   * arrives both ways.
   */
  async openRoom(): Promise<TwoPartyRoom> {
    const roomId = `load-${randomUUID()}`;
    await this.admin.message({
      request: 'create',
      admin_key: this.opts.roomAdminKey,
      room: roomId,
      publishers: 2,
      is_private: true,
      permanent: false,
      record: false,
      videocodec: 'vp8',
      audiocodec: 'opus',
    });
    // Each party has a session of its own, as each browser does.
    const parties = (await Promise.all([this.socket.createSession(), this.socket.createSession()])).map((s) => {
      this.sessions.push(s);
      return new Participant(s);
    }) as [Participant, Participant];
    const room = new TwoPartyRoom(roomId, parties);
    this.rooms.push(room);
    const [a, b] = parties;
    await Promise.all([a.publish(roomId), b.publish(roomId)]);
    await Promise.all([a.subscribe(roomId, b.id), b.subscribe(roomId, a.id)]);
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    while (a.video.frames === 0 || b.video.frames === 0) {
      if (Date.now() > deadline) throw new Error(`room ${roomId}: no video both ways within ${CONNECT_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    room.sample();
    return room;
  }

  /** Every direction of every room since the last sample. */
  sample(): FlowSample[] {
    return this.rooms.flatMap((r) => r.sample());
  }

  /** Closes every peer connection, session and the socket. */
  async close(): Promise<void> {
    clearInterval(this.pacer);
    await Promise.all(this.rooms.flatMap((r) => r.parties.map((p) => p.close())));
    for (const room of this.rooms)
      await this.admin
        .message({ request: 'destroy', room: room.id, admin_key: this.opts.roomAdminKey })
        .catch(() => undefined);
    await Promise.all(this.sessions.map((s) => s.destroy()));
    await this.socket.close();
  }
}
