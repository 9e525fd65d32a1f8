/** The web process: builds dependencies from the environment and listens. */
import '../runtime';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, temporalConnectionOptions } from '../config';
import { createOrm } from '../db/orm';
import { createApp } from './app';
import { createRivtaServer } from './rivta/server';
import { rivtaTlsFrom } from './rivta/tls';
import { standardProbes } from './health';
import { createLogger } from '../observability/logger';
import { dataConverter } from '../temporal/codec';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('web', config.logLevel);
  const orm = await createOrm(config.databaseUrl);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.payloadKeys),
  });
  const app = createApp({ config, orm, temporal, logger, probes: standardProbes(orm, temporal, config) });
  const server = app.listen(config.web.port, config.web.host, () =>
    logger.info(`web listening on http://${config.web.host}:${config.web.port}`),
  );
  // Idle keep-alive longer than the proxy's (deploy/caddy: 30 s): the proxy, not we, closes an idle
  // connection, so it never sends a request down one we are just closing (a 502 for nothing).
  server.keepAliveTimeout = 65_000;
  if (config.demo) logger.warn('DEMO deployment (VARDMOTE_DEMO): test stand-ins let in, never for real patients');
  server.headersTimeout = 66_000;
  const rivtaTls = rivtaTlsFrom(config);
  const rivta = rivtaTls
    ? createRivtaServer({ orm, logger, temporal, taskQueue: config.temporal.taskQueue }, rivtaTls)
    : null;
  rivta?.listen(config.rivta.port, config.rivta.host, () =>
    logger.info(`RIVTA producer (crm:scheduling 1.1, mutual TLS) on https://${config.rivta.host}:${config.rivta.port}`),
  );
  const shutdown = () => {
    rivta?.close();
    server.close(() => void Promise.all([app.close(), orm.close(), connection.close()]).finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
