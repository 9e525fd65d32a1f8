/** An in-process worker on the test's (or benchmark's) own task queue, with real activities on the test database. */
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import type { EngagementIndexDeps } from '../activities/engagement-index';
import type { JournalPort } from '../activities/journal';
import { createTestEhr, journalPortOf, type TestEhr } from '../scripts/test-ehr/server';
import type { Mailer, MailMessage } from '../activities/mail';
import type { SmsGateway, SmsMessage } from '../activities/sms/gateway';
import { createFakeRooms, VideoRooms } from '../media/rooms';
import { createPdfRenderer } from '../documents/pdf';
import { dataConverter, WORKFLOW_PAYLOAD_CONVERTER_PATH } from '../temporal/codec';
import type { TestContext } from './env';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Quiet SDK logs; the runtime is a process singleton, so a second install is skipped. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier test file in this process
  }
}

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  quietRuntime();
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // As worker.ts bundles it: the converter that marks payloads which arrived in clear.
    payloadConverterPath: WORKFLOW_PAYLOAD_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/** A mailer that keeps what it sends. */
export function captureMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(msg) {
      sent.push(msg);
      return { status: 'sent', messageId: `<${sent.length}@test>` };
    },
  };
}

/** An SMS gateway that keeps what it sends (the SMPP path has its own test against the test SMS centre). */
export function captureSms(): SmsGateway & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return {
    sent,
    async send(msg) {
      sent.push(msg);
      return { status: 'sent', messageId: `sms-${sent.length}` };
    },
    async close() {},
  };
}

export interface TestWorker {
  mailer: Mailer & { sent: MailMessage[] };
  /** The SMS gateway the reminders use (a capturing one unless the test gave its own). */
  sms: SmsGateway;
  rooms: VideoRooms;
  /** The in-process test journal the notes go to (unless the test gave its own port). */
  ehr: TestEhr;
  stop(): Promise<void>;
}

export async function startTestWorker(
  ctx: TestContext,
  opts: {
    rooms?: VideoRooms;
    engagementIndex?: EngagementIndexDeps['engagementIndex'];
    /** The journal port; absent: an in-process test journal (`ehr`); null: none configured. */
    journal?: JournalPort | null;
    /** The SMS gateway; absent: one that keeps what it sends. */
    sms?: SmsGateway;
  } = {},
): Promise<TestWorker> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: ctx.config.temporal.address });
  const mailer = captureMailer();
  const rooms = opts.rooms ?? createFakeRooms();
  const sms = opts.sms ?? captureSms();
  const ehr = createTestEhr({ id: 'vardmote-test', secret: 'test-only' });
  const pdf = createPdfRenderer(ctx.config.chromiumPath);
  const worker = await Worker.create({
    connection,
    taskQueue: ctx.config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    dataConverter: dataConverter(ctx.config.payloadKeys, { markClear: true }),
    activities: createActivities({
      orm: ctx.orm,
      mailer,
      rooms,
      pdf,
      finance: ctx.config.finance,
      engagementIndex: opts.engagementIndex,
      journal: opts.journal === null ? undefined : (opts.journal ?? journalPortOf(ehr)),
      sms,
      publicUrl: ctx.config.web.publicUrl,
    }),
  });
  const running = worker.run();
  return {
    mailer,
    sms,
    rooms,
    ehr,
    stop: async () => {
      worker.shutdown();
      await running;
      await pdf.close();
      await connection.close();
    },
  };
}
