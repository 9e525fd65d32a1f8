/**
 * The checks between settings (config.ts's schema checks each one alone) and what production refuses:
 * laptop defaults, example values, test providers, clear-text mail and open metrics.
 */
import type { Settings } from './config';
import { smtpClearTextProblem } from './activities/mail/smtp-url';
import { DEV_PAYLOAD_KEYS, parsePayloadKeys } from './temporal/codec';
import { luhnCheckDigit } from './domain/personnummer';

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
  const janusServers = list(s.janus.wsUrl).length;
  for (const k of ['adminUrl', 'publicWsUrl'] as const) {
    const n = list(s.janus[k]).length;
    if (n && n !== janusServers)
      refuse(
        `janus.${k}`,
        `one URL per Janus server of ${name('janus.wsUrl')} (${janusServers}), in the same order; ${n} given`,
      );
  }
  const turnUrls = list(s.turn.urls).filter((u) => /^turns?:/.test(u));
  if (turnUrls.length && !s.turn.secret)
    refuse('turn.secret', `required with turn: URIs in ${name('turn.urls')} (the TURN server's static-auth-secret)`);
  if (s.nodeEnv !== 'production') return;

  // A demo deployment (VARDMOTE_DEMO) lets the local stand-ins in; secrets and TLS rules still hold.
  const standIns = !s.demo;
  for (const k of ['baseUrl', 'tokenUrl'] as const) {
    const url = j[k];
    const local = url && /^https?:\/\/(localhost|127\.|\[::1\])/.test(url);
    // A demo's test journal runs on this machine; a journal elsewhere is reached over https, demo or not.
    if (url && !url.startsWith('https://') && !(s.demo && local))
      refuse(`journal.${k}`, 'the journal system is reached over https only');
    else if (local && standIns) refuse(`journal.${k}`, 'the local test journal never runs in production');
  }

  if (standIns) {
    if (!ei.url) refuse('engagementIndex.url', "required in production (the national platform's Update address)");
    else if (/^https?:\/\/(localhost|127\.|\[::1\])/.test(ei.url))
      refuse('engagementIndex.url', 'the local test engagement index never runs in production');
    if (ei.caPath && /rivta-test-ca/.test(ei.caPath))
      refuse('engagementIndex.caPath', 'the local test CA never runs in production');
    if (s.rivta.caPath && /rivta-test-ca/.test(s.rivta.caPath))
      refuse('rivta.caPath', 'the local test CA never runs in production (SITHS function certificates)');
  }

  for (const who of ['patient', 'staff'] as const)
    if (!s.oidc[who].issuer) refuse(`oidc.${who}.issuer`, 'required in production');
  if (!s.payloadKeys || s.payloadKeys.startsWith('change-me') || devKey)
    refuse('payloadKeys', 'required in production, without the development key "dev" (id:base64 of 32 random bytes)');
  const publicUrl = publicUrlOf(s);
  if (!publicUrl.startsWith('https://'))
    refuse('web.publicUrl', `must be an https:// URL in production, not ${publicUrl}`);
  if (!list(s.janus.publicWsUrl ?? s.janus.wsUrl).every((u) => u.startsWith('wss://')))
    refuse('janus.publicWsUrl', 'browsers need a wss:// URL in production');
  if (!turnUrls.length && standIns)
    refuse(
      'turn.urls',
      'required in production: at least one turn: or turns: URI. Without a TURN relay a patient behind a strict NAT or a firewall that blocks UDP gets no video or sound',
    );
  else if (turnUrls.some((u) => /^turns?:(localhost|127\.|\[::1\])/.test(u)) && standIns)
    refuse('turn.urls', "npm start's embedded TURN server on this machine never runs in production");
  const issuers: Array<[string, string | undefined]> = [
    ['oidc.patient.issuer', s.oidc.patient.issuer],
    ['oidc.staff.issuer', s.oidc.staff.issuer],
    ['apiTokens.issuer', s.apiTokens.issuer],
  ];
  for (const [path, issuer] of issuers)
    if (
      issuer &&
      (!issuer.startsWith('https://') || (standIns && /^https?:\/\/(localhost|127\.|\[::1\])/.test(issuer)))
    )
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
    ['turn.secret', s.turn.secret],
  ];
  for (const [path, value] of secrets)
    if (value?.startsWith('change-me')) refuse(path, 'still the example value from .env.example');
  if (!s.session.secret || s.session.secret === DEV_SESSION_SECRET)
    refuse('session.secret', 'required in production (32+ random characters)');
  for (const [path, value] of secrets.filter(([p]) => p.startsWith('janus.') || p === 'turn.secret'))
    if (value?.startsWith('dev-')) refuse(path, 'the development default never runs in production');
  if (!list(s.apiTokens.clientIds).length)
    refuse('apiTokens.clientIds', 'required in production (the client ids of the machine clients let in)');
  if (!s.finance.bankgiro) refuse('finance.bankgiro', "set the provider's bankgiro number for invoices");
  // A demonstration shows example invoices and keeps its mail in the Utkorg; a real deployment may not.
  const bankgiroProblem = s.finance.bankgiro && !s.demo ? bankgiroProductionProblem(s.finance.bankgiro) : null;
  if (bankgiroProblem) refuse('finance.bankgiro', bankgiroProblem);
  if (!s.mail.smtpUrl && !s.demo)
    refuse(
      'mail.smtpUrl',
      'required in production: without it every mail (kallelser, påminnelser) waits in the Utkorg and none is sent',
    );
  const smtpProblem = s.mail.smtpUrl ? smtpClearTextProblem(s.mail.smtpUrl) : null;
  if (smtpProblem) refuse('mail.smtpUrl', `${smtpProblem}; production sends mail over TLS only`);
  const smsProblem = s.sms.smppUrl ? smppProductionProblem(s.sms.smppUrl, standIns) : null;
  if (smsProblem) refuse('sms.smppUrl', smsProblem);
  if (!s.janus.apiSecret)
    refuse('janus.apiSecret', "required in production (Janus' api_secret, 16+ random characters)");
  if (!isLoopback(s.workerMetricsHost) && !s.workerMetricsToken)
    refuse(
      'workerMetricsToken',
      `required in production when the worker's metrics listen on ${s.workerMetricsHost} (not loopback)`,
    );
}

/**
 * Bankgiro numbers from examples, by their digits: Bankgirot's own and the real number most often
 * copied into examples. On an invoice each sends the patients' payments to someone else, or nowhere.
 */
export const EXAMPLE_BANKGIROS: Record<string, string> = {
  '55555555': "Bankgirot's example number (its sample forms)",
  '9912346': "the receiver in Bankgirot's BgMax and Autogiro sample files",
  '50501055': "Skatteverket's bankgiro (tax payments), often copied into examples",
};

/** Why production may not put this bankgiro on invoices, or null: an example number, or a wrong check digit. */
function bankgiroProductionProblem(bankgiro: string): string | null {
  const digits = bankgiro.replace(/\D/g, '');
  const example = EXAMPLE_BANKGIROS[digits];
  if (example) return `${bankgiro} is ${example}; set the provider's own bankgiro number`;
  // The last digit is a Luhn check digit over the others, as in an OCR reference.
  if (luhnCheckDigit(digits.slice(0, -1)) !== Number(digits.slice(-1)))
    return `${bankgiro} has a wrong check digit (a typing error?); set the provider's own bankgiro number`;
  return null;
}

/** Why production may not use this SMPP URL, or null: clear text off this machine, or the test SMS centre. */
function smppProductionProblem(url: string, standIns: boolean): string | null {
  const u = new URL(url);
  if (decodeURIComponent(u.username) === TEST_SMSC_SYSTEM_ID && standIns)
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
