/**
 * The test journal as its own process (started by scripts/services.ts for `npm start` and `npm test`):
 * listens on 127.0.0.1:TEST_EHR_PORT and accepts the one client TEST_EHR_CLIENT_ID / _SECRET.
 */
import '../../runtime';
import { createTestEhr } from './server';

const port = Number(process.env.TEST_EHR_PORT);
const id = process.env.TEST_EHR_CLIENT_ID;
const secret = process.env.TEST_EHR_CLIENT_SECRET;
if (!port || !id || !secret)
  throw new Error('TEST_EHR_PORT, TEST_EHR_CLIENT_ID and TEST_EHR_CLIENT_SECRET are required');
const ehr = createTestEhr({ id, secret });
ehr.server.listen(port, '127.0.0.1', () => process.stdout.write(`test journal on http://127.0.0.1:${port}/\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => ehr.server.close(() => process.exit(0)));
