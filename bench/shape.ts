/**
 * The same-shaped no-op workflow: it replays the *shape* of a recorded encounter (activities in the
 * same order, the same timers, updates and signals at the same points, the child invoice workflow,
 * the patch markers) with empty bodies. What an encounter costs beyond it is our own code.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { ShapeOp } from './shape-program';

const { benchShapeActivity } = proxyActivities<{ benchShapeActivity(): Promise<void> }>({
  startToCloseTimeout: '30s',
});

export const shapeUpdate = defineUpdate<number, [number]>('shapeStep');
export const shapeSignal = defineSignal('shapeSignal');
export const shapeQuery = defineQuery<number>('shapePosition');

export async function shapeWorkflow(program: ShapeOp[], children: ShapeOp[][] = []): Promise<string> {
  let pos = 0;
  let updatesArrived = 0;
  let updatesTaken = 0;
  let updatesDone = 0;
  let signals = 0;
  let signalsTaken = 0;
  const racing: CancellationScope[] = [];
  setHandler(shapeQuery, () => pos);
  setHandler(shapeSignal, () => void signals++);
  // Like the encounter's handlers: the update is accepted, the workflow runs its step, then it completes.
  setHandler(shapeUpdate, async (n) => {
    const mine = ++updatesArrived;
    await condition(() => updatesDone >= mine);
    return n;
  });
  let child = 0;
  for (; pos < program.length; pos++) {
    const op = program[pos];
    switch (op.op) {
      case 'activity':
        await benchShapeActivity();
        break;
      case 'timer':
        if (op.fires) await sleep(op.ms);
        else {
          // A timer that something else overtakes (e.g. no-show against the patient joining): cancelled where the history cancels it.
          const scope = new CancellationScope();
          racing.push(scope);
          scope
            .run(() => sleep(op.ms))
            .catch((e) => {
              if (!isCancellation(e)) throw e;
            });
        }
        break;
      case 'update':
        await condition(() => updatesArrived > updatesTaken);
        updatesTaken++;
        break;
      case 'update-done':
        updatesDone++;
        break;
      case 'signal':
        await condition(() => signals > signalsTaken);
        signalsTaken++;
        break;
      case 'timer-cancel':
        racing.shift()?.cancel();
        break;
      case 'marker':
        patched(`shape-${pos}`);
        break;
      case 'child':
        await startChild(shapeWorkflow, {
          workflowId: `${workflowInfo().workflowId}-child-${child}`,
          args: [children[child++] ?? [], []],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        break;
      default:
        throw ApplicationFailure.nonRetryable(`unknown op ${JSON.stringify(op)}`);
    }
  }
  // Updates still waiting (none in a well-formed program) are answered before the workflow ends.
  updatesDone = updatesArrived;
  return 'ok';
}
