/** Derives a same-shaped program from a recorded workflow history (pure; used by bench/encounters.ts). */
import type { temporal } from '@temporalio/proto';

export type ShapeOp =
  | { op: 'activity' }
  | { op: 'timer'; ms: number; fires: boolean }
  | { op: 'timer-cancel' }
  | { op: 'update' }
  | { op: 'update-done' }
  | { op: 'signal' }
  | { op: 'marker' }
  | { op: 'child' };

type Event = temporal.api.history.v1.IHistoryEvent;

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

/**
 * The workflow-side operations in history order: each activity, timer (and whether it fired or was
 * cancelled), update accepted and completed, signal, marker and child start.
 */
export function programFromHistory(events: Event[]): ShapeOp[] {
  const fired = new Set(
    events.filter((e) => e.timerFiredEventAttributes).map((e) => e.timerFiredEventAttributes!.timerId),
  );
  const program: ShapeOp[] = [];
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) program.push({ op: 'activity' });
    else if (e.timerStartedEventAttributes) {
      const t = e.timerStartedEventAttributes;
      program.push({ op: 'timer', ms: seconds(t.startToFireTimeout), fires: fired.has(t.timerId) });
    } else if (e.timerCanceledEventAttributes) program.push({ op: 'timer-cancel' });
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) program.push({ op: 'update' });
    else if (e.workflowExecutionUpdateCompletedEventAttributes) program.push({ op: 'update-done' });
    else if (e.workflowExecutionSignaledEventAttributes) program.push({ op: 'signal' });
    else if (e.markerRecordedEventAttributes) program.push({ op: 'marker' });
    else if (e.startChildWorkflowExecutionInitiatedEventAttributes) program.push({ op: 'child' });
  }
  return program;
}

/** Child workflow ids started by a history, in order. */
export function childIds(events: Event[]): string[] {
  return events
    .filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
    .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!);
}

/** One client call of a driver: an update (by name), a signal or a query. */
export type Call = { kind: 'update' | 'signal' | 'query'; name: string };

/** Percentiles of a list of milliseconds. */
export function percentiles(ms: number[]): { p50: number; p95: number; p99: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: s.length };
}

/** The program positions of its interactions (updates and signals), in order. */
export function interactionIndexes(program: ShapeOp[]): number[] {
  return program.flatMap((o, i) => (o.op === 'update' || o.op === 'signal' ? [i] : []));
}
