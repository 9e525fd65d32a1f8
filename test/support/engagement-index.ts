/** Jest hooks for the local test engagement index on a temporary test CA, and our client certificate for it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createEngagementIndexClient, type EngagementIndex } from '../../activities/engagement-index/client';
import type { EngagementIndexDeps } from '../../activities/engagement-index';
import { ensureTestPki, type TestPki } from '../../scripts/test-ca';
import { createTestEngagementIndex, type TestEngagementIndex } from '../../scripts/test-engagement-index/server';

export const SOURCE_SYSTEM = 'SE2321000016-VARDMOTE-TEST';
export const DATA_CONTROLLER = '2321000016';
export const INDEX_ADDRESS = 'TEST-ENGAGEMENTSINDEX';

export interface IndexStack {
  local: TestEngagementIndex;
  pki: TestPki;
  url: string;
  /** Our client, as the worker builds it. */
  client: EngagementIndex;
  /** What a worker's activities take. */
  deps: NonNullable<EngagementIndexDeps['engagementIndex']>;
}

/** Starts the local index on a free port of 127.0.0.1 in `beforeAll` (register it before a worker that pushes to it). */
export function useTestEngagementIndex(): IndexStack {
  const stack = {} as IndexStack;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-ei-'));
  beforeAll(async () => {
    stack.pki = ensureTestPki(path.join(root, 'rivta-test-ca'), { vardmote: SOURCE_SYSTEM });
    const read = (p: string) => fs.readFileSync(p);
    stack.local = createTestEngagementIndex({
      cert: read(stack.pki.certPath),
      key: read(stack.pki.keyPath),
      ca: read(stack.pki.caPath),
    });
    await new Promise<void>((resolve) => stack.local.server.listen(0, '127.0.0.1', resolve));
    const port = (stack.local.server.address() as AddressInfo).port;
    stack.url = `https://localhost:${port}/vp/itintegration/engagementindex/Update/1/rivtabp21`;
    const me = stack.pki.consumers.vardmote;
    stack.client = createEngagementIndexClient({
      url: stack.url,
      logicalAddress: INDEX_ADDRESS,
      tls: { cert: read(me.certPath), key: read(me.keyPath), ca: read(stack.pki.caPath) },
    });
    stack.deps = { index: stack.client, publisher: { sourceSystem: SOURCE_SYSTEM, dataController: DATA_CONTROLLER } };
  });
  afterAll(async () => {
    stack.local?.server.closeAllConnections();
    await new Promise((resolve) => stack.local?.server.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });
  return stack;
}
