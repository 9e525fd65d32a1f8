/**
 * Text in the call (issue 26): the meeting's chat, kept in this web process's memory keyed by
 * encounter, only while the meeting lasts. Nothing is written to the database or any log; the
 * clinician's page can copy it into the journal note. One web process serves a meeting's pages
 * (several replicas need the load balancer to keep an encounter's pages on one; docs/video.md).
 */
import type { MeetRole } from '../../db/entities';

export const CHAT_TEXT_MAX = 1000;
/** A meeting's newest messages; older ones fall off (a care meeting's chat is far shorter). */
const KEPT = 500;
/** A meeting nobody wrote in or read for this long is gone (its end normally clears it at once). */
const IDLE_MS = 6 * 3600_000;

export interface ChatMessage {
  seq: number;
  at: string;
  from: { role: MeetRole; name: string };
  text: string;
}

interface Room {
  seq: number;
  messages: ChatMessage[];
  touchedAt: number;
}

export class MeetingChats {
  readonly #rooms = new Map<string, Room>();

  /** Adds a message and returns it (its `seq` orders it in the meeting). */
  post(encounterId: string, from: ChatMessage['from'], text: string, now = Date.now()): ChatMessage {
    this.#sweep(now);
    const room = this.#rooms.get(encounterId) ?? { seq: 0, messages: [], touchedAt: now };
    this.#rooms.set(encounterId, room);
    const msg: ChatMessage = { seq: ++room.seq, at: new Date(now).toISOString(), from, text };
    room.messages.push(msg);
    if (room.messages.length > KEPT) room.messages.splice(0, room.messages.length - KEPT);
    room.touchedAt = now;
    return msg;
  }

  /** The messages after `after` (0: all kept). */
  since(encounterId: string, after: number, now = Date.now()): ChatMessage[] {
    const room = this.#rooms.get(encounterId);
    if (!room) return [];
    room.touchedAt = now;
    return room.messages.filter((m) => m.seq > after);
  }

  /** The meeting ended: its chat is gone. */
  clear(encounterId: string): void {
    this.#rooms.delete(encounterId);
  }

  #sweep(now: number): void {
    for (const [id, room] of this.#rooms) if (now - room.touchedAt > IDLE_MS) this.#rooms.delete(id);
  }
}
