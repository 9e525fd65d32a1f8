/** Recorded histories for the replay test: where they live, and recording one when RECORD_HISTORIES=1. */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { findTemporalCli } from '../../scripts/services';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

/** With RECORD_HISTORIES=1, saves the finished workflow's history for the replay test as `<kind>-<scenario>.json`. */
export async function maybeRecordHistory(
  handle: WorkflowHandle,
  scenario: string,
  kind: 'encounter' | 'invoice' | 'message-thread' = 'encounter',
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  // The CLI writes the same protobuf JSON that `temporal workflow show --output json` users know.
  const json = execFileSync(
    findTemporalCli(),
    [
      'workflow',
      'show',
      '--workflow-id',
      handle.workflowId,
      '--address',
      process.env.TEMPORAL_ADDRESS!,
      '--output',
      'json',
    ],
    { maxBuffer: 64 << 20 },
  );
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${kind}-${scenario}.json`), json);
}
