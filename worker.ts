/** The worker process: runs every workflow and activity on the task queue. */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from './activities';
import { createSmtpMailer, outboxOnlyMailer } from './activities/mail';
import { loadConfig, temporalConnectionOptions } from './config';
import { createOrm } from './db/orm';
import { createRoomService } from './media/room-service';
import { createPdfRenderer } from './documents/pdf';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { proc: 'worker' } });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const orm = await createOrm(config.databaseUrl);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const pdf = createPdfRenderer(config.chromiumPath);
  const mailer = config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : outboxOnlyMailer;
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({
      orm,
      mailer,
      pdf,
      finance: config.finance,
      rooms: createRoomService(config),
      faults: faultsFromEnv(logger),
    }),
  });
  logger.info(`worker polling task queue ${config.temporal.taskQueue}`);
  await worker.run();
  await pdf.close();
  await orm.close();
  await connection.close();
}

/** Test-only fault injection (VARDMOTE_FAULT), used by the worker-crash test. */
function faultsFromEnv(logger: pino.Logger) {
  if (process.env.VARDMOTE_FAULT !== 'hang-after-fee-commit') return {};
  return {
    afterFeeCommit: async (encounterId: string) => {
      logger.warn({ encounterId }, 'FAULT: fee committed, hanging');
      process.stdout.write(`FAULT fee-committed ${encounterId}\n`);
      await new Promise((r) => setTimeout(r, 10 * 60_000));
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
