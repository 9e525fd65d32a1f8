/**
 * The meeting page's parts for more than two (issue 26): a video tile per other person with their name
 * and role under it, the chat log, and the clinician's list of participants to admit. DOM only; the
 * Janus side is media/browser/meeting.ts.
 */

/** Who is behind a Janus publisher id, from the server (staff: title and name). */
export interface Person {
  publisherId: string;
  role: string;
  name: string;
  detail?: string;
}
export interface ChatMessage {
  seq: number;
  at: string;
  from: { role: string; name: string };
  text: string;
}
export interface ParticipantView {
  id: string;
  kind: 'interpreter' | 'relative' | 'colleague';
  name: string;
  language?: string;
  unit?: { id: string; name: string };
  status: string;
  statusLabel: string;
  awaitsPatient: boolean;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

/**
 * The tile of a remote feed: the page's first (`#remote-video`, which tests and the benchmark read)
 * while it is free, else a new one before one's own.
 */
export function tileFor(feed: string): HTMLVideoElement {
  const first = $<HTMLVideoElement>('remote-video')!;
  const existing = document.querySelector<HTMLVideoElement>(`video[data-feed="${CSS.escape(feed)}"]`);
  if (existing) return existing;
  if (!first.dataset.feed) {
    first.dataset.feed = feed;
    return first;
  }
  const figure = document.createElement('figure');
  figure.className = 'remote';
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.dataset.feed = feed;
  figure.append(video, document.createElement('figcaption'));
  const videos = $('videos')!;
  videos.insertBefore(figure, videos.querySelector('figure.self'));
  videos.classList.toggle('many', videos.querySelectorAll('figure.remote').length > 1);
  return video;
}

/** The feed left: its tile goes (the first is emptied and kept for the next). */
export function dropTile(feed: string): void {
  const video = document.querySelector<HTMLVideoElement>(`video[data-feed="${CSS.escape(feed)}"]`);
  if (!video) return;
  video.srcObject = null;
  if (video.id === 'remote-video') delete video.dataset.feed;
  else video.closest('figure')?.remove();
  const videos = $('videos')!;
  videos.classList.toggle('many', videos.querySelectorAll('figure.remote').length > 1);
}

/** "Name – Role (language or unit)" under each tile, in the page's language. */
export function captionTiles(people: Person[], roles: Record<string, string>): void {
  for (const video of Array.from(document.querySelectorAll<HTMLVideoElement>('video[data-feed]'))) {
    const p = people.find((x) => x.publisherId === video.dataset.feed);
    const caption = video.closest('figure')?.querySelector('figcaption');
    if (!p || !caption) continue;
    const text = `${p.name} – ${roles[p.role] ?? p.role}${p.detail ? ` (${p.detail})` : ''}`;
    if (caption.textContent !== text) caption.textContent = text;
  }
}

/** Adds new messages to the log (a live region: each is announced); returns the newest seq shown. */
export function appendChat(messages: ChatMessage[], shown: number, locale: string): number {
  const log = $('chat-log');
  if (!log) return shown;
  for (const msg of messages) {
    if (msg.seq <= shown) continue;
    const li = document.createElement('li');
    li.dataset.seq = String(msg.seq);
    const time = new Date(msg.at).toLocaleTimeString(locale, {
      timeZone: 'Europe/Stockholm',
      hour: '2-digit',
      minute: '2-digit',
    });
    const who = document.createElement('strong');
    who.textContent = `${msg.from.name}`;
    li.append(who, ` (${time}): `, document.createTextNode(msg.text));
    log.append(li);
    log.scrollTop = log.scrollHeight;
    shown = msg.seq;
  }
  return shown;
}

/** The chat as plain text, for the journal note. */
export const chatTranscript = () =>
  Array.from(document.querySelectorAll('#chat-log li'))
    .map((li) => li.textContent ?? '')
    .join('\n');

const KIND_SV: Record<ParticipantView['kind'], string> = {
  interpreter: 'tolk',
  relative: 'närstående',
  colleague: 'vårdgivare från annan enhet',
};

/** A participant as the clinician's page names it (Swedish: staff only). */
export const participantName = (p: ParticipantView) =>
  `${p.name} (${KIND_SV[p.kind]}${p.language ? `, ${p.language}` : ''}${p.unit ? `, ${p.unit.name}` : ''})`;

/**
 * The clinician's list of participants, each with its state and, while it waits, an admit button.
 * Rebuilt only when something in it changed, so a focused button is not replaced under the user.
 */
export function renderParticipants(list: ParticipantView[], onAdmit: (p: ParticipantView) => void): void {
  const ul = $('participant-list');
  const section = $('participants');
  if (!ul || !section) return;
  section.toggleAttribute('hidden', list.length === 0);
  const key = JSON.stringify(list.map((p) => [p.id, p.status, p.awaitsPatient]));
  if (ul.dataset.key === key) return;
  ul.dataset.key = key;
  ul.replaceChildren(
    ...list.map((p) => {
      const li = document.createElement('li');
      li.id = `participant-${p.id}`;
      li.tabIndex = -1;
      li.textContent = `${participantName(p)}: ${p.awaitsPatient ? 'väntar på patientens godkännande' : p.statusLabel.toLowerCase()}`;
      if (p.status === 'waiting') {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'admit-participant';
        b.dataset.participant = p.id;
        b.textContent = `Släpp in ${p.name}`;
        b.addEventListener('click', () => onAdmit(p));
        li.append(' ', b);
      }
      return li;
    }),
  );
}
