/**
 * Rate-limit counters in PostgreSQL, so that every web replica counts against one limit: a fixed
 * window per key, kept by atomic upserts (express-rate-limit's `Store`). The table holds keyed hashes
 * only, never a personnummer or a client address.
 *
 * A round trip per request made the counter the most expensive part of every request (bench:api), so
 * a key far from its limit is counted in the process and written at most once a second (BATCH_MS), in
 * one upsert of all its hits; from a quarter of its limit (EXACT_FROM) on, every hit is an upsert of
 * its own, so the limit itself is exact. Between replicas a key's count lags by at most a second, and
 * only while it is below a quarter of its limit.
 */
import { createHmac } from 'node:crypto';
import pg from 'pg';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

// The database's clock decides when a window ends, so replicas whose clocks differ still agree.
const INCREMENT = `insert into rate_limit_counter as c (key, hits, reset_at)
  values ($1, $3, now() + $2::int * interval '1 millisecond')
  on conflict (key) do update set
    hits = case when c.reset_at <= now() then $3 else c.hits + $3 end,
    reset_at = case when c.reset_at <= now() then excluded.reset_at else c.reset_at end
  returning hits, reset_at`;

/** How often each process deletes ended windows (an index range scan; an ended row also counts as absent). */
const SWEEP_EVERY_MS = 5 * 60_000;

type Row = { hits: number; reset_at: Date };

/** How long a key's hits may stay in this process before they are written. */
export const BATCH_MS = 1000;
/** From this share of its limit on, a key's every hit is written at once. */
export const EXACT_FROM = 0.25;

/** A key as this process knows it: hits in the database at the last write, and hits since, not yet written. */
type Local = { hits: number; pending: number; resetAt: Date; writtenAt: number };

/** One limiter's counters: keys are hashed with the scope and route class, so limiters never share a row. */
class PgRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  /** The limiter's limit; unknown (a function of the request), every hit is written at once. */
  private limit: number | null = null;
  private readonly local = new Map<string, Local>();

  constructor(
    private readonly pool: pg.Pool,
    readonly prefix: string,
    private readonly hash: (key: string) => string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.limit = typeof options.limit === 'number' ? options.limit : null;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const k = this.hash(this.prefix + key);
    const { rows } = await this.pool.query<Row>(
      'select hits, reset_at from rate_limit_counter where key = $1 and reset_at > now()',
      [k],
    );
    const pending = this.live(k)?.pending ?? 0;
    return rows[0] ? { totalHits: rows[0].hits + pending, resetTime: rows[0].reset_at } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const k = this.hash(this.prefix + key);
    const l = this.live(k);
    if (
      l &&
      this.limit !== null &&
      performance.now() - l.writtenAt < BATCH_MS &&
      l.hits + l.pending + 1 < this.limit * EXACT_FROM
    ) {
      l.pending++;
      return { totalHits: l.hits + l.pending, resetTime: l.resetAt };
    }
    return this.write(k, 1);
  }

  /** Writes the key's hits not yet written, plus `extra`, in one upsert; remembers what the database says. */
  private async write(k: string, extra: number): Promise<ClientRateLimitInfo> {
    const l = this.live(k);
    const carried = l?.pending ?? 0;
    if (l) l.pending = 0;
    let row: Row;
    try {
      ({
        rows: [row],
      } = await this.pool.query<Row>(INCREMENT, [k, this.windowMs, carried + extra]));
    } catch (err) {
      // Kept for the next write: on the key's record as it is now (another write may have replaced it).
      const now = this.live(k);
      if (now) now.pending += carried;
      throw err;
    }
    // Hits counted here while the upsert was on its way stay to be written.
    const pending = this.live(k)?.pending ?? 0;
    if (this.limit !== null)
      this.local.set(k, { hits: row.hits, pending, resetAt: row.reset_at, writtenAt: performance.now() });
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  /** The key's local count while its window lasts (an ended window's is dropped). */
  private live(k: string): Local | undefined {
    const l = this.local.get(k);
    if (l && l.resetAt.getTime() <= Date.now()) this.local.delete(k);
    else return l;
  }

  /** Writes every key's hits not yet written (the timer calls it each BATCH_MS, and close). */
  async flush(): Promise<void> {
    for (const [k, l] of [...this.local])
      if (!this.live(k)) continue;
      else if (l.pending > 0) await this.write(k, 0);
      else if (performance.now() - l.writtenAt > this.windowMs) this.local.delete(k);
  }

  async decrement(key: string): Promise<void> {
    await this.pool.query(
      'update rate_limit_counter set hits = hits - 1 where key = $1 and hits > 0 and reset_at > now()',
      [this.hash(this.prefix + key)],
    );
  }

  async resetKey(key: string): Promise<void> {
    const k = this.hash(this.prefix + key);
    this.local.delete(k);
    await this.pool.query('delete from rate_limit_counter where key = $1', [k]);
  }
}

export interface RateCounters {
  /**
   * A store for one limiter. Stores of the same scope and route class count together, in this
   * process and in every other one on the same database.
   * @param rateClass - the route class, e.g. `login`
   */
  store(rateClass: string): Store;
  /** Deletes ended windows; returns how many rows went. */
  sweep(): Promise<number>;
  /** Stops the sweep and closes the pool. */
  close(): Promise<void>;
}

/**
 * The counters of one web process, on a small pool of their own: an outage or a busy ORM pool makes
 * a hit fail within about a second (the limiter then lets the request through) instead of holding
 * every request for the ORM's acquire timeout.
 * @param opts.databaseUrl - the app's database
 * @param opts.secret - keys the hash of each counter's key (the session secret: the same on every replica)
 * @param opts.scope - counters of one scope are one limit (every replica uses the same)
 */
export function createRateCounters(opts: { databaseUrl: string; secret: string; scope: string }): RateCounters {
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 3,
    idleTimeoutMillis: 5000,
    allowExitOnIdle: true,
    connectionTimeoutMillis: 2000,
    query_timeout: 1000,
    statement_timeout: 1000,
  });
  // An error of an idle client (the server went away) is met by the next query; pg would throw it otherwise.
  pool.on('error', () => undefined);
  // A process sees the same few callers again and again: each key is hashed once (bench:api), up to a bound.
  const hashes = new Map<string, string>();
  const hash = (key: string) => {
    let h = hashes.get(key);
    if (h === undefined) {
      if (hashes.size >= 10_000) hashes.clear();
      h = createHmac('sha256', opts.secret).update(key).digest('base64url');
      hashes.set(key, h);
    }
    return h;
  };
  const sweep = async () => (await pool.query('delete from rate_limit_counter where reset_at < now()')).rowCount ?? 0;
  const timer = setInterval(() => void sweep().catch(() => undefined), SWEEP_EVERY_MS);
  timer.unref();
  const stores: PgRateLimitStore[] = [];
  // A failed write keeps its hits for the next one; the limiter's own requests report the outage.
  const flushAll = () => Promise.all(stores.map((s) => s.flush().catch(() => undefined)));
  const flusher = setInterval(() => void flushAll(), BATCH_MS);
  flusher.unref();
  return {
    store: (rateClass) => {
      const store = new PgRateLimitStore(pool, `${opts.scope}:${rateClass}:`, hash);
      stores.push(store);
      return store;
    },
    sweep,
    close: async () => {
      clearInterval(timer);
      clearInterval(flusher);
      await flushAll();
      await pool.end();
    },
  };
}
