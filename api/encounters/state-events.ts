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

/** After a lost connection, how long until the next try (the next watch also tries at once). */
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
        reconnect();
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

  // Tried again every RECONNECT_MS while pages watch; what changed meanwhile is not known, so every
  // page re-reads once the connection is back.
  const reconnect = () => {
    if (closed || watchers.size === 0) return;
    setTimeout(() => void connect().then(notifyAll, reconnect), RECONNECT_MS).unref();
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
