/** The RIVTA producer's certificates from the configuration; production refuses the local test CA. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../../config';
import type { RivtaTls } from './server';

/** The local test CA's common name (scripts/test-ca.ts); production refuses a CA of this name. */
export const TEST_CA_NAME = 'Vardmote TEST CA (not for production)';

/**
 * The producer's TLS material, or null when it is not configured (the producer then does not start).
 * @param config - the loaded configuration
 */
export function rivtaTlsFrom(config: Pick<Config, 'rivta' | 'production'>): RivtaTls | null {
  const { certPath, keyPath, caPath, consumerIds } = config.rivta;
  if (!certPath || !keyPath || !caPath) return null;
  const ca = fs.readFileSync(caPath);
  if (config.production && new X509Certificate(ca).subject.includes(TEST_CA_NAME))
    throw new Error(`RIVTA_TLS_CA: ${caPath} is the local test CA, which never runs in production`);
  return { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath), ca, consumerIds };
}
