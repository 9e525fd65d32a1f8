/**
 * Rate-limit counters in PostgreSQL, so that every web replica counts against one limit: a fixed
 * window per key, one atomic upsert per hit (express-rate-limit's `Store`). The table holds keyed
 * hashes only, never a personnummer or a client address.
 */
import { createHmac } from 'node:crypto';
import pg from 'pg';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

// The database's clock decides when a window ends, so replicas whose clocks differ still agree.
const INCREMENT = `insert into rate_limit_counter as c (key, hits, reset_at)
  values ($1, 1, now() + $2::int * interval '1 millisecond')
  on conflict (key) do update set
    hits = case when c.reset_at <= now() then 1 else c.hits + 1 end,
    reset_at = case when c.reset_at <= now() then excluded.reset_at else c.reset_at end
  returning hits, reset_at`;

/** How often each process deletes ended windows (an index range scan; an ended row also counts as absent). */
const SWEEP_EVERY_MS = 5 * 60_000;

type Row = { hits: number; reset_at: Date };

/** One limiter's counters: keys are hashed with the scope and route class, so limiters never share a row. */
class PgRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly pool: pg.Pool,
    readonly prefix: string,
    private readonly hash: (key: string) => string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { rows } = await this.pool.query<Row>(
      'select hits, reset_at from rate_limit_counter where key = $1 and reset_at > now()',
      [this.hash(this.prefix + key)],
    );
    return rows[0] ? { totalHits: rows[0].hits, resetTime: rows[0].reset_at } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { rows } = await this.pool.query<Row>(INCREMENT, [this.hash(this.prefix + key), this.windowMs]);
    return { totalHits: rows[0].hits, resetTime: rows[0].reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.pool.query(
      'update rate_limit_counter set hits = hits - 1 where key = $1 and hits > 0 and reset_at > now()',
      [this.hash(this.prefix + key)],
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.pool.query('delete from rate_limit_counter where key = $1', [this.hash(this.prefix + key)]);
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
  const hash = (key: string) => createHmac('sha256', opts.secret).update(key).digest('base64url');
  const sweep = async () => (await pool.query('delete from rate_limit_counter where reset_at < now()')).rowCount ?? 0;
  const timer = setInterval(() => void sweep().catch(() => undefined), SWEEP_EVERY_MS);
  timer.unref();
  return {
    store: (rateClass) => new PgRateLimitStore(pool, `${opts.scope}:${rateClass}:`, hash),
    sweep,
    close: async () => {
      clearInterval(timer);
      await pool.end();
    },
  };
}
