/**
 * Prometheus metrics (prom-client). The web process serves HTTP latency and the open deviations and
 * invoices per status (read at scrape time); the worker serves workflow step durations beside the
 * Temporal SDK's own metrics.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TimelineEntry } from '../workflows/encounter.messages';

export interface WebMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * @param read - the current counts, asked for on each scrape
 */
export function createWebMetrics(read: {
  openDeviations(): Promise<Map<string, number>>;
  invoicesByStatus(): Promise<Record<string, number>>;
}): WebMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ proc: 'web' });
  collectDefaultMetrics({ register: registry, prefix: 'vardmote_web_' });
  const httpDuration = new Histogram({
    name: 'vardmote_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'vardmote_deviations_open',
    help: 'Open deviations (new or under review) by category',
    labelNames: ['category'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [category, n] of await read.openDeviations()) this.set({ category }, n);
    },
  });
  new Gauge({
    name: 'vardmote_invoices',
    help: 'Invoices by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await read.invoicesByStatus())) this.set({ status }, n);
    },
  });
  return { registry, httpDuration };
}

export interface WorkerMetrics {
  registry: Registry;
  /** Called with each projected encounter state: records the step it just left. */
  encounterProjected(encounterId: string, timeline: TimelineEntry[]): void;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ proc: 'worker' });
  collectDefaultMetrics({ register: registry, prefix: 'vardmote_worker_' });
  const stepDuration = new Histogram({
    name: 'vardmote_workflow_step_duration_seconds',
    help: 'Time an encounter spent in each step (from its first timeline event to the next step)',
    labelNames: ['workflow', 'step'] as const,
    buckets: [0.1, 1, 10, 60, 600, 3600, 6 * 3600, 86400, 7 * 86400],
    registers: [registry],
  });
  // A projection can be retried: each transition is counted once per process.
  const seen = new Set<string>();
  return {
    registry,
    encounterProjected(encounterId, timeline) {
      const left = stepLeft(timeline);
      const key = `${encounterId}:${timeline.length}`;
      if (!left || seen.has(key)) return;
      if (seen.size > 50_000) seen.clear();
      seen.add(key);
      stepDuration.observe({ workflow: 'encounter', step: left.step }, left.seconds);
    },
  };
}

/** When the last timeline event starts a new step: the step left and how long it lasted. */
export function stepLeft(timeline: TimelineEntry[]): { step: string; seconds: number } | null {
  const n = timeline.length;
  if (n < 2 || timeline[n - 1].step === timeline[n - 2].step) return null;
  let first = n - 2;
  while (first > 0 && timeline[first - 1].step === timeline[n - 2].step) first--;
  const seconds = (Date.parse(timeline[n - 1].at) - Date.parse(timeline[first].at)) / 1000;
  return seconds >= 0 ? { step: timeline[n - 2].step, seconds } : null;
}
