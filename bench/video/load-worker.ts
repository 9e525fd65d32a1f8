/**
 * One load-client process of the ramp (bench/video/ramp.ts): it owns the rooms the parent asks for and
 * answers samples, so that several processes share the client's work across the machine's cores.
 */
import { LoadClient, type FlowSample, type LoadClientOptions } from './load-client';

/** Parent → worker. */
export type WorkerRequest =
  { type: 'connect'; opts: LoadClientOptions } | { type: 'open' } | { type: 'sample' } | { type: 'close' };
/** Worker → parent: one answer per request, in order. */
export type WorkerReply =
  | { type: 'ok' }
  | { type: 'opened'; ms: number }
  | { type: 'sample'; flows: FlowSample[] }
  | { type: 'error'; message: string };

let client: LoadClient | undefined;

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'connect':
      client = await LoadClient.connect(req.opts);
      return { type: 'ok' };
    case 'open': {
      const t0 = Date.now();
      await client!.openRoom();
      return { type: 'opened', ms: Date.now() - t0 };
    }
    case 'sample':
      return { type: 'sample', flows: client!.sample() };
    case 'close':
      await client?.close();
      return { type: 'ok' };
  }
}

// Requests are handled one after another, so that answers come back in the order asked.
let queue = Promise.resolve();
process.on('message', (req: WorkerRequest) => {
  queue = queue.then(async () => {
    const reply = await handle(req).catch((err: unknown) => ({
      type: 'error' as const,
      message: err instanceof Error ? err.message : String(err),
    }));
    process.send!(reply);
    if (req.type === 'close') process.disconnect();
  });
});

// A parent that died without asking to close (Ctrl-C, a crash) must not leave this process sending media.
process.on('disconnect', () => process.exit(0));
