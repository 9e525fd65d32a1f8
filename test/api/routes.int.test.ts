/**
 * The route table: every route of the app, with who may call it. A route added without an entry here
 * fails the first test; for each route, a caller without a login gets 401 (pages: a redirect to the
 * login), a caller with a wrong role 403, and a logged-in change without its CSRF token 403.
 */
import request from 'supertest';
import { Grantee, routeTable } from '../../api/http/access';
import { useApiStack } from '../support/app';
import { makeFixture } from '../../testkit/fixtures';
import { LoggedIn, login, machineToken } from '../../testkit/login';

const STAFF: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
const READERS: Grantee[] = ['care_admin', 'clinician', 'quality_lead', 'patient', 'scope:encounters:read'];
const CATALOG: Grantee[] = [...STAFF, 'patient', 'scope:encounters:read'];

const TABLE: Array<[string, string, Grantee[]]> = [
  ['POST', '/janus/events', ['anyone']],
  ['GET', '/healthz', ['anyone']],
  ['GET', '/readyz', ['anyone']],
  ['GET', '/metrics', ['sysadmin', 'scope:metrics']],
  ['OPTIONS', '/codec/encode', ['anyone']],
  ['OPTIONS', '/codec/decode', ['anyone']],
  ['POST', '/codec/encode', ['sysadmin']],
  ['POST', '/codec/decode', ['sysadmin']],
  ['GET', '/login', ['anyone']],
  ['GET', '/login/:audience', ['anyone']],
  ['GET', '/auth/callback/:audience', ['anyone']],
  ['POST', '/logout', ['anyone']],
  ['GET', '/api/me', [...STAFF, 'patient']],
  ['POST', '/api/encounters', ['care_admin', 'scope:encounters:write']],
  ['GET', '/api/encounters', READERS],
  ['GET', '/api/encounters/:id', READERS],
  ['POST', '/api/encounters/:id/eligibility', ['clinician']],
  ['POST', '/api/encounters/:id/identity', ['patient']],
  ['POST', '/api/encounters/:id/booking', ['care_admin', 'patient']],
  ['POST', '/api/encounters/:id/reschedule', ['care_admin', 'patient']],
  ['POST', '/api/encounters/:id/checklist', ['clinician']],
  ['POST', '/api/encounters/:id/admit', ['clinician']],
  ['POST', '/api/encounters/:id/end', ['clinician']],
  ['POST', '/api/encounters/:id/phone', ['clinician']],
  ['POST', '/api/encounters/:id/journal-note', ['clinician']],
  ['POST', '/api/encounters/:id/journal-entry', ['clinician', 'care_admin']],
  ['POST', '/api/encounters/:id/cancel', ['care_admin', 'patient']],
  ['POST', '/api/encounters/:id/participants', ['scope:participants']],
  ['GET', '/api/care-units', CATALOG],
  ['GET', '/api/clinicians', CATALOG],
  ['GET', '/api/slots', CATALOG],
  ['GET', '/api/outbox', ['care_admin']],
  ['POST', '/api/encounters/:id/meeting-links', ['care_admin', 'clinician']],
  ['DELETE', '/api/encounters/:id/meeting-links', ['care_admin', 'clinician']],
  ['GET', '/meet/:token', ['anyone']],
  ['POST', '/meet/:token', ['patient', 'clinician']],
  ['GET', '/meet/room/:id', ['patient', 'clinician']],
  ['GET', '/meet/api/state', ['patient', 'clinician']],
  ['GET', '/meet/api/join', ['patient', 'clinician']],
  ['POST', '/meet/api/presence', ['patient', 'clinician']],
  ['POST', '/meet/api/checklist', ['clinician']],
  ['POST', '/meet/api/admit', ['clinician']],
  ['POST', '/meet/api/end', ['clinician']],
  ['POST', '/meet/api/phone', ['clinician']],
  ['POST', '/meet/api/participants/:participantId/admit', ['clinician']],
  ['POST', '/meet/api/chat', ['patient', 'clinician']],
  ['POST', '/api/encounters/:id/participants/invitations', ['care_admin', 'clinician', 'patient']],
  ['POST', '/api/encounters/:id/participants/:participantId/link', ['care_admin', 'clinician']],
  ['POST', '/api/encounters/:id/participants/:participantId/accept', ['patient']],
  ['POST', '/api/encounters/:id/participants/:participantId/admit', ['clinician']],
  ['POST', '/api/encounters/:id/participants/:participantId/remove', ['care_admin', 'clinician']],
  ['POST', '/meet/:token/code', ['anyone']],
  ['POST', '/meet/:token/code/verify', ['anyone']],
  ['GET', '/meet/guest/:id', ['anyone']],
  ['GET', '/meet/api/guest/state', ['anyone']],
  ['GET', '/meet/api/guest/join', ['anyone']],
  ['POST', '/meet/api/guest/chat', ['anyone']],
  ['POST', '/meet/api/guest/presence', ['anyone']],
  ['GET', '/mina-sidor', ['patient']],
  ['POST', '/mina-sidor/vardmoten/:id/legitimera', ['patient']],
  ['POST', '/mina-sidor/moten/:id/betyg', ['patient']],
  ['GET', '/mina-sidor/moten/:id', ['patient']],
  ['POST', '/mina-sidor/moten/:id/bekrafta', ['patient']],
  ['POST', '/mina-sidor/moten/:id/avboka', ['patient']],
  ['POST', '/mina-sidor/moten/:id/anslut', ['patient']],
  ['GET', '/mina-sidor/moten/:id/flytta', ['patient']],
  ['POST', '/mina-sidor/moten/:id/flytta', ['patient']],
  ['POST', '/mina-sidor/moten/:id/kallelse/ja', ['patient']],
  ['POST', '/mina-sidor/moten/:id/kallelse/nej', ['patient']],
  ['GET', '/mina-sidor/paminnelser', ['patient']],
  ['POST', '/mina-sidor/paminnelser', ['patient']],
  ['POST', '/mina-sidor/sprak', ['patient']],
  ['GET', '/', ['anyone']],
  ['GET', '/admin', STAFF],
  ['GET', '/admin/encounters', ['care_admin', 'clinician', 'quality_lead']],
  ['GET', '/admin/encounters/:id', ['care_admin', 'clinician', 'quality_lead']],
  ['GET', '/admin/outbox', ['care_admin']],
  ['POST', '/admin/encounters/:id/meeting-links', ['care_admin', 'clinician']],
  ['POST', '/admin/encounters/sok', ['care_admin', 'clinician', 'quality_lead']],
  ['GET', '/admin/encounters/new', ['care_admin']],
  ['POST', '/admin/encounters', ['care_admin']],
  ['POST', '/admin/encounters/:id/book', ['care_admin']],
  ['POST', '/admin/encounters/:id/reschedule', ['care_admin']],
  ['POST', '/admin/encounters/:id/cancel', ['care_admin']],
  ['POST', '/admin/encounters/:id/no-show-reason', ['care_admin']],
  ['POST', '/admin/encounters/:id/phone', ['clinician']],
  ['POST', '/admin/encounters/:id/meeting-links/revoke', ['care_admin', 'clinician']],
  ['GET', '/admin/encounters/:id/events', ['care_admin', 'clinician', 'quality_lead']],
  ['GET', '/admin/encounters/:id/live', ['care_admin', 'clinician', 'quality_lead']],
  ['GET', '/admin/deviations', ['quality_lead', 'care_admin']],
  ['GET', '/admin/deviations.csv', ['quality_lead', 'care_admin']],
  ['GET', '/admin/deviations/:id', ['quality_lead', 'care_admin']],
  ['POST', '/admin/deviations/:id/review', ['quality_lead']],
  ['GET', '/admin/logs', ['quality_lead', 'sysadmin']],
  ['POST', '/admin/logs', ['quality_lead', 'sysadmin']],
  ['GET', '/admin/logs/extract', ['quality_lead', 'sysadmin']],
  ['GET', '/admin/logs/sample', ['quality_lead', 'sysadmin']],
  ['GET', '/admin/followup', ['quality_lead', 'care_admin']],
  ['GET', '/admin/followup.csv', ['quality_lead', 'care_admin']],
  ['GET', '/admin/registreringar', ['finance', 'quality_lead']],
  ['GET', '/admin/registreringar.csv', ['finance', 'quality_lead']],
  ['GET', '/admin/koder', ['sysadmin']],
  ['POST', '/admin/koder/:unitId', ['sysadmin']],
  ['GET', '/admin/paminnelser', ['sysadmin']],
  ['POST', '/admin/paminnelser/:unitId', ['sysadmin']],
  ['GET', '/admin/mina-moten', ['clinician']],
  ['GET', '/admin/mina-moten/live', ['clinician']],
  ['POST', '/admin/mina-moten/:id/eligibility', ['clinician']],
  ['POST', '/admin/mina-moten/:id/checklist', ['clinician']],
  ['POST', '/admin/mina-moten/:id/journal-note', ['clinician']],
  ['POST', '/admin/mina-moten/:id/journal-entry', ['clinician']],
  ['GET', '/mina-sidor/avgifter', ['patient']],
  ['GET', '/admin/ekonomi', ['finance']],
  ['GET', '/admin/ekonomi/fakturor', ['finance']],
  ['GET', '/admin/ekonomi/fakturor/:id', ['finance', 'care_admin']],
  ['GET', '/admin/ekonomi/fakturor/:id/dokument', ['finance', 'care_admin']],
  ['GET', '/admin/ekonomi/fakturor/:id/pdf', ['finance', 'care_admin']],
  ['POST', '/admin/ekonomi/fakturor/:id/avskriv', ['finance', 'care_admin']],
  ['GET', '/admin/ekonomi/betalningar', ['finance']],
  ['POST', '/admin/ekonomi/betalningar/:id/matcha', ['finance']],
  ['GET', '/admin/ekonomi/inlasningar', ['finance']],
  ['POST', '/admin/ekonomi/inlasningar', ['finance']],
  ['GET', '/admin/ekonomi/inlasningar/:id', ['finance']],
  ['GET', '/admin/ekonomi/frikort', ['finance']],
  ['POST', '/api/finance/bgmax', ['finance', 'scope:finance:import']],
  ['GET', '/mina-sidor/meddelanden', ['patient']],
  ['POST', '/mina-sidor/meddelanden', ['patient']],
  ['GET', '/mina-sidor/meddelanden/:id', ['patient']],
  ['POST', '/mina-sidor/meddelanden/:id', ['patient']],
  ['GET', '/admin/meddelanden', ['clinician', 'care_admin']],
  ['GET', '/admin/meddelanden/:id', ['clinician', 'care_admin', 'quality_lead']],
  ['POST', '/admin/meddelanden/:id/svar', ['clinician', 'care_admin']],
  ['POST', '/admin/meddelanden/:id/sammanfattning', ['clinician']],
  ['POST', '/admin/meddelanden/:id/journalford', ['clinician', 'care_admin']],
  ['GET', '/tillganglighet', ['anyone']],
  ['POST', '/tillganglighet', ['anyone']],
  ['GET', '/tillganglighet/tack', ['anyone']],
];

const stack = useApiStack();
const sessions = new Map<Grantee, LoggedIn>();
let otherToken: string;

beforeAll(async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const staff: Array<[Grantee, string]> = [
    ['care_admin', f.staff.careAdmin],
    ['clinician', f.staff.clinician],
    ['finance', f.staff.finance],
    ['quality_lead', f.staff.qualityLead],
    ['sysadmin', f.staff.sysadmin],
  ];
  for (const [role, hsaId] of staff) sessions.set(role, await login(stack.app, { hsaId }));
  sessions.set('patient', await login(stack.app, { personnummer: f.adultPnr }));
  otherToken = await machineToken('participants');
});

const concrete = (path: string) =>
  path
    .replace(':id', '7a1c0a57-1111-4111-8111-111111111111')
    .replace(':token', 'x'.repeat(43))
    .replace(':audience', 'patient');
const guarded = TABLE.filter(([, , who]) => !who.includes('anyone'));
const isApi = (path: string) =>
  path.startsWith('/api/') || path.startsWith('/meet/api/') || path.startsWith('/codec/') || path === '/metrics';
const send = (s: LoggedIn, method: string, path: string) =>
  s.agent[method.toLowerCase() as 'get' | 'post' | 'delete'](path);

it('lists every route of the app with who may call it (a new route needs an entry here)', () => {
  const actual = routeTable(stack.app).map((r) => [r.method, r.path, [...(r.grantees ?? [])]]);
  const key = (r: unknown[]) => `${r[0]} ${r[1]}`;
  expect(actual.map(key).sort()).toEqual(TABLE.map(key).sort());
  for (const [method, path, who] of TABLE)
    expect([method, path, actual.find((a) => key(a) === `${method} ${path}`)![2]]).toEqual([method, path, who]);
});

it('every mounted route is a line of an area’s declared table, with the roles that line names (nothing mounted by hand)', () => {
  const line = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
  const declared = new Map(stack.app.declaredRoutes.map((r) => [line(r), [...r.guard.grantees]]));
  const mounted = routeTable(stack.app);
  expect(mounted.map(line).sort()).toEqual([...declared.keys()].sort());
  for (const r of mounted) expect([line(r), r.grantees]).toEqual([line(r), declared.get(line(r))]);
});

it.each(guarded)('%s %s without a login: 401, or a redirect to the login for a page', async (method, path) => {
  const url = concrete(path);
  const m = method.toLowerCase() as 'get' | 'post' | 'delete';
  const res = await request(stack.app)
    [m](url)
    .send(method === 'GET' ? undefined : {});
  if (method === 'GET' && !isApi(path)) {
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?returnTo=/);
  } else expect(res.status).toBe(401);
});

it.each(guarded)('%s %s with a wrong role: 403', async (method, path, who) => {
  const url = concrete(path);
  const wrong = [...sessions.keys()].find((role) => !who.includes(role));
  let res: request.Response;
  if (wrong) {
    const s = sessions.get(wrong)!;
    const t = send(s, method, url).set('x-csrf-token', s.csrf);
    res = await (method === 'GET' ? t : t.send({}));
  } else {
    // Every kind of session may call it: a machine token without a fitting scope may not.
    res = await request(stack.app)
      [method.toLowerCase() as 'get' | 'post' | 'delete'](url)
      .set('authorization', `Bearer ${otherToken}`)
      .send(method === 'GET' ? undefined : {});
  }
  expect(res.status).toBe(403);
});

const changes = TABLE.filter(
  ([method, path, who]) =>
    // The Janus sink has its own secret; the codec endpoint changes nothing and checks the origin instead (api/ops.test).
    !['GET', 'OPTIONS'].includes(method) &&
    path !== '/janus/events' &&
    !path.startsWith('/codec/') &&
    who.some((g) => sessions.has(g) || g === 'anyone'),
);
it.each(changes)('%s %s from a logged-in browser without the CSRF token: 403', async (method, path, who) => {
  const role = (who.find((g) => sessions.has(g)) ?? 'care_admin') as Grantee;
  const s = sessions.get(role)!;
  const res = await send(s, method, concrete(path)).type('form').send({});
  expect(res.status).toBe(403);
  expect(res.body.error ?? res.text).toMatch(/csrf|CSRF/);
});
