/** The worker process: runs every workflow and activity on the task queue, and serves its own /metrics. */
import './runtime';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type ActivityExecuteInput,
  type ActivityInboundCallsInterceptor,
  type LogLevel,
  type Next,
} from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import { faultsFromSpec } from './activities/faults';
import { createActivities } from './activities';
import { engagementIndexFrom } from './activities/engagement-index';
import { journalFrom } from './activities/journal';
import { createSmtpMailer, outboxOnlyMailer } from './activities/mail';
import { recordSmsReceipt } from './activities/sms';
import { createSmppGateway } from './activities/sms/smpp';
import { loadConfig, temporalConnectionOptions } from './config';
import { createOrm } from './db/orm';
import { createRoomService } from './media/room-service';
import { createPdfRenderer } from './documents/pdf';
import { createLogger } from './observability/logger';
import { createWorkerMetrics } from './observability/metrics';
import { createWorkerHttpServer } from './observability/worker-http';
import { dataConverter } from './temporal/codec';
import { readTestSwitches } from './test-switches';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  const sdkMetricsPort = config.workerMetricsPort + 1;
  Runtime.install({
    // The SDK's own lines (with workflow and activity ids, never payloads) go out as the same JSON.
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => logger[pinoLevel(level)]({ ...meta }, message)),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}` } } },
  });
  const metrics = createWorkerMetrics();
  // Test-only fault injection (test-switches.ts; loadConfig has refused it in production).
  const { fault, faultHangMs } = readTestSwitches();
  const faults = faultsFromSpec(fault, faultHangMs);
  if (fault) logger.warn({ fault }, 'FAULT INJECTION ON (tests only)');
  if (config.demo) logger.warn('DEMO deployment (VARDMOTE_DEMO): test stand-ins let in, never for real patients');
  const orm = await createOrm(config.databaseUrl);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const pdf = createPdfRenderer(config.chromiumPath);
  const mailer = config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : outboxOnlyMailer;
  // One SMPP session for the whole worker; it binds on the first SMS and again after a loss.
  const sms = config.sms.smppUrl
    ? createSmppGateway({
        url: config.sms.smppUrl,
        sender: config.sms.sender,
        onReceipt: async (receipt) => {
          const outboxId = await recordSmsReceipt(orm, receipt);
          logger.info({ outboxId, state: receipt.state }, 'SMS delivery receipt');
        },
        warn: (fields, message) => logger.warn(fields, message),
      })
    : null;
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // A prebuilt bundle (bundleWorkflowCode's output) starts faster than bundling the workflows here.
    ...(config.workflowBundle
      ? { workflowBundle: { codePath: config.workflowBundle } }
      : { workflowsPath: require.resolve('./workflows') }),
    // Marks payloads that arrive in clear: the workflows never act on them (workflows/payload-origin.ts).
    dataConverter: dataConverter(config.payloadKeys, { markClear: true }),
    ...(faults.hangInActivities.size
      ? {
          interceptors: {
            activity: [(ctx) => ({ inbound: new HangInActivities(ctx, faults.hangInActivities, faultHangMs) })],
          },
        }
      : {}),
    // On SIGTERM/SIGINT running activities get this long to finish before they are cancelled.
    shutdownGraceTime: '5s',
    activities: createActivities({
      orm,
      mailer,
      pdf,
      finance: config.finance,
      rooms: createRoomService(config),
      faults: faults.hooks,
      metrics,
      engagementIndex: engagementIndexFrom(config),
      journal: journalFrom(config),
      sms,
      publicUrl: config.web.publicUrl,
    }),
  });
  const server = createWorkerHttpServer({
    metricsText: () => workerMetricsText(metrics.registry, sdkMetricsPort),
    contentType: metrics.registry.contentType,
    state: () => worker.getState(),
    token: config.workerMetricsToken,
    onError: (err) => logger.warn({ err }, 'worker metrics could not be collected'),
  });
  server.listen(config.workerMetricsPort, config.workerMetricsHost);
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      metricsPort: config.workerMetricsPort,
      metricsHost: config.workerMetricsHost,
      metricsToken: Boolean(config.workerMetricsToken),
    },
    'worker polling',
  );
  await worker.run();
  server.close();
  await sms?.close();
  await pdf.close();
  await orm.close();
  await connection.close();
  logger.info('worker stopped');
}

/** Our series first, then the Temporal SDK runtime's (its own Prometheus exporter on the next port). */
async function workerMetricsText(registry: import('prom-client').Registry, sdkPort: number): Promise<string> {
  const ours = await registry.metrics();
  const sdk = await fetch(`http://127.0.0.1:${sdkPort}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  return `${ours}\n${sdk}`;
}

function pinoLevel(level: LogLevel): 'trace' | 'debug' | 'info' | 'warn' | 'error' {
  return ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
}

/**
 * Test-only (VARDMOTE_FAULT; production refuses it): hangs the first run in this process of each
 * listed activity type, printing `FAULT in-activity <type> <workflow id>`, so a test can kill this worker right there.
 */
class HangInActivities implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly types: Set<string>,
    private readonly hangMs: number,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const { activityType, workflowExecution } = this.ctx.info;
    if (this.types.delete(activityType)) {
      process.stdout.write(`FAULT in-activity ${activityType} ${workflowExecution?.workflowId}\n`);
      await new Promise((r) => setTimeout(r, this.hangMs));
    }
    return next(input);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
