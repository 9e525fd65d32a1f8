/**
 * The checks between settings (config.ts's schema checks each one alone) and what production refuses:
 * laptop defaults, example values, test providers, clear-text mail and open metrics.
 */
import type { Settings } from './config';
import { smtpClearTextProblem } from './activities/mail/smtp-url';
import { DEV_PAYLOAD_KEYS, parsePayloadKeys } from './temporal/codec';

export const DEV_SESSION_SECRET = 'dev-session-secret-for-this-laptop-only';
/** The test SMS centre's system_id (scripts/test-smsc): production refuses an SMPP_URL that names it. */
export const TEST_SMSC_SYSTEM_ID = 'vm-test-smsc';

export interface Report {
  refuse(path: string, message: string): void;
  nameOf(path: string): string;
}

/** A comma-separated setting as a list. */
export const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** PUBLIC_URL, or this machine's web port. */
export const publicUrlOf = (s: Settings) => s.web.publicUrl ?? `http://localhost:${s.web.port}`;

/**
 * Rules across settings, and what production refuses.
 * @param s - the settings, each valid on its own
 * @param report - `refuse` records a problem of the setting at a field path; `nameOf` names a setting in a message
 */
export function checkSettings(s: Settings, report: Report): void {
  const { refuse, nameOf: name } = report;
  for (const who of ['patient', 'staff'] as const)
    if (s.oidc[who].issuer && !s.oidc[who].clientSecret)
      refuse(`oidc.${who}.clientSecret`, `required with ${name(`oidc.${who}.issuer`)}`);
  let devKey = false;
  try {
    devKey = parsePayloadKeys(s.payloadKeys ?? DEV_PAYLOAD_KEYS).some((k) => k.id === 'dev');
  } catch (err) {
    refuse('payloadKeys', (err as Error).message);
  }
  const rivtaTls = [s.rivta.certPath, s.rivta.keyPath, s.rivta.caPath];
  if (rivtaTls.some(Boolean) && !rivtaTls.every(Boolean))
    for (const path of ['rivta.certPath', 'rivta.keyPath', 'rivta.caPath'] as const)
      if (!path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s))
        refuse(path, 'the RIVTA producer needs its certificate, key and consumer CA together');
  if (rivtaTls.every(Boolean) && !list(s.rivta.consumerIds).length)
    refuse('rivta.consumerIds', `required with ${name('rivta.caPath')} (the consumer ids let in)`);
  const ei = s.engagementIndex;
  if (ei.url) {
    for (const k of ['logicalAddress', 'sourceSystem', 'dataController', 'certPath', 'keyPath', 'caPath'] as const)
      if (!ei[k]) refuse(`engagementIndex.${k}`, `required with ${name('engagementIndex.url')}`);
    if (!ei.url.startsWith('https://'))
      refuse('engagementIndex.url', 'the engagement index is reached over https only');
  }
  const j = s.journal;
  if (j.baseUrl)
    for (const k of ['tokenUrl', 'clientId', 'clientSecret'] as const)
      if (!j[k]) refuse(`journal.${k}`, `required with ${name('journal.baseUrl')}`);
  if (s.nodeEnv !== 'production') return;

  for (const k of ['baseUrl', 'tokenUrl'] as const) {
    const url = j[k];
    if (url && !url.startsWith('https://')) refuse(`journal.${k}`, 'the journal system is reached over https only');
    else if (url && /^https?:\/\/(localhost|127\.|\[::1\])/.test(url))
      refuse(`journal.${k}`, 'the local test journal never runs in production');
  }

  if (!ei.url) refuse('engagementIndex.url', "required in production (the national platform's Update address)");
  else if (/^https?:\/\/(localhost|127\.|\[::1\])/.test(ei.url))
    refuse('engagementIndex.url', 'the local test engagement index never runs in production');
  if (ei.caPath && /rivta-test-ca/.test(ei.caPath))
    refuse('engagementIndex.caPath', 'the local test CA never runs in production');

  if (s.rivta.caPath && /rivta-test-ca/.test(s.rivta.caPath))
    refuse('rivta.caPath', 'the local test CA never runs in production (SITHS function certificates)');

  for (const who of ['patient', 'staff'] as const)
    if (!s.oidc[who].issuer) refuse(`oidc.${who}.issuer`, 'required in production');
  if (!s.payloadKeys || s.payloadKeys.startsWith('change-me') || devKey)
    refuse('payloadKeys', 'required in production, without the development key "dev" (id:base64 of 32 random bytes)');
  const publicUrl = publicUrlOf(s);
  if (!publicUrl.startsWith('https://'))
    refuse('web.publicUrl', `must be an https:// URL in production, not ${publicUrl}`);
  if (!(s.janus.publicWsUrl ?? s.janus.wsUrl).startsWith('wss://'))
    refuse('janus.publicWsUrl', 'browsers need a wss:// URL in production');
  const issuers: Array<[string, string | undefined]> = [
    ['oidc.patient.issuer', s.oidc.patient.issuer],
    ['oidc.staff.issuer', s.oidc.staff.issuer],
    ['apiTokens.issuer', s.apiTokens.issuer],
  ];
  for (const [path, issuer] of issuers)
    if (issuer && (!issuer.startsWith('https://') || /^https?:\/\/(localhost|127\.|\[::1\])/.test(issuer)))
      refuse(
        path,
        `${issuer} looks like the test identity provider (plain http or this machine); production needs the real e-ID / SITHS provider over https`,
      );
  if (s.databaseUrl.includes('://postgres:postgres@'))
    refuse('databaseUrl', 'the embedded development password never runs in production');
  const secrets: Array<[string, string | undefined]> = [
    ['session.secret', s.session.secret],
    ['janus.adminSecret', s.janus.adminSecret],
    ['janus.apiSecret', s.janus.apiSecret],
    ['workerMetricsToken', s.workerMetricsToken],
    ['janus.roomAdminKey', s.janus.roomAdminKey],
    ['janus.eventSecret', s.janus.eventSecret],
    ['oidc.patient.clientSecret', s.oidc.patient.clientSecret],
    ['oidc.staff.clientSecret', s.oidc.staff.clientSecret],
    ['journal.clientSecret', s.journal.clientSecret],
  ];
  for (const [path, value] of secrets)
    if (value?.startsWith('change-me')) refuse(path, 'still the example value from .env.example');
  if (!s.session.secret || s.session.secret === DEV_SESSION_SECRET)
    refuse('session.secret', 'required in production (32+ random characters)');
  for (const [path, value] of secrets.filter(([p]) => p.startsWith('janus.')))
    if (value?.startsWith('dev-')) refuse(path, 'the development default never runs in production');
  if (!list(s.apiTokens.clientIds).length)
    refuse('apiTokens.clientIds', 'required in production (the client ids of the machine clients let in)');
  if (!s.finance.bankgiro) refuse('finance.bankgiro', "set the provider's bankgiro number for invoices");
  const smtpProblem = s.mail.smtpUrl ? smtpClearTextProblem(s.mail.smtpUrl) : null;
  if (smtpProblem) refuse('mail.smtpUrl', `${smtpProblem}; production sends mail over TLS only`);
  const smsProblem = s.sms.smppUrl ? smppProductionProblem(s.sms.smppUrl) : null;
  if (smsProblem) refuse('sms.smppUrl', smsProblem);
  if (!s.janus.apiSecret)
    refuse('janus.apiSecret', "required in production (Janus' api_secret, 16+ random characters)");
  if (!isLoopback(s.workerMetricsHost) && !s.workerMetricsToken)
    refuse(
      'workerMetricsToken',
      `required in production when the worker's metrics listen on ${s.workerMetricsHost} (not loopback)`,
    );
}

/** Why production may not use this SMPP URL, or null: clear text off this machine, or the test SMS centre. */
function smppProductionProblem(url: string): string | null {
  const u = new URL(url);
  if (decodeURIComponent(u.username) === TEST_SMSC_SYSTEM_ID)
    return 'the local test SMS centre never runs in production';
  const password = decodeURIComponent(u.password);
  if (password.startsWith('change-me') || password.startsWith('dev-'))
    return 'the SMS centre password is still an example or development value';
  if (u.protocol === 'smpp:' && !isLoopback(u.hostname))
    return `${u.hostname} is not this machine: production reaches an SMS centre over TLS only (smpps://)`;
  return null;
}

/** 127.0.0.1, ::1 or localhost: reachable from this machine only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
