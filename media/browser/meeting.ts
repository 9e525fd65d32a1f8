/**
 * The meeting page in the browser (bundled by esbuild into /static/meeting.js).
 * Janus signalling goes through janus-gateway-js. The clinician's page joins the room when it opens;
 * the patient's page waits in the waiting room with a local camera preview only, and gets the room's
 * credentials from the server once the clinician has admitted them: no media flows before that.
 */
import Client from 'janus-gateway-js/src/client';
import type { JanusMessageLike, JanusPlugin, JanusSession } from 'janus-gateway-js';

interface PageConfig {
  role: 'patient' | 'clinician';
  key: string;
  csrfToken: string;
  displayName: string;
  /** The Intl locale of the page's language, and the sentences this script writes in it (issue 28). */
  locale: string;
  texts: Record<
    'endedClose' | 'roomOpensAt' | 'roomNotOpen' | 'inWaitingRoom' | 'inMeeting' | 'left' | 'failed',
    string
  >;
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
}

// A JSON block rather than an inline script: the page's CSP allows no inline code.
const cfg = JSON.parse(document.getElementById('meeting-config')!.textContent!) as PageConfig;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;
const say = (text: string) => {
  const el = $('status-text');
  if (el) el.textContent = text;
};
/** Exposed for tests and support staff: what the page is doing right now. */
const debug: Record<string, unknown> & { errors: string[] } = ((
  window as unknown as { vardmote: Record<string, unknown> }
).vardmote = { phase: 'starting', errors: [] as string[] }) as never;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/meet/api/${path}`, {
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
let subscribed = false;
const peers: RTCPeerConnection[] = [];

async function publish(info: JoinInfo): Promise<void> {
  // The page's token is Janus' core token too (token_auth): the session, its handles and keepalives carry it.
  const connection = await new Client(info.wsUrl, { keepalive: true, token: info.janusToken }).createConnection(
    'meeting',
  );
  session = await connection.createSession();
  publisher = await session.attachPlugin('janus.plugin.videoroom');
  publisher.on('error', () => undefined);
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

/** Subscribes to the other party's feed once they publish. */
async function subscribe(info: JoinInfo): Promise<void> {
  if (subscribed || !session || !publisher) return;
  const list = await publisher.sendWithTransaction({ body: { request: 'listparticipants', room: info.roomId } });
  const others = ((list.getPluginData('participants') as Array<{ id: string; publisher: boolean }>) ?? []).filter(
    (p) => p.id !== info.publisherId && p.publisher,
  );
  if (others.length === 0) return;
  subscribed = true;
  try {
    const sub = await session.attachPlugin('janus.plugin.videoroom');
    sub.on('error', () => undefined);
    debug.subscribeStartedAt = performance.now();
    const offer = await request(
      sub,
      {
        request: 'join',
        ptype: 'subscriber',
        room: info.roomId,
        pin: info.pin,
        token: info.janusToken,
        streams: [{ feed: others[0].id }],
      },
      undefined,
      (m) => Boolean(m.getPlainMessage().jsep),
    );
    const servers = await iceServers(info);
    const pc = new RTCPeerConnection({ iceServers: servers });
    peers.push(pc);
    const remote = $<HTMLVideoElement>('remote-video')!;
    remote.addEventListener('playing', () => (debug.remotePlayingAt ??= performance.now()), { once: true });
    debug.videoStats = () => inboundVideo(pc);
    pc.addEventListener('track', (e) => {
      remote.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void remote.play().catch(() => undefined);
    });
    await pc.setRemoteDescription(offer.getPlainMessage().jsep!);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, servers);
    await request(sub, { request: 'start' }, pc.localDescription!.toJSON(), (m) => m.getPluginData('started') === 'ok');
    debug.phase = 'in-session';
  } catch (err) {
    subscribed = false;
    throw err;
  }
}

/** Decoded and dropped frames of the remote video (for support staff and the video benchmark). */
async function inboundVideo(
  pc: RTCPeerConnection,
): Promise<{ framesDecoded: number; framesDropped: number; framesPerSecond: number }> {
  const out = { framesDecoded: 0, framesDropped: 0, framesPerSecond: 0 };
  (await pc.getStats()).forEach(
    (r: { type: string; kind?: string; framesDecoded?: number; framesDropped?: number; framesPerSecond?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        out.framesDecoded += r.framesDecoded ?? 0;
        out.framesDropped += r.framesDropped ?? 0;
        out.framesPerSecond += r.framesPerSecond ?? 0;
      }
    },
  );
  return out;
}

function hangUp(): void {
  for (const pc of peers) pc.close();
  peers.length = 0;
  void session?.destroy().catch(() => undefined);
  session = null;
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

function render(s: MeetingState): void {
  document.body.dataset.status = s.status;
  const set = (id: string, on: boolean) => $(id)?.toggleAttribute('hidden', !on);
  set('waiting-room', cfg.role === 'patient' && !s.admitted && !s.ended);
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
  else if (!s.admitted)
    say(cfg.role === 'patient' ? cfg.texts.inWaitingRoom : 'Bekräfta checklistan och släpp in patienten.');
  else if (left) say(cfg.texts.left);
  else say(cfg.texts.inMeeting);
  focusOnChange(s);
}

async function main(): Promise<void> {
  let info: JoinInfo | null = null;
  let busy = false;
  let toldPresent = false;
  // Leaving the waiting room (closing the tab) is presence too.
  window.addEventListener('pagehide', () => {
    if (toldPresent && !info)
      void fetch('/meet/api/presence', {
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
      const s = await api<MeetingState>('GET', 'state');
      render(s);
      if (s.ended) {
        hangUp();
        debug.phase = 'ended';
        return;
      }
      if (cfg.role === 'patient' && s.roomOpen && !s.admitted) {
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
      if (info && s.admitted) await subscribe(info);
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
  $('end')?.addEventListener('click', () => void post('end')());
  $('phone')?.addEventListener(
    'click',
    () => void post('phone', { error: String(debug.errors.at(-1) ?? 'video failed (reported by the clinician)') })(),
  );
}

void main();
