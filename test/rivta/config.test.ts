/** The RIVTA producer's settings: TLS material together, an allow-list with it, and no test CA in production. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { rivtaTlsFrom } from '../../api/rivta/tls';
import { ensureTestPki } from '../../scripts/test-ca';
import { SAFE } from '../support/production-env';

const DEV = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-rivta-config-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('RIVTA 2.1: certificate, key and consumer CA come together, and the allow-list with them', () => {
  expect(() => loadConfig({ ...DEV, RIVTA_TLS_CERT: '/x/server.pem' })).toThrow(/RIVTA_TLS_KEY: .*together/);
  expect(() =>
    loadConfig({ ...DEV, RIVTA_TLS_CERT: '/x/s.pem', RIVTA_TLS_KEY: '/x/k.pem', RIVTA_TLS_CA: '/x/ca.pem' }),
  ).toThrow(/RIVTA_CONSUMER_IDS: required/);
  expect(loadConfig(DEV).rivta.consumerIds).toEqual([]);
  expect(rivtaTlsFrom(loadConfig(DEV))).toBeNull();
});

it('RIVTA 2.1: production refuses the local test CA, by its folder and by its name', () => {
  const pki = ensureTestPki(path.join(root, 'rivta-test-ca'), { consumer: 'SE-1177' });
  const tls = { RIVTA_TLS_CERT: pki.certPath, RIVTA_TLS_KEY: pki.keyPath, RIVTA_CONSUMER_IDS: 'SE-1177' };
  expect(() => loadConfig({ ...SAFE, ...tls, RIVTA_TLS_CA: pki.caPath })).toThrow(/RIVTA_TLS_CA: the local test CA/);
  const copied = path.join(root, 'ca-elsewhere.pem');
  fs.copyFileSync(pki.caPath, copied);
  const config = loadConfig({ ...SAFE, ...tls, RIVTA_TLS_CA: copied });
  expect(() => rivtaTlsFrom(config)).toThrow(/local test CA, which never runs in production/);
  expect(rivtaTlsFrom(loadConfig({ ...DEV, ...tls, RIVTA_TLS_CA: pki.caPath }))?.consumerIds).toEqual(['SE-1177']);
});
