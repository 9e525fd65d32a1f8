/**
 * A local test CA with a server certificate for the RIVTA producer and consumer certificates, made
 * with the `openssl` CLI (Node's crypto parses X.509 but cannot sign it). Plainly a test CA: its name
 * says so, it lives under a `rivta-test-ca` folder, and production refuses both.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_CA_NAME } from '../api/rivta/tls';

export interface TestPki {
  dir: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  /** Each consumer's certificate and key, by the name asked for. */
  consumers: Record<string, { certPath: string; keyPath: string }>;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function key(file: string) {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

function signed(dir: string, name: string, subject: string, ca: { cert: string; key: string }, ext: string) {
  const keyPath = path.join(dir, `${name}-key.pem`);
  const certPath = path.join(dir, `${name}.pem`);
  const csr = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  key(keyPath);
  openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csr]);
  fs.writeFileSync(extFile, ext);
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '30', '-sha256'].concat([
      '-extfile',
      extFile,
      '-out',
      certPath,
    ]),
  );
  fs.rmSync(csr);
  fs.rmSync(extFile);
  return { certPath, keyPath };
}

/**
 * Makes (or keeps, when already there) a CA, a server certificate for localhost and one client
 * certificate per consumer, under `dir` (which should end in `rivta-test-ca`).
 * @param consumers - name → the consumer id written as the certificate's serialNumber and CN
 * @param caName - another name makes an unrelated CA (the tests' "other CA")
 */
export function ensureTestPki(dir: string, consumers: Record<string, string>, caName = TEST_CA_NAME): TestPki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caPath = path.join(dir, 'ca.pem');
  const caKey = path.join(dir, 'ca-key.pem');
  if (!fs.existsSync(caPath)) {
    key(caKey);
    openssl(
      ['req', '-x509', '-new', '-key', caKey, '-subj', `/CN=${caName}/O=Vardmote test`, '-days', '30'].concat([
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-out',
        caPath,
      ]),
    );
  }
  const ca = { cert: caPath, key: caKey };
  const server = path.join(dir, 'server.pem');
  const made = fs.existsSync(server)
    ? { certPath: server, keyPath: path.join(dir, 'server-key.pem') }
    : signed(
        dir,
        'server',
        '/CN=localhost/O=Vardmote test',
        ca,
        'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
      );
  const out: TestPki = { dir, caPath, ...made, consumers: {} };
  for (const [name, id] of Object.entries(consumers)) {
    const cert = path.join(dir, `${name}.pem`);
    out.consumers[name] = fs.existsSync(cert)
      ? { certPath: cert, keyPath: path.join(dir, `${name}-key.pem`) }
      : signed(dir, name, `/CN=${id}/serialNumber=${id}/O=Vardmote test`, ca, 'extendedKeyUsage=clientAuth\n');
  }
  return out;
}
