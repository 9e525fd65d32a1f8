/** `npm start`: PostgreSQL, Temporal, Janus, migrations, demo data, worker and web; Ctrl-C stops all. */
import '../runtime';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { createOrm, migrate } from '../db/orm';
import { DEMO_BGMAX_SAMPLE, seedDemoData } from '../db/seed';
import { stockholmDateOf } from '../domain/dates';
import { devPorts } from './ports';
import { ROOT, startServices } from './services';
import { secs, Supervised } from './supervisor';
import { startDemoVideoMeeting } from './demo-encounters';
import { describeHistory, seedDemo } from './demo';
import { testIdentities } from './test-idp/identities';
import { dataConverter } from '../temporal/codec';
import { ensureTestPki } from './test-ca';
import { createTestEngagementIndex, type TestEngagementIndex } from './test-engagement-index/server';

/** The consumer id of the test certificate `npm start` hands out for trying the contracts. */
const DEMO_CONSUMER_ID = 'SE2321000016-TEST1177';
/** Our system's HSA-id towards the local engagement index (its client certificate's too). */
const TEST_SOURCE_SYSTEM = 'SE2321000016-VARDMOTE-TEST';

// VARDMOTE_PORT_OFFSET (scripts/ports.ts) and VARDMOTE_DATA_DIR let a second stack run beside this one
// (the supervision test does).
const PORTS = devPorts();
const DATA_DIR = process.env.VARDMOTE_DATA_DIR ?? path.join(ROOT, '.data');
const log = (line: string) => process.stdout.write(`[vardmote] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  let services: Awaited<ReturnType<typeof startServices>>;
  try {
    services = await startServices({
      dataDir: DATA_DIR,
      ports: PORTS,
      temporalUi: true,
      env: process.env,
      log,
    });
  } catch (err) {
    log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const processes: Supervised[] = [];
  let localIndex: TestEngagementIndex | null = null;
  let stopping = false;
  // Reverse order of start: web and worker drain first, then the identity provider, Janus, Temporal, PostgreSQL.
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const t = Date.now();
    log('stopping…');
    await Promise.all(processes.map((p) => p.stop()));
    localIndex?.server.closeAllConnections();
    if (localIndex) await new Promise((r) => localIndex!.server.close(r));
    await services.stop();
    log(`stopped (${secs(t)})`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // The RIVTA producer on a local test CA unless a region's certificates are configured.
    const pki = process.env.RIVTA_TLS_CERT
      ? null
      : ensureTestPki(path.join(DATA_DIR, 'rivta-test-ca'), { consumer: DEMO_CONSUMER_ID });
    const rivtaEnv: Record<string, string> = pki
      ? {
          RIVTA_TLS_CERT: pki.certPath,
          RIVTA_TLS_KEY: pki.keyPath,
          RIVTA_TLS_CA: pki.caPath,
          RIVTA_CONSUMER_IDS: DEMO_CONSUMER_ID,
        }
      : {};
    // The local test engagement index unless a platform is configured; the worker pushes to it.
    const eiEnv: Record<string, string> = {};
    if (!process.env.ENGAGEMENT_INDEX_URL) {
      const eiPki = ensureTestPki(path.join(DATA_DIR, 'rivta-test-ca'), { vardmote: TEST_SOURCE_SYSTEM });
      const read = (p: string) => fs.readFileSync(p);
      localIndex = createTestEngagementIndex({
        cert: read(eiPki.certPath),
        key: read(eiPki.keyPath),
        ca: read(eiPki.caPath),
      });
      await new Promise<void>((resolve, reject) =>
        localIndex!.server.once('error', reject).listen(PORTS.engagementIndex, '127.0.0.1', resolve),
      );
      Object.assign(eiEnv, {
        ENGAGEMENT_INDEX_URL: `https://localhost:${PORTS.engagementIndex}/vp/itintegration/engagementindex/Update/1/rivtabp21`,
        ENGAGEMENT_INDEX_LOGICAL_ADDRESS: 'TEST-ENGAGEMENTSINDEX',
        ENGAGEMENT_INDEX_SOURCE_SYSTEM: TEST_SOURCE_SYSTEM,
        ENGAGEMENT_INDEX_DATA_CONTROLLER: '2321000016',
        ENGAGEMENT_INDEX_TLS_CERT: eiPki.consumers.vardmote.certPath,
        ENGAGEMENT_INDEX_TLS_KEY: eiPki.consumers.vardmote.keyPath,
        ENGAGEMENT_INDEX_TLS_CA: eiPki.caPath,
      });
    }
    const env = {
      ...process.env,
      ...services.env,
      ...rivtaEnv,
      ...eiEnv,
      PORT: String(PORTS.web),
      RIVTA_PORT: String(PORTS.rivta),
    };
    const config = loadConfig(env);
    let t = Date.now();
    const orm = await createOrm(config.databaseUrl);
    const applied = await migrate(orm);
    log(`migrations   ok  ${applied.length ? applied.join(', ') : 'up to date'} (${secs(t)})`);
    t = Date.now();
    const now = new Date();
    const { slots } = await seedDemoData(orm.em.fork(), stockholmDateOf(now));
    log(`demo data    ok  units, clinicians, patients, ${slots} new slots (${secs(t)})`);

    t = Date.now();
    const web = `http://127.0.0.1:${PORTS.web}`;
    const dataDir = DATA_DIR;
    const node = (entry: string) => ['--import', 'tsx', path.join(ROOT, entry)];
    const worker = new Supervised(
      {
        name: 'worker',
        command: process.execPath,
        args: node('worker.ts'),
        env: { ...env, WORKER_METRICS_PORT: String(PORTS.workerMetrics) },
        output: 'inherit',
        readyTimeoutMs: 60_000,
        ready: () => expectOk(`http://127.0.0.1:${PORTS.workerMetrics}/readyz`),
      },
      dataDir,
      log,
    );
    const webProcess = new Supervised(
      {
        name: 'web',
        command: process.execPath,
        args: node('api/server.ts'),
        env,
        output: 'inherit',
        readyTimeoutMs: 60_000,
        ready: () => expectOk(`${web}/readyz`),
      },
      dataDir,
      log,
    );
    processes.push(worker, webProcess);
    await Promise.all([worker.start(), webProcess.start()]);
    log(`worker, web  ok  (${secs(t)}); /readyz: postgres, temporal and janus ok`);

    const connection = await Connection.connect({ address: config.temporal.address });
    const temporalClient = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverter(config.payloadKeys),
    });
    t = Date.now();
    const sampleFile = path.join(DATA_DIR, DEMO_BGMAX_SAMPLE);
    const demo = await seedDemo(orm, temporalClient, {
      taskQueue: config.temporal.taskQueue,
      finance: config.finance,
      sampleFile,
      now,
    });
    log(
      `history      ok  ${demo.history ? `${describeHistory(demo.history)} (${(demo.historyMs / 1000).toFixed(1)} s)` : 'already present'}`,
    );
    log(
      `encounters   ok  ${demo.encounters ? `${demo.encounters} demo encounters and a message thread started` : 'demo encounters already present'}; ${demo.invoiceWorkflows} invoice workflows started (${secs(t)})`,
    );
    const video =
      services.janus === 'unavailable'
        ? null
        : await startDemoVideoMeeting(
            orm,
            temporalClient,
            config.temporal.taskQueue,
            config.web.publicUrl,
            config.meet.linkTtlSeconds,
          );
    await connection.close();
    await orm.close();

    log(`ready in ${secs(started)}`);
    log(`  back office   http://localhost:${PORTS.web}/admin`);
    log(`  log in        http://localhost:${PORTS.web}/login`);
    log(
      `  API           http://localhost:${PORTS.web}/api/encounters   (a session, or a bearer token: see docs/api.md)`,
    );
    log(`  health        http://localhost:${PORTS.web}/readyz (every dependency), /healthz (alive), /metrics`);
    log(`  worker        http://127.0.0.1:${PORTS.workerMetrics}/metrics (Temporal SDK and step durations)`);
    if (!process.env.TEMPORAL_ADDRESS) log(`  Temporal UI   http://localhost:${PORTS.temporalUi}`);
    log(`  PostgreSQL    ${config.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
    log(`  Janus         ${services.janus === 'unavailable' ? 'not running (video unavailable)' : config.janus.wsUrl}`);
    log(`  TURN          ${config.turn.urls.join(', ') || 'none (browsers reach Janus directly, as on this machine)'}`);
    if (video) {
      log('  try a video meeting now: open each link in its own browser window (or a private one) and log in,');
      log('  as the clinician the meeting is booked with (vårdgivare) and as patient Anna Andersson (patient):');
      log(`    vårdgivare  ${video.clinicianUrl}`);
      log(`    patient     ${video.patientUrl}`);
    } else if (services.janus !== 'unavailable') {
      log('  (no demo video meeting: no demo clinician has free time right now; create links from an encounter page)');
    }
    log(
      demo.sample
        ? `  BgMax sample  ${sampleFile}: pays the ${demo.sample.payments} open demo invoices (${demo.sample.ore / 100} kr); read it in at Ekonomi → Läs in BgMax-fil`
        : '  BgMax sample  none: the demo has no open invoices',
    );
    if (services.env.OIDC_PATIENT_ISSUER) {
      printTestIdentities(services.env.OIDC_PATIENT_ISSUER);
      log(
        `  API client    ${services.env.API_CLIENT_ID} / ${services.env.API_CLIENT_SECRET} (client credentials at ${services.env.OIDC_STAFF_ISSUER}/token, this run only)`,
      );
    }
    if (pki) {
      log(
        `  RIVTA         https://localhost:${PORTS.rivta}/ crm:scheduling 1.1 over mutual TLS (docs/rivta.md), TEST CA:`,
      );
      log(`    CA          ${pki.caPath}`);
      log(
        `    consumer    ${DEMO_CONSUMER_ID}: ${pki.consumers.consumer.certPath} + ${pki.consumers.consumer.keyPath}`,
      );
    }
    if (localIndex)
      log(
        `  engagement    TEST index (not the national one; refuses production): its entries at https://localhost:${PORTS.engagementIndex}/ (test CA)`,
      );
    if (!process.env.FHIR_BASE_URL)
      log(
        `  journal       TEST journal (FHIR R4, not the region's EHR; refuses production): the notes it received at http://127.0.0.1:${PORTS.ehr}/`,
      );
    if (!process.env.SMPP_URL)
      log(
        `  SMS           TEST SMS centre (SMPP 3.4, reaches no phone; refuses production) on 127.0.0.1:${PORTS.smsc}: its messages and receipts in the Utkorg`,
      );
    log('Ctrl-C stops everything.');
  } catch (err) {
    log(`FAILED: ${describe(err)}`);
    await shutdown(1);
  }
}

/** Resolves when the URL answers 2xx. */
async function expectOk(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
}

void main();

/** An error with its chain of causes (Temporal wraps activity and update failures). */
/** The demo identities of the embedded test provider, one line each: who to log in as. */
function printTestIdentities(issuer: string): void {
  const ids = testIdentities(stockholmDateOf(new Date()));
  const pick = (pred: (i: (typeof ids)[number]) => boolean) => ids.find(pred)!;
  const people = [
    pick((i) => i.name === 'Anna Andersson' && i.acr.endsWith('loa3')),
    pick((i) => i.name === 'Johanna Berglund'),
    pick((i) => i.name === 'Karin Nilsson'),
    pick((i) => i.acr.endsWith('loa2')),
  ];
  log(
    `  identity      TEST provider ${issuer} (not real e-ID; refuses NODE_ENV=production); pick one on its login page:`,
  );
  for (const p of people) log(`    patient      ${p.name.padEnd(18)} ${p.personnummer}  ${p.note}`);
  for (const role of ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin']) {
    const s = pick((i) => i.kind === 'staff' && i.note.includes(`(${role}`));
    log(`    ${role.padEnd(13)}${s.name.padEnd(18)} ${s.hsaId}`);
  }
}

function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as Error).cause) parts.push(e instanceof Error ? e.message : String(e));
  return parts.join(' ← ');
}
