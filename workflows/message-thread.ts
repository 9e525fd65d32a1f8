/** One message thread between a patient (or guardian) and a care unit as one durable workflow. */
import * as t from './message-thread.messages';
import { ThreadMachine } from './message-thread.machine';
import { setHandler } from './payload-origin';

export async function messageThreadWorkflow(input: t.ThreadInput): Promise<{ status: 'closed'; breaches: number }> {
  const thread = new ThreadMachine(input);
  // Each message is one method of the machine; its validator is the matching `assertCan…`.
  setHandler(t.threadQuery, () => thread.view());
  setHandler(t.closeThreadSignal, () => thread.close());
  setHandler(t.postMessageUpdate, (u) => thread.postMessage(u), { validator: (u) => thread.assertCanPostMessage(u) });
  setHandler(t.writeSummaryUpdate, (u) => thread.writeSummary(u), {
    validator: (u) => thread.assertCanWriteSummary(u),
  });
  setHandler(t.confirmManualSummaryEntryUpdate, (u) => thread.confirmManualSummaryEntry(u), {
    validator: (u) => thread.assertCanConfirmManualSummaryEntry(u),
  });
  return thread.run();
}
