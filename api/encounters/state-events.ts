/**
 * Projection changes pushed to open pages (issue 29): one PostgreSQL connection per web process LISTENs
 * on `encounter_state` (db/encounters.ts notifies with the encounter's id when its state is written) and
 * calls the watchers of that encounter. Pages get server-sent events instead of polling every 2 s.
 */
import pg from 'pg';
import type { Logger } from 'pino';

export interface StateEvents {
  /** Calls `onChange` whenever the encounter's projected state is written; returns the unsubscribe. */
  watch(encounterId: string, onChange: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/** After a lost connection, the next watch or this timer connects again; watchers are told to re-read. */
const RECONNECT_MS = 2000;

export function createStateEvents(databaseUrl: string, logger: Logger): StateEvents {
  const watchers = new Map<string, Set<() => void>>();
  let client: Promise<pg.Client> | null = null;
  let closed = false;
  const notifyAll = () => [...watchers.values()].forEach((set) => set.forEach((fn) => fn()));

  const connect = (): Promise<pg.Client> => {
    client ??= (async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('notification', (n) => watchers.get(n.payload ?? '')?.forEach((fn) => fn()));
      c.on('error', (err) => {
        logger.warn({ err: err.message }, 'state events: connection lost; reconnecting');
        client = null;
        void c.end().catch(() => undefined);
        // What changed while the connection was down is not known: every page re-reads once it is back.
        if (!closed) setTimeout(() => void connect().then(notifyAll, () => undefined), RECONNECT_MS).unref();
      });
      await c.connect();
      await c.query('listen encounter_state');
      return c;
    })().catch((err: unknown) => {
      client = null;
      throw err;
    });
    return client;
  };

  return {
    async watch(encounterId, onChange) {
      await connect();
      const set = watchers.get(encounterId) ?? new Set();
      set.add(onChange);
      watchers.set(encounterId, set);
      return () => {
        set.delete(onChange);
        if (set.size === 0) watchers.delete(encounterId);
      };
    },
    async close() {
      closed = true;
      watchers.clear();
      const c = await client?.catch(() => null);
      await c?.end().catch(() => undefined);
    },
  };
}
