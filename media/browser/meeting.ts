/**
 * The meeting page in the browser (bundled by esbuild into /static/meeting.js).
 * Janus signalling goes through janus-gateway-js. The clinician's page joins the room when it opens;
 * the patient's page waits in the waiting room with a local camera preview only, and gets the room's
 * credentials from the server once the clinician has admitted them: no media flows before that.
 */
import Client from 'janus-gateway-js/src/client';
import type { JanusMessageLike, JanusPlugin, JanusSession } from 'janus-gateway-js';
import {
  appendChat,
  captionTiles,
  chatTranscript,
  dropTile,
  participantName,
  renderParticipants,
  tileFor,
  type ChatMessage,
  type ParticipantView,
  type Person,
} from './room-ui';

interface PageConfig {
  /** The patient's, the booked clinician's, or a participant's page (issue 26). */
  role: 'patient' | 'clinician' | 'interpreter' | 'relative' | 'colleague';
  key: string;
  csrfToken: string;
  /** Where the page's calls go: `/meet/api/`, or `/meet/api/guest/` on the code-identified interpreter's page. */
  api: string;
  displayName: string;
  /** The Intl locale of the page's language, and the sentences this script writes in it (issue 28). */
  locale: string;
  texts: Record<
    'endedClose' | 'roomOpensAt' | 'roomNotOpen' | 'inWaitingRoom' | 'inMeeting' | 'left' | 'failed',
    string
  >;
  /** Each role's name under a video, in the page's language. */
  roles: Record<string, string>;
}
interface JoinInfo {
  wsUrl: string;
  roomId: string;
  pin: string;
  janusToken: string;
  publisherId: string;
  /** STUN/TURN with this page's short-lived credential: every peer connection uses them. */
  iceServers: RTCIceServer[];
  /** Unix seconds after which the TURN credential opens no new relay (null: nothing expires). */
  iceServersExpireAt: number | null;
}
interface MeetingState {
  status: string;
  statusLabel: string;
  roomOpen: boolean;
  roomOpensAt: string | null;
  patientPresent: boolean;
  clinicianPresent: boolean;
  checklistConfirmed: boolean;
  admitted: boolean;
  ended: boolean;
  modality: 'video' | 'phone';
  /** While waiting: when the meeting was due, and when the clinician was told (Swedish, from the server). */
  waitingNotes?: string[];
  /** Admitted pages: who is behind each publisher, and the chat after the page's last message. */
  people?: Person[];
  chat?: ChatMessage[];
  /** The clinician's page: the participants beyond the patient (issue 26). */
  participants?: ParticipantView[];
}

// A JSON block rather than an inline script: the page's CSP allows no inline code.
const cfg = JSON.parse(document.getElementById('meeting-config')!.textContent!) as PageConfig;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;
const say = (text: string) => {
  const el = $('status-text');
  // Written only when it changes: the element is a live region.
  if (el && el.textContent !== text) el.textContent = text;
};
/** Exposed for tests and support staff: what the page is doing right now. */
const debug: Record<string, unknown> & { errors: string[] } = ((
  window as unknown as { vardmote: Record<string, unknown> }
).vardmote = { phase: 'starting', errors: [] as string[] }) as never;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${cfg.api}${path}`, {
    method,
    headers: {
      'x-meeting-key': cfg.key,
      'x-csrf-token': cfg.csrfToken,
      // No poll mark here: someone in a video call is using the service, so its state polls keep the session.
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(json.message ?? `HTTP ${res.status}`);
  return json;
}

/** Sends a VideoRoom request and waits for its event (async requests answer with "ack" first). */
function request(
  plugin: JanusPlugin,
  body: Record<string, unknown>,
  jsep?: RTCSessionDescriptionInit,
  expect?: (m: JanusMessageLike) => boolean,
): Promise<JanusMessageLike> {
  return new Promise((resolve, reject) => {
    const settle = (fn: () => void) => {
      plugin.off('message', onMessage);
      plugin.off('error', onError);
      fn();
    };
    const onMessage = (msg: JanusMessageLike) => {
      const plain = msg.getPlainMessage();
      if (plain.janus !== 'event') return;
      const data = plain.plugindata?.data ?? {};
      if (data.error) settle(() => reject(new Error(String(data.error))));
      else if (!expect || expect(msg)) settle(() => resolve(msg));
    };
    // janus-gateway-js hands a refused asynchronous request (after its "ack") to 'error', not 'message'.
    const onError = (err?: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err))));
    plugin.on('message', onMessage);
    plugin.on('error', onError);
    plugin.sendWithTransaction({ body, ...(jsep ? { jsep } : {}) }).catch(onError);
  });
}

/**
 * Waits until ICE gathering is done, so the SDP carries every candidate (no trickle needed). Three
 * seconds at most, unless the page was handed a TURN server and has no relay candidate yet: on a network
 * that lets only the relay through, an offer without one can never connect, so it waits up to 15 s more.
 */
function gathered(pc: RTCPeerConnection, servers: RTCIceServer[]): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  const turn = servers.some((s) => [s.urls].flat().some((u) => /^turns?:/.test(u)));
  return new Promise((resolve) => {
    const check = () => pc.iceGatheringState === 'complete' && resolve();
    pc.addEventListener('icegatheringstatechange', check);
    // The local description carries each candidate gathered so far.
    setTimeout(() => (!turn || / typ relay/.test(pc.localDescription?.sdp ?? '')) && resolve(), 3000);
    setTimeout(resolve, 18_000);
  });
}

let preview: Promise<MediaStream> | null = null;
/** The local camera, shown to oneself at once (a preview sends nothing anywhere). */
function camera(): Promise<MediaStream> {
  preview ??= navigator.mediaDevices
    .getUserMedia({ audio: true, video: { width: 640, height: 480 } })
    .then((stream) => {
      const local = $<HTMLVideoElement>('local-video');
      if (local) local.srcObject = stream;
      return stream;
    });
  return preview;
}

/**
 * The page's STUN/TURN servers for a new peer connection. The credential only has to hold when the
 * relay is allocated, so a peer connection made later (the other party published after a long wait)
 * asks the server for a fresh one first.
 */
async function iceServers(info: JoinInfo): Promise<RTCIceServer[]> {
  if (info.iceServersExpireAt !== null && Date.now() / 1000 > info.iceServersExpireAt - 60) {
    const again = await api<JoinInfo>('GET', 'join');
    info.iceServers = again.iceServers;
    info.iceServersExpireAt = again.iceServersExpireAt;
  }
  return info.iceServers;
}

let session: JanusSession | null = null;
let publisher: JanusPlugin | null = null;
/** The publisher's own peer connection (screen sharing swaps its video track). */
let ownPc: RTCPeerConnection | null = null;
const peers: RTCPeerConnection[] = [];
/** The remote feeds this page receives, by Janus publisher id, each on its own subscriber handle. */
const feeds = new Map<string, { handle: JanusPlugin; pc: RTCPeerConnection }>();
const subscribing = new Set<string>();
/** Janus said a publisher came or went: look at the room again at the next tick. */
let roomChanged = true;

async function publish(info: JoinInfo): Promise<void> {
  // The page's token is Janus' core token too (token_auth): the session, its handles and keepalives carry it.
  const connection = await new Client(info.wsUrl, { keepalive: true, token: info.janusToken }).createConnection(
    'meeting',
  );
  session = await connection.createSession();
  publisher = await session.attachPlugin('janus.plugin.videoroom');
  publisher.on('error', () => undefined);
  // VideoRoom tells every publisher of new publishers and of those who leave or unpublish.
  publisher.on('message', (msg: JanusMessageLike) => {
    const data = msg.getPlainMessage().plugindata?.data ?? {};
    if (data.publishers || data.leaving || data.unpublished) roomChanged = true;
  });
  debug.phase = 'joining';
  await request(
    publisher,
    {
      request: 'join',
      ptype: 'publisher',
      room: info.roomId,
      pin: info.pin,
      token: info.janusToken,
      id: info.publisherId,
      display: `${cfg.role}: ${cfg.displayName}`,
    },
    undefined,
    (m) => m.getPluginData('videoroom') === 'joined',
  );
  const stream = await camera();
  const servers = await iceServers(info);
  const pc = new RTCPeerConnection({ iceServers: servers });
  peers.push(pc);
  ownPc = pc;
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc, servers);
  const answer = await request(
    publisher,
    { request: 'configure', audio: true, video: true },
    pc.localDescription!.toJSON(),
    (m) => Boolean(m.getPlainMessage().jsep),
  );
  await pc.setRemoteDescription(answer.getPlainMessage().jsep!);
  debug.phase = 'published';
}

/** Receives one publisher's feed into its own tile, on a subscriber handle of its own. */
async function subscribeTo(info: JoinInfo, feed: string): Promise<void> {
  if (!session || feeds.has(feed) || subscribing.has(feed)) return;
  subscribing.add(feed);
  try {
    const sub = await session.attachPlugin('janus.plugin.videoroom');
    sub.on('error', () => undefined);
    debug.subscribeStartedAt ??= performance.now();
    const offer = await request(
      sub,
      {
        request: 'join',
        ptype: 'subscriber',
        room: info.roomId,
        pin: info.pin,
        token: info.janusToken,
        streams: [{ feed }],
      },
      undefined,
      (m) => Boolean(m.getPlainMessage().jsep),
    );
    const servers = await iceServers(info);
    const pc = new RTCPeerConnection({ iceServers: servers });
    peers.push(pc);
    feeds.set(feed, { handle: sub, pc });
    const video = tileFor(feed);
    video.addEventListener('playing', () => (debug.remotePlayingAt ??= performance.now()), { once: true });
    pc.addEventListener('track', (e) => {
      video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void video.play().catch(() => undefined);
    });
    // A feed whose connection failed is dropped and subscribed again at the next look at the room.
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') roomChanged = true;
    });
    await pc.setRemoteDescription(offer.getPlainMessage().jsep!);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, servers);
    await request(sub, { request: 'start' }, pc.localDescription!.toJSON(), (m) => m.getPluginData('started') === 'ok');
    debug.phase = 'in-session';
  } catch (err) {
    unsubscribe(feed);
    throw err;
  } finally {
    subscribing.delete(feed);
  }
}

function unsubscribe(feed: string): void {
  const f = feeds.get(feed);
  feeds.delete(feed);
  dropTile(feed);
  if (!f) return;
  f.pc.close();
  peers.splice(peers.indexOf(f.pc), 1);
  void f.handle.detach().catch(() => undefined);
}

/** Subscribes to every other publisher in the room and lets go of those who left (issue 26). */
async function syncFeeds(info: JoinInfo): Promise<void> {
  if (!session || !publisher) return;
  roomChanged = false;
  const list = await publisher.sendWithTransaction({ body: { request: 'listparticipants', room: info.roomId } });
  const others = ((list.getPluginData('participants') as Array<{ id: string; publisher: boolean }>) ?? [])
    .filter((p) => p.id !== info.publisherId && p.publisher)
    .map((p) => String(p.id));
  for (const [feed, f] of feeds) if (!others.includes(feed) || f.pc.connectionState === 'failed') unsubscribe(feed);
  const results = await Promise.allSettled(
    others.filter((feed) => !feeds.has(feed)).map((feed) => subscribeTo(info, feed)),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    roomChanged = true;
    throw (failed as PromiseRejectedResult).reason;
  }
  debug.remoteFeeds = feeds.size;
}

/**
 * Decoded and dropped frames of the remote videos (for support staff and the video benchmark): summed
 * over the feeds received, with their number and the lowest frame rate of one.
 */
async function inboundVideo(pcs: RTCPeerConnection[]): Promise<{
  framesDecoded: number;
  framesDropped: number;
  framesPerSecond: number;
  feeds: number;
  minFramesDecoded: number;
}> {
  const out = { framesDecoded: 0, framesDropped: 0, framesPerSecond: 0, feeds: pcs.length, minFramesDecoded: 0 };
  const perFeed: number[] = [];
  for (const pc of pcs) {
    let decoded = 0;
    (await pc.getStats()).forEach(
      (r: {
        type: string;
        kind?: string;
        framesDecoded?: number;
        framesDropped?: number;
        framesPerSecond?: number;
      }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          decoded += r.framesDecoded ?? 0;
          out.framesDropped += r.framesDropped ?? 0;
          out.framesPerSecond += r.framesPerSecond ?? 0;
        }
      },
    );
    out.framesDecoded += decoded;
    perFeed.push(decoded);
  }
  out.minFramesDecoded = perFeed.length ? Math.min(...perFeed) : 0;
  return out;
}
debug.videoStats = () => inboundVideo([...feeds.values()].map((f) => f.pc));

function hangUp(): void {
  stopSharing();
  for (const pc of peers) pc.close();
  peers.length = 0;
  for (const feed of [...feeds.keys()]) dropTile(feed);
  feeds.clear();
  ownPc = null;
  void session?.destroy().catch(() => undefined);
  session = null;
}

/** The clinician admits a waiting participant; focus goes to that participant's line, which says so. */
async function admitParticipant(p: ParticipantView): Promise<void> {
  try {
    participants = (await api<{ participants: ParticipantView[] }>('POST', `participants/${p.id}/admit`)).participants;
    renderParticipants(participants, (x) => void admitParticipant(x));
    $(`participant-${p.id}`)?.focus();
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
  }
}

/** The clinician's shared screen, while shared: it takes the camera's place in the published video. */
let screen: MediaStream | null = null;

const videoSender = () => ownPc?.getSenders().find((x) => x.track?.kind === 'video') ?? null;

function shareButton(sharing: boolean): void {
  const b = $('share');
  if (!b) return;
  b.setAttribute('aria-pressed', String(sharing));
  b.textContent = sharing ? 'Sluta dela skärm' : 'Dela skärm';
}

/**
 * Shares the screen (issue 26): the published video track is replaced by the screen's, so everyone
 * already receiving the clinician gets it with no new negotiation and no extra publisher in the room.
 */
async function startSharing(): Promise<void> {
  const sender = videoSender();
  if (!sender || screen) return;
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const track = stream.getVideoTracks()[0];
  // Text and slides: keep the resolution and let the frame rate give.
  track.contentHint = 'detail';
  await sender.replaceTrack(track);
  screen = stream;
  track.addEventListener('ended', stopSharing);
  const local = $<HTMLVideoElement>('local-video');
  if (local) local.srcObject = stream;
  const { width, height } = track.getSettings();
  debug.sharing = { width, height };
  shareButton(true);
}

/** Back to the camera (the button again, the browser's own "stop sharing", or hanging up). */
function stopSharing(): void {
  if (!screen) return;
  screen.getTracks().forEach((t) => t.stop());
  screen = null;
  debug.sharing = null;
  shareButton(false);
  void preview?.then(async (cam) => {
    await videoSender()?.replaceTrack(cam.getVideoTracks()[0] ?? null);
    const local = $<HTMLVideoElement>('local-video');
    if (local) local.srcObject = cam;
  });
}

/** The state rendered last, to move focus only when something changed in front of the user. */
let last: MeetingState | null = null;
/** The patient left the meeting from this page (the Lämna mötet button). */
let left = false;

/** Moves focus to what just changed, so a keyboard and screen-reader user is taken to it (WCAG 2.4.3). */
function focusOnChange(s: MeetingState): void {
  const was = last;
  last = s;
  if (!was) return;
  const to = (id: string) => $(id)?.focus();
  if (s.ended && !was.ended) to('ended');
  else if (s.admitted && !was.admitted) to(cfg.role === 'clinician' ? 'patient-presence' : 'status-text');
  else if (cfg.role === 'clinician' && s.checklistConfirmed && !was.checklistConfirmed) to('patient-presence');
}

function presenceText(s: MeetingState): string {
  if (s.admitted) return s.patientPresent ? 'Patienten är med i mötet' : 'Patienten har lämnat mötet';
  return s.patientPresent ? 'Patienten väntar i väntrummet' : 'Patienten har inte anslutit ännu';
}

/**
 * The clinician's status line says what is happening now (issue 26): who is in the meeting and who
 * waits to be let in (Swedish: the clinician's page is staff's).
 */
function clinicianStatus(s: MeetingState): string {
  const ps = participants;
  const waiting = [
    ...(s.patientPresent && !s.admitted ? ['patienten'] : []),
    ...ps.filter((p) => p.status === 'waiting').map(participantName),
  ];
  const waits = waiting.length ? ` Väntar på att släppas in: ${waiting.join(', ')}.` : '';
  if (!s.admitted) return `Bekräfta checklistan och släpp in patienten.${waits}`;
  const inRoom = [
    ...(s.patientPresent ? ['patienten'] : []),
    ...ps.filter((p) => p.status === 'admitted').map(participantName),
  ];
  return `${cfg.texts.inMeeting}. I mötet med dig: ${inRoom.length ? inRoom.join(', ') : 'ingen just nu'}.${waits}`;
}

/** The newest chat message shown. */
let chatShown = 0;
/** The clinician's page: the participants as last told (an action's answer does not carry them). */
let participants: ParticipantView[] = [];

function render(s: MeetingState): void {
  document.body.dataset.status = s.status;
  const set = (id: string, on: boolean) => $(id)?.toggleAttribute('hidden', !on);
  // A participant's page waits in its own waiting room as the patient's does (issue 26).
  set('waiting-room', cfg.role !== 'clinician' && !s.admitted && !s.ended);
  const inRoom = s.admitted && !s.ended && !left;
  set('chat', inRoom);
  if (s.chat) chatShown = appendChat(s.chat, chatShown, cfg.locale);
  if (s.people) captionTiles(s.people, cfg.roles);
  set('ended', s.ended);
  set('in-session', s.admitted && !s.ended);
  set('in-meeting-actions', s.admitted && !s.ended && !left);
  set('left', left && !s.ended);
  const notes = $('waiting-notes');
  if (notes && cfg.role === 'patient') {
    const text = (s.waitingNotes ?? []).join(' ');
    // Written only when it changes: the element is a live region.
    if (notes.textContent !== text) notes.textContent = text;
  }
  if (cfg.role === 'clinician') {
    set('checklist', !s.checklistConfirmed && !s.ended);
    const admit = $<HTMLButtonElement>('admit');
    if (admit) admit.disabled = !(s.checklistConfirmed && s.patientPresent && !s.admitted);
    set('admit', !s.admitted && !s.ended);
    set('end', s.admitted && !s.ended);
    set('phone', s.roomOpen && s.modality === 'video');
    set('share', inRoom && s.modality === 'video' && 'getDisplayMedia' in navigator.mediaDevices);
    if (s.participants) participants = s.participants;
    renderParticipants(participants, (p) => void admitParticipant(p));
    const p = $('patient-presence');
    if (p && p.textContent !== presenceText(s)) p.textContent = presenceText(s);
  }
  if (s.ended) say(cfg.texts.endedClose);
  else if (!s.roomOpen)
    say(
      s.roomOpensAt
        ? cfg.texts.roomOpensAt.replace(
            '{time}',
            new Date(s.roomOpensAt).toLocaleTimeString(cfg.locale, {
              timeZone: 'Europe/Stockholm',
              hour: '2-digit',
              minute: '2-digit',
            }),
          )
        : cfg.texts.roomNotOpen,
    );
  else if (cfg.role === 'clinician') say(clinicianStatus(s));
  else if (!s.admitted) say(cfg.texts.inWaitingRoom);
  else if (left) say(cfg.texts.left);
  else say(cfg.texts.inMeeting);
  focusOnChange(s);
}

async function main(): Promise<void> {
  let info: JoinInfo | null = null;
  let busy = false;
  let toldPresent = false;
  let looks = 0;
  // Leaving the waiting room (closing the tab) is presence too.
  window.addEventListener('pagehide', () => {
    if (toldPresent && !info)
      void fetch(`${cfg.api}presence`, {
        method: 'POST',
        keepalive: true,
        headers: { 'x-meeting-key': cfg.key, 'x-csrf-token': cfg.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ present: false }),
      });
  });
  const tick = async () => {
    if (busy || left) return;
    busy = true;
    try {
      const s = await api<MeetingState>('GET', `state?chatAfter=${chatShown}`);
      render(s);
      if (s.ended) {
        hangUp();
        debug.phase = 'ended';
        return;
      }
      if (cfg.role !== 'clinician' && s.roomOpen && !s.admitted) {
        await camera();
        // Presence in the waiting room comes from this logged-in page, told once.
        if (!toldPresent) {
          await api('POST', 'presence', { present: true });
          toldPresent = true;
        }
      }
      // The clinician enters the room when it opens; the patient only once admitted (the server refuses earlier).
      if (s.roomOpen && !info && (cfg.role === 'clinician' || s.admitted)) {
        info = await api<JoinInfo>('GET', 'join');
        await publish(info);
      }
      // Every other publisher gets a tile; Janus's events about publishers make the next tick look again,
      // and every fourth tick looks anyway (an event missed on a reconnect).
      if (info && s.admitted && (roomChanged || ++looks % 4 === 0)) await syncFeeds(info);
    } catch (err) {
      debug.errors.push(String(err));
      say(cfg.texts.failed.replace('{error}', err instanceof Error ? err.message : String(err)));
    } finally {
      busy = false;
    }
  };
  // Half a second: the admitted patient sees the clinician within about that, at two state requests a second.
  const timer = setInterval(() => void tick().then(() => debug.phase === 'ended' && clearInterval(timer)), 500);
  void tick();

  const post = (path: string, body?: unknown) => async () => {
    try {
      render(await api<MeetingState>('POST', path, body));
    } catch (err) {
      say(err instanceof Error ? err.message : String(err));
    }
  };
  $('checklist')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const items = Object.fromEntries(
      Array.from((e.target as HTMLFormElement).querySelectorAll('input[type=checkbox]')).map((i) => [
        (i as HTMLInputElement).name,
        (i as HTMLInputElement).checked,
      ]),
    );
    void post('checklist', { items })();
  });
  $('admit')?.addEventListener('click', () => void post('admit')());
  // Leaving hangs up here; Janus tells the server (and so the clinician's page) that the patient left.
  $('leave')?.addEventListener('click', () => {
    left = true;
    hangUp();
    void preview?.then((stream) => stream.getTracks().forEach((t) => t.stop()));
    debug.phase = 'left';
    if (last) render(last);
    $('left')?.focus();
  });
  $('rejoin')?.addEventListener('click', () => location.reload());
  $('chat-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>('chat-input')!;
    const text = input.value.trim();
    if (!text) return input.focus();
    void api<ChatMessage>('POST', 'chat', { text })
      .then((msg) => {
        input.value = '';
        // Shown at once when it is the next one; otherwise the next state brings it in order.
        if (msg.seq === chatShown + 1) chatShown = appendChat([msg], chatShown, cfg.locale);
      })
      .catch((err: unknown) => say(err instanceof Error ? err.message : String(err)));
  });
  $('chat-copy')?.addEventListener('click', () => {
    const text = chatTranscript();
    const encounterId = location.pathname.split('/').pop()!;
    // This tab's storage only: Mina möten adds it to the note text once and forgets it (admin-ui/public/note-chat.js).
    sessionStorage.setItem(`vardmote:chat:${encounterId}`, text);
    void navigator.clipboard?.writeText(text).catch(() => undefined);
    const done = $('chat-copied');
    if (done)
      done.textContent = text
        ? 'Chatten är kopierad. Den läggs till i journalanteckningen när du öppnar Mina möten.'
        : 'Chatten är tom.';
  });
  $('share')?.addEventListener('click', () => {
    if (screen) return stopSharing();
    void startSharing().catch((err: unknown) => say(`Skärmen kunde inte delas: ${String(err)}`));
  });
  $('end')?.addEventListener('click', () => void post('end')());
  $('phone')?.addEventListener(
    'click',
    () => void post('phone', { error: String(debug.errors.at(-1) ?? 'video failed (reported by the clinician)') })(),
  );
}

void main();
