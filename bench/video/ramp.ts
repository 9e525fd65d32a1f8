/**
 * The light video ramp: two-party rooms of the browserless load client are added one at a time until
 * a subscriber misses frames or latency passes its bound; prints Janus's CPU and the client's per step.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { FlowSample, LoadClientOptions } from './load-client';
import type { WorkerReply, WorkerRequest } from './load-worker';
import { cpuPressure, cpuSeconds } from './proc-cpu';
import { VIDEO_FPS } from './synthetic-media';

export interface RampOptions {
  client: LoadClientOptions;
  /** The Janus process whose CPU is measured. */
  janusPid: number;
  /** The most rooms tried. */
  maxRooms: number;
  /** Load-client processes (the client's rooms are spread round-robin over them). */
  procs: number;
  /** Each sampling window, ms. */
  windowMs: number;
  /** A window fails when some subscriber received less than this share of the frames sent to it… */
  minReceived: number;
  /** …or when the 95th percentile of send → receive latency is above this, ms… */
  maxP95Ms: number;
  /** …or when the client sent less than this share of 30 fps: the rooms were not carrying their load. */
  minSentShare: number;
  log: (line: string) => void;
}

export interface RampStep {
  rooms: number;
  janusCpu: number;
  clientCpu: number;
  /** Frames sent per second per publisher: below 30 the client itself could not keep pace. */
  sentFps: number;
  minReceived: number;
  allReceived: number;
  minAudio: number;
  p95Ms: number;
  load1: number;
  /** % of the window's last 10 s in which some task waited for a CPU (other work on the machine shows here). */
  cpuWait: number;
  ok: boolean;
}

/** One worker process and its request/answer channel. */
class Worker {
  private readonly waiting: Array<{ resolve: (r: WorkerReply) => void; reject: (e: Error) => void }> = [];
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (r: WorkerReply) => this.waiting.shift()?.resolve(r));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`load worker exited (${code})`));
        resolve();
      }),
    );
  }

  async ask(req: WorkerRequest): Promise<WorkerReply> {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      if (this.child.exitCode !== null) return reject(new Error('load worker has exited'));
      this.waiting.push({ resolve, reject });
      this.child.send(req);
    });
    if (reply.type === 'error') throw new Error(`load worker ${this.child.pid}: ${reply.message}`);
    return reply;
  }
}

const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/**
 * Runs the ramp and resolves with every step; the last passing step's rooms are the rooms carried.
 * @param opts - see RampOptions
 */
export async function rampRooms(opts: RampOptions): Promise<{ carried: number; steps: RampStep[] }> {
  const workers = Array.from(
    { length: opts.procs },
    () =>
      new Worker(fork(path.join(__dirname, 'load-worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })),
  );
  const cpuOf = () => ({
    janus: cpuSeconds(opts.janusPid),
    client: workers.reduce((sum, w) => sum + cpuSeconds(w.child.pid!), 0) + ownCpuSeconds(),
    at: performance.now(),
  });

  /** One window: every flow's counts from its start to its end, and the CPU used meanwhile. */
  const sample = async (rooms: number): Promise<RampStep> => {
    await Promise.all(workers.map((w) => w.ask({ type: 'sample' })));
    const c0 = cpuOf();
    await new Promise((r) => setTimeout(r, opts.windowMs));
    const replies = await Promise.all(workers.map((w) => w.ask({ type: 'sample' })));
    const c1 = cpuOf();
    const secs = (c1.at - c0.at) / 1000;
    const flows = replies.flatMap((r) => (r as { flows: FlowSample[] }).flows);
    const share = (f: FlowSample) => (f.framesSent ? f.framesReceived / f.framesSent : 0);
    const sum = (k: keyof Omit<FlowSample, 'latencies'>) => flows.reduce((s, f) => s + f[k], 0);
    const step = {
      rooms,
      janusCpu: ((c1.janus - c0.janus) / secs) * 100,
      clientCpu: ((c1.client - c0.client) / secs) * 100,
      sentFps: sum('framesSent') / flows.length / secs,
      minReceived: Math.min(...flows.map(share)),
      allReceived: sum('framesReceived') / sum('framesSent'),
      minAudio: Math.min(...flows.map((f) => (f.audioSent ? f.audioReceived / f.audioSent : 0))),
      p95Ms: percentile(
        flows.flatMap((f) => f.latencies),
        0.95,
      ),
      load1: os.loadavg()[0],
      cpuWait: cpuPressure(),
    };
    return {
      ...step,
      ok:
        step.minReceived >= opts.minReceived &&
        step.p95Ms <= opts.maxP95Ms &&
        step.sentFps >= opts.minSentShare * VIDEO_FPS,
    };
  };

  const pct = (x: number) => `${(x * 100).toFixed(1)}`;
  const line = (s: RampStep, note = '') =>
    opts.log(
      `${String(s.rooms).padStart(5)}  ${s.janusCpu.toFixed(0).padStart(8)} %  ${(s.janusCpu / s.rooms).toFixed(1).padStart(7)} %  ${s.clientCpu.toFixed(0).padStart(9)} %  ${s.sentFps.toFixed(1).padStart(7)}  ${pct(s.minReceived).padStart(7)} / ${pct(s.allReceived).padEnd(5)}  ${pct(s.minAudio).padStart(7)}  ${s.p95Ms.toFixed(1).padStart(8)}  ${s.load1.toFixed(2).padStart(6)}  ${s.cpuWait.toFixed(0).padStart(6)} %${note}`,
    );

  const steps: RampStep[] = [];
  let carried = 0;
  try {
    await Promise.all(workers.map((w) => w.ask({ type: 'connect', opts: opts.client })));
    opts.log(
      `rooms  janus CPU  per room  client CPU  sent fps  video recv % (min/all)  audio %  p95 ms  load1  CPU wait   (${opts.procs} client processes, ${opts.windowMs / 1000} s windows)`,
    );
    for (let n = 1; n <= opts.maxRooms; n++) {
      const t0 = Date.now();
      // Opening a room is quick on an idle machine and can take many seconds on a loaded one: say so.
      const progress = setInterval(
        () => opts.log(`  … still opening room ${n} (${((Date.now() - t0) / 1000).toFixed(0)} s)`),
        10_000,
      );
      try {
        await workers[(n - 1) % workers.length].ask({ type: 'open' });
      } catch (err) {
        opts.log(`  room ${n} did not open: ${err instanceof Error ? err.message : String(err)}`);
        break;
      } finally {
        clearInterval(progress);
      }
      // A room's first second (keyframes on PLI, NACK set-up) is not its steady state.
      await new Promise((r) => setTimeout(r, 1000));
      let step = await sample(n);
      // The machine is shared: one bad window is looked at again before the ramp ends.
      if (!step.ok) {
        line(step, '  (missed a bound; sampling again)');
        step = await sample(n);
      }
      steps.push(step);
      line(step, step.ok ? '' : '  ← missed a bound twice');
      if (!step.ok) break;
      carried = n;
    }
  } finally {
    await Promise.all(
      workers.map(async (w) => {
        await w.ask({ type: 'close' }).catch(() => undefined);
        // A worker left hanging by a socket still open is not allowed to keep the bench alive.
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
        await w.exited;
        clearTimeout(timer);
      }),
    );
  }
  const last = steps.at(-1);
  if (last && last.sentFps < 0.95 * VIDEO_FPS)
    opts.log(`  (the client sent ${last.sentFps.toFixed(1)} of ${VIDEO_FPS} fps at the end: it was short of CPU)`);
  return { carried, steps };
}
