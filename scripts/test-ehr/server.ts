/**
 * The local test journal (issue 25): a FHIR R4 server on Medplum's FHIR router and in-memory
 * repository, standing in for the region's EHR as the test IdP stands in for BankID. Every resource
 * it receives is validated against the R4 definitions (`validateResource` of @medplum/core); it asks
 * for a bearer token from its own client-credentials endpoint, like SMART backend services; its page
 * lists the notes it received. Plainly a test service: it refuses production and keeps nothing on disk.
 */
import http, { type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Bundle, DocumentReference, Resource } from '@medplum/fhirtypes';
import { FhirRouter, MemoryRepository, type FhirRequest } from '@medplum/fhir-router';
import { JournalRefusedError, type JournalPort } from '../../activities/journal/client';
import { loadR4, validateFhir } from '../../activities/journal/r4';
import { escapeHtml, readBody } from '../test-pages';

export interface TestEhr {
  server: http.Server;
  /** Answers one FHIR request as the HTTP endpoint would (the worker's in-process port uses it). */
  handle(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The notes received, newest last. */
  documents(): Promise<DocumentReference[]>;
  /** Every resource of a type. */
  all<T extends Resource>(type: T['resourceType']): Promise<T[]>;
}

const html = escapeHtml;

const outcome = (code: string, text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, details: { text } }],
});

/**
 * The test journal's HTTP server (not yet listening): `POST /oauth2/token` (client credentials),
 * `POST /fhir/R4` (a transaction Bundle), `GET /fhir/R4/<type>?…` (search), and its page at `/`.
 * @param client - the one client id and secret it accepts
 * @param env - refuses to build when NODE_ENV is production
 */
export function createTestEhr(client: { id: string; secret: string }, env: NodeJS.ProcessEnv = process.env): TestEhr {
  if (env.NODE_ENV === 'production') throw new Error('the test journal is a test service and never runs in production');
  loadR4();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const tokens = new Set<string>();

  async function handle(method: 'GET' | 'POST', url: string, body?: unknown) {
    const u = new URL(url, 'http://ehr.invalid');
    if (method === 'POST') {
      // As a real EHR: nothing that is not valid R4 is stored, and the answer says what is wrong.
      const bundle = body as Bundle;
      if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction')
        return { status: 400, body: outcome('invalid', 'POST a transaction Bundle to the base URL') };
      for (const e of bundle.entry ?? []) {
        const problem = e.resource ? validateFhir(e.resource) : 'an entry without a resource';
        if (problem) return { status: 400, body: outcome('invalid', problem) };
      }
    }
    const req = {
      method,
      url: `${u.pathname.replace(/^\/fhir\/R4/, '') || '/'}${u.search}`,
      params: {},
      query: Object.fromEntries(u.searchParams),
      body: body ?? {},
      headers: {},
    } as unknown as FhirRequest;
    const [result, resource] = await router.handleRequest(req, repo);
    const failed = result.issue?.some((i) => i.severity === 'error');
    return { status: failed ? 400 : 200, body: failed ? result : resource };
  }

  const all = async <T extends Resource>(type: T['resourceType']) =>
    ((await repo.search({ resourceType: type, count: 10_000 })).entry ?? []).map((e) => e.resource as T);

  function page(docs: DocumentReference[]): string {
    const rows = docs
      .map((d) => {
        const a = d.content?.[0]?.attachment;
        const text = a?.data ? Buffer.from(a.data, 'base64').toString('utf8') : '';
        return `<tr><td>${html(d.date)}</td><td>${html(a?.title)}</td><td>${html(d.identifier?.[0]?.value)}</td><td>${html(text)}</td></tr>`;
      })
      .join('');
    return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Testjournal (TEST)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}.test{background:#fde68a;padding:.5rem 1rem}</style></head>
<body><p class="test"><strong>TESTTJÄNST</strong> — inte regionens journalsystem. Används aldrig i produktion.</p>
<h1>Testjournal (FHIR R4)</h1><p>${docs.length} journalanteckningar mottagna.</p>
${docs.length ? `<table><thead><tr><th>Signerad</th><th>Kontakt</th><th>Vårdmötes anteckning</th><th>Text</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga anteckningar ännu.</p>'}
</body></html>`;
  }

  const send = (res: ServerResponse, status: number, type: string, body: string) =>
    void res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === '/')
          return send(res, 200, 'text/html', page(await all('DocumentReference')));
        if (req.method === 'POST' && path === '/oauth2/token') {
          const form = new URLSearchParams(await readBody(req));
          const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
          const [id, secret] = basic
            ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
            : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
          const ok =
            form.get('grant_type') === 'client_credentials' &&
            id === client.id &&
            secret.length === client.secret.length &&
            timingSafeEqual(Buffer.from(secret), Buffer.from(client.secret));
          if (!ok) return send(res, 401, 'application/json', JSON.stringify({ error: 'invalid_client' }));
          const token = randomBytes(24).toString('base64url');
          tokens.add(token);
          return send(
            res,
            200,
            'application/json',
            JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'system/*.write' }),
          );
        }
        if (!path.startsWith('/fhir/R4'))
          return send(res, 404, 'application/fhir+json', JSON.stringify(outcome('not-found', path)));
        if (!tokens.has(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''))
          return send(
            res,
            401,
            'application/fhir+json',
            JSON.stringify(outcome('login', 'a bearer token is required')),
          );
        if (req.method !== 'GET' && req.method !== 'POST')
          return send(res, 405, 'application/fhir+json', JSON.stringify(outcome('not-supported', String(req.method))));
        const text = req.method === 'POST' ? await readBody(req) : '';
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return send(res, 400, 'application/fhir+json', JSON.stringify(outcome('structure', 'not JSON')));
        }
        const answer = await handle(req.method, req.url ?? '/', body);
        send(res, answer.status, 'application/fhir+json', JSON.stringify(answer.body));
      } catch (err) {
        send(res, 500, 'application/fhir+json', JSON.stringify(outcome('exception', (err as Error).message)));
      }
    })();
  });
  return { server, handle, documents: () => all<DocumentReference>('DocumentReference'), all };
}

/**
 * The test journal as the worker's port without HTTP (tests and benchmarks): the same validation and
 * answers, a refusal as the FHIR adapter reports one.
 * @param down - while it returns true, every call fails as an EHR that does not answer
 */
export function journalPortOf(ehr: TestEhr, down: () => boolean = () => false): JournalPort {
  return {
    async transaction(bundle) {
      if (down()) throw new Error('the test journal is down');
      const answer = await ehr.handle('POST', '/fhir/R4', bundle);
      if (answer.status >= 400) throw new JournalRefusedError(`the journal refused the note: ${answer.status}`);
      return answer.body as Bundle;
    },
  };
}
