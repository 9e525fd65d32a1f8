/**
 * Encounters request → closed against a same-shaped no-op workflow on the same server in the same run
 * (bench/shape.ts: the same activities, timers, updates, signals, queries and child workflow, with
 * empty bodies), and against an empty workflow. Prints encounters/s, the ratio to the same-shaped
 * ceiling, p50/p95/p99 of each step and of each update round trip, and the process CPU; writes JSON
 * and an SVG chart to bench/results/.
 * Run: npm run bench (fresh embedded services on the test ports). BENCH_N (default 1000), BENCH_CONCURRENCY (10).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createPdfRenderer } from '../documents/pdf';
import { createActivities } from '../activities';
import { createFakeRooms } from '../media/rooms';
import * as m from '../workflows/encounter.messages';
import { connect, TestContext } from '../testkit/env';
import { Fixture, makeFixture, makeSlot } from '../testkit/fixtures';
import { captureMailer } from '../testkit/worker';
import { dataConverter, WORKFLOW_PAYLOAD_CONVERTER_PATH } from '../temporal/codec';
import { admin, clinicianOf, runSession, startEncounter, throughIdentity, waitForStatus } from '../testkit/drive';
import { Call, childIds, interactionIndexes, percentiles, programFromHistory, ShapeOp } from './shape-program';
import { shapeQuery, shapeSignal, shapeUpdate } from './shape';

const N = Number(process.env.BENCH_N ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const RESULTS = path.join(__dirname, 'results');

/** Timings in ms by label, collected from many runs. */
class Timings {
  readonly by = new Map<string, number[]>();
  add(label: string, ms: number) {
    (this.by.get(label) ?? this.by.set(label, []).get(label)!).push(ms);
  }
  async time<T>(label: string, f: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await f();
    } finally {
      this.add(label, performance.now() - t);
    }
  }
  summary() {
    return Object.fromEntries([...this.by].map(([k, v]) => [k, percentiles(v)]));
  }
}

/** The handle with every update, signal and query recorded (name, order) and timed. */
function recording(handle: WorkflowHandle, timings: Timings, calls?: Call[]): WorkflowHandle {
  return new Proxy(handle, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'executeUpdate')
        return (def: { name: string }, opts: unknown) => {
          calls?.push({ kind: 'update', name: def.name });
          return timings.time(`update ${def.name}`, () => target.executeUpdate(def as never, opts as never));
        };
      if (prop === 'signal')
        return (def: { name: string }, ...args: unknown[]) => {
          calls?.push({ kind: 'signal', name: def.name });
          return target.signal(def as never, ...(args as never[]));
        };
      if (prop === 'query')
        return (def: { name: string }, ...args: unknown[]) => {
          calls?.push({ kind: 'query', name: def.name });
          return target.query(def as never, ...(args as never[]));
        };
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** One encounter request → closed, timed per step. */
/** Each clinician's next free minute: slots 2 minutes apart per clinician, all within the room's 24 h opening. */
const nextSlot = new Map<string, number>();

async function runEncounter(ctx: TestContext, f: Fixture, timings: Timings, calls?: Call[]) {
  const k = nextSlot.get(f.clinicianId) ?? 0;
  nextSlot.set(f.clinicianId, k + 1);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 60 + k * 120, 1);
  // The room opens at once and the patient joins at once: this measures the engine, not the clock.
  const started = await timings.time('step create (API service: workflow start, row, access log)', () =>
    startEncounter(ctx, f, f.adultId, { roomOpensBeforeSeconds: 24 * 3600, lateCancelSeconds: 0 }),
  );
  const handle = recording(started.handle, timings, calls);
  await timings.time('step eligibility + identity', () => throughIdentity(handle, f));
  await timings.time('step booking', () =>
    handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] }),
  );
  await timings.time('step video session (room, join, checklist, admit, end)', () => runSession(handle, f));
  await timings.time('step until documentation', () => waitForStatus(handle, 'documentation', 60_000));
  const final = await timings.time('step journal note → fee → closed', () =>
    handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: 'Bänkmärkning.' }] }),
  );
  if (final.status !== 'closed') throw new Error(`encounter ended ${final.status}`);
  return started.handle;
}

/** The same client calls as a recorded encounter, against the same-shaped workflow. */
async function runShape(
  ctx: TestContext,
  i: number,
  program: ShapeOp[],
  children: ShapeOp[][],
  calls: Call[],
  timings: Timings,
) {
  const handle = await timings.time('step create (API service: workflow start, row, access log)', () =>
    ctx.client.workflow.start('shapeWorkflow', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: `shape-${i}-${Date.now()}`,
      args: [program, children],
    }),
  );
  // Where the encounter's driver polled its state (the queries before an interaction), poll the shape's
  // position the same way until it waits at that interaction; elsewhere send at once, as the encounter's driver did.
  const at = interactionIndexes(program);
  let u = 0;
  let k = 0;
  let polled = false;
  for (const c of calls) {
    if (c.kind === 'query') {
      polled = true;
      continue;
    }
    if (polled) {
      while ((await handle.query(shapeQuery)) < at[k]) await new Promise((r) => setTimeout(r, 150));
      polled = false;
    }
    k++;
    if (c.kind === 'update')
      await timings.time(`update ${c.name}`, () => handle.executeUpdate(shapeUpdate, { args: [u++] }));
    else await handle.signal(shapeSignal);
  }
  await handle.result();
}

/** Runs `task(i)` for i < n, `concurrency` at a time, with a progress bar; returns seconds taken. */
async function pool(
  label: string,
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  const started = Date.now();
  let next = 0;
  let done = 0;
  const tty = process.stdout.isTTY;
  const bar = () => {
    const w = 30;
    const k = Math.round((done / n) * w);
    const rate = done / ((Date.now() - started) / 1000 || 1);
    const line = `  ${label.padEnd(22)} [${'#'.repeat(k)}${'.'.repeat(w - k)}] ${done}/${n}  ${rate.toFixed(1)}/s`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (done === n || done % Math.max(1, Math.floor(n / 10)) === 0) process.stdout.write(`${line}\n`);
  };
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
      done++;
      bar();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (tty) process.stdout.write('\n');
  return (Date.now() - started) / 1000;
}

/** CPU seconds of this process (the worker and the driver) during `f`. */
async function withCpu<T>(f: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const out = await f();
  const d = process.cpuUsage(before);
  return [out, (d.user + d.system) / 1e6];
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const ctx = await connect();
  const connection = await NativeConnection.connect({ address: ctx.config.temporal.address });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    payloadConverterPath: WORKFLOW_PAYLOAD_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  const pdf = createPdfRenderer(ctx.config.chromiumPath);
  const worker = await Worker.create({
    connection,
    taskQueue: ctx.config.temporal.taskQueue,
    workflowBundle,
    dataConverter: dataConverter(ctx.config.payloadKeys, { markClear: true }),
    activities: {
      ...createActivities({
        orm: ctx.orm,
        mailer: captureMailer(),
        rooms: createFakeRooms(),
        pdf,
        finance: ctx.config.finance,
      }),
      benchShapeActivity: async () => undefined,
    },
  });
  const running = worker.run();
  console.log(
    `bench: ${N} of each, ${CONCURRENCY} at a time, one worker in this process (${process.platform}, node ${process.version})`,
  );

  // One clinician per lane; each encounter gets its own slot, so the exclusion constraint never trips.
  const fixtures = await Promise.all(Array.from({ length: CONCURRENCY }, () => makeFixture(ctx.orm)));
  // Warm-up, and the shape to copy: one encounter's history (and its invoice's) and its client calls.
  const calls: Call[] = [];
  const warm = await runEncounter(ctx, fixtures[0], new Timings(), calls);
  await pool(
    'warm-up',
    CONCURRENCY,
    CONCURRENCY,
    async (i) => void (await runEncounter(ctx, fixtures[i], new Timings())),
  );
  const history = await warm.fetchHistory();
  const program = programFromHistory(history.events ?? []);
  const children = await Promise.all(
    childIds(history.events ?? []).map(async (id) =>
      programFromHistory((await ctx.client.workflow.getHandle(id).fetchHistory()).events ?? []),
    ),
  );
  const count = (p: ShapeOp[], op: ShapeOp['op']) => p.filter((o) => o.op === op).length;
  const shapeLine = `${count(program, 'activity')} activities, ${count(program, 'update')} updates, ${calls.filter((c) => c.kind === 'signal').length} signal(s), ${calls.filter((c) => c.kind === 'query').length} queries, ${count(program, 'timer')} timers, ${count(program, 'child')} child (${children.map((c) => `${count(c, 'activity')} activities, ${count(c, 'timer')} timers`).join('; ')})`;
  console.log(`shape of one encounter: ${shapeLine}`);

  const bareT = new Timings();
  const [bareSecs, bareCpu] = await withCpu(() =>
    pool('empty workflows', N, CONCURRENCY, async (i) => {
      await bareT.time('step create (API service: workflow start, row, access log)', () =>
        ctx.client.workflow.execute('benchNoopWorkflow', {
          taskQueue: ctx.config.temporal.taskQueue,
          workflowId: `noop-${i}-${Date.now()}`,
        }),
      );
    }),
  );
  const shapeT = new Timings();
  const [shapeSecs, shapeCpu] = await withCpu(() =>
    pool('same-shaped no-ops', N, CONCURRENCY, (i) => runShape(ctx, i, program, children, calls, shapeT)),
  );
  const encT = new Timings();
  let lane = 0;
  const [encSecs, encCpu] = await withCpu(() =>
    pool(
      'encounters',
      N,
      CONCURRENCY,
      async () => void (await runEncounter(ctx, fixtures[lane++ % CONCURRENCY], encT)),
    ),
  );

  const rate = (secs: number) => N / secs;
  const result = {
    at: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, ${os.cpus().length} cores, node ${process.version}`,
    n: N,
    concurrency: CONCURRENCY,
    shape: shapeLine,
    perSecond: { empty: rate(bareSecs), shape: rate(shapeSecs), encounter: rate(encSecs) },
    ratioToShape: rate(encSecs) / rate(shapeSecs),
    ratioToEmpty: rate(encSecs) / rate(bareSecs),
    cpuSecondsPerRun: { empty: bareCpu / N, shape: shapeCpu / N, encounter: encCpu / N },
    encounter: encT.summary(),
    shapeRun: shapeT.summary(),
  };
  const ms = (v: number) => v.toFixed(0).padStart(6);
  console.log('');
  console.log(`empty workflow start→result : ${result.perSecond.empty.toFixed(1)}/s`);
  console.log(
    `same-shaped no-op           : ${result.perSecond.shape.toFixed(2)}/s  (${(result.cpuSecondsPerRun.shape * 1000).toFixed(0)} ms CPU each in this process)`,
  );
  console.log(
    `encounter request→closed    : ${result.perSecond.encounter.toFixed(2)}/s  (${(result.cpuSecondsPerRun.encounter * 1000).toFixed(0)} ms CPU each)`,
  );
  console.log(
    `ratio to the same-shaped    : ${result.ratioToShape.toFixed(3)}   (to the empty workflow: ${result.ratioToEmpty.toFixed(3)})`,
  );
  console.log('');
  console.log(`${'p50 / p95 / p99 ms'.padEnd(62)} encounter               same-shaped`);
  for (const label of [...new Set([...encT.by.keys(), ...shapeT.by.keys()])]) {
    const e = result.encounter[label];
    const s = result.shapeRun[label];
    const cell = (x?: { p50: number; p95: number; p99: number }) =>
      x ? `${ms(x.p50)}${ms(x.p95)}${ms(x.p99)}` : ' '.repeat(18);
    console.log(`${label.padEnd(62)} ${cell(e)}     ${cell(s)}`);
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = result.at.slice(0, 10);
  fs.writeFileSync(path.join(RESULTS, `encounters-${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS, `encounters-${stamp}.svg`), chart(result));
  console.log(`\nwrote bench/results/encounters-${stamp}.json and .svg`);

  worker.shutdown();
  await running;
  await pdf.close();
  await connection.close();
  await ctx.close();
}

/** Update round trips (p50 and p95) of the encounter against the same-shaped workflow, as horizontal bars. */
function chart(r: {
  encounter: Record<string, { p50: number; p95: number }>;
  shapeRun: Record<string, { p50: number; p95: number }>;
  perSecond: Record<string, number>;
  ratioToShape: number;
}): string {
  const labels = Object.keys(r.encounter).filter((l) => l.startsWith('update ') || l.startsWith('step '));
  const max = Math.max(1, ...labels.flatMap((l) => [r.encounter[l]?.p95 ?? 0, r.shapeRun[l]?.p95 ?? 0]));
  const rowH = 34;
  const left = 330;
  const width = 900;
  const scale = (v: number) => Math.round((v / max) * (width - left - 80));
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = labels.map((l, i) => {
    const y = 60 + i * rowH;
    const e = r.encounter[l];
    const s = r.shapeRun[l];
    return [
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(l.length > 48 ? l.slice(0, 47) + '…' : l)}</text>`,
      `<rect x="${left}" y="${y}" width="${scale(e.p50)}" height="12" fill="#1f5fa8"><title>encounter p50 ${e.p50.toFixed(0)} ms</title></rect>`,
      `<rect x="${left + scale(e.p50)}" y="${y}" width="${Math.max(0, scale(e.p95) - scale(e.p50))}" height="12" fill="#9dbbe0"><title>encounter p95 ${e.p95.toFixed(0)} ms</title></rect>`,
      s
        ? `<rect x="${left}" y="${y + 14}" width="${scale(s.p50)}" height="12" fill="#6b6b6b"><title>same-shaped p50 ${s.p50.toFixed(0)} ms</title></rect>`
        : '',
      s
        ? `<rect x="${left + scale(s.p50)}" y="${y + 14}" width="${Math.max(0, scale(s.p95) - scale(s.p50))}" height="12" fill="#c8c8c8"><title>same-shaped p95 ${s.p95.toFixed(0)} ms</title></rect>`
        : '',
      `<text x="${left + scale(e.p95) + 6}" y="${y + 10}" font-size="11">${e.p50.toFixed(0)} / ${e.p95.toFixed(0)} ms</text>`,
    ].join('');
  });
  const h = 80 + labels.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" font-family="sans-serif" font-size="12">
<text x="10" y="20" font-size="15" font-weight="bold">Encounter vs same-shaped no-op: ${r.perSecond.encounter.toFixed(2)} vs ${r.perSecond.shape.toFixed(2)} per s (ratio ${r.ratioToShape.toFixed(2)})</text>
<text x="10" y="40">Blue: encounter p50 (dark) to p95 (light); grey: same-shaped no-op. Milliseconds.</text>
${rows.join('\n')}
</svg>
`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
