/**
 * The test SMS centre as its own process (started by scripts/services.ts for `npm start` and `npm test`):
 * listens on 127.0.0.1:TEST_SMSC_PORT and lets in its system_id with TEST_SMSC_PASSWORD.
 */
import '../../runtime';
import { startTestSmsc } from './server';

const port = Number(process.env.TEST_SMSC_PORT);
const password = process.env.TEST_SMSC_PASSWORD;
if (!port || !password) throw new Error('TEST_SMSC_PORT and TEST_SMSC_PASSWORD are required');

startTestSmsc({ port, host: '127.0.0.1', password }).then(
  (smsc) => {
    // The URL carries this run's password: only the port is printed.
    process.stdout.write(`test SMS centre (SMPP 3.4) on 127.0.0.1:${smsc.port}\n`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.on(signal, () => void smsc.stop().then(() => process.exit(0)));
  },
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
