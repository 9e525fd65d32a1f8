/**
 * A local engagement index for `npm start` and the tests: Update (itintegration:engagementindex 1.0)
 * over SOAP 1.1 and mutual TLS, checked against the official XSD, entries kept in memory and listed on
 * a page. Plainly a test service: it refuses NODE_ENV=production, as the test IdP does.
 */
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { UPDATE_NS, UPDATE_XSD, validateXml } from '../../api/rivta/xsd';
import {
  childElement,
  childText,
  elementChildren,
  faultEnvelope,
  NS,
  parseEnvelope,
  responseEnvelope,
  serialize,
  SoapFault,
} from '../../api/rivta/xml';
import type { Engagement } from '../../activities/engagement-index/client';
import { escapeHtml, readBody } from '../test-pages';

/** What the page and the tests read: one entry per engagement, as the last Update left it. */
export interface IndexEntry extends Omit<Engagement, 'categorization'> {
  /** As the Update said it (the index takes any the schema allows). */
  categorization: string;
  deleteFlag: boolean;
  /** The index's own times (ISO) and how many Updates reached this entry. */
  creationTime: string;
  updateTime: string;
  updates: number;
  /** The LogicalAddress header of the last Update. */
  indexAddress: string;
}

/** The attributes that name an engagement; an Update with the same ones changes the same entry. */
const KEY = [
  'registeredResidentIdentification',
  'serviceDomain',
  'categorization',
  'logicalAddress',
  'businessObjectInstanceIdentifier',
  'sourceSystem',
  'dataController',
  'clinicalProcessInterestId',
] as const;

const FIELDS = [...KEY, 'mostRecentContent', 'owner'] as const;

export interface TestEngagementIndex {
  server: https.Server;
  entries(): IndexEntry[];
  /** Test-only: the next `n` Updates are stored and then answered with a Server fault (a lost answer). */
  loseAnswers(n: number): void;
  /** Test-only: the next Update is stored and never answered (its caller killed meanwhile); resolves once it is stored. */
  holdNextAnswer(): Promise<void>;
}

const LABELS_SV: Array<[keyof IndexEntry, string]> = [
  ['businessObjectInstanceIdentifier', 'Boknings-id'],
  ['categorization', 'Kategori'],
  ['registeredResidentIdentification', 'Personnummer'],
  ['logicalAddress', 'Vårdenhet (HSA-id)'],
  ['mostRecentContent', 'Senaste innehåll (starttid)'],
  ['serviceDomain', 'Tjänstedomän'],
  ['sourceSystem', 'Källsystem'],
  ['dataController', 'Personuppgiftsansvarig'],
  ['updateTime', 'Senast uppdaterad'],
  ['updates', 'Antal uppdateringar'],
];

const html = escapeHtml;

function page(entries: IndexEntry[]): string {
  const head = LABELS_SV.map(([, l]) => `<th>${l}</th>`).join('') + '<th>Status</th>';
  const rows = entries
    .map(
      (e) =>
        `<tr>${LABELS_SV.map(([k]) => `<td>${html(e[k])}</td>`).join('')}<td>${e.deleteFlag ? 'Borttagen (avbokad)' : 'Aktuell'}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Lokalt engagemangsindex (TEST)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.test{background:#fde68a;padding:.5rem 1rem}</style></head>
<body><p class="test"><strong>TESTTJÄNST</strong> — inte det nationella engagemangsindexet. Används aldrig i produktion.</p>
<h1>Lokalt engagemangsindex</h1><p>${entries.length} poster (en per bokning).</p>
${entries.length ? `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga poster ännu.</p>'}
</body></html>`;
}

/**
 * The local index's HTTPS server (not yet listening). Update needs a client certificate from `tls.ca`;
 * the page (GET /) is open, as befits a test service on this machine.
 * @param env - refuses to build when NODE_ENV is production
 */
export function createTestEngagementIndex(
  tls: { key: Buffer | string; cert: Buffer | string; ca: Buffer | string },
  env: NodeJS.ProcessEnv = process.env,
): TestEngagementIndex {
  if (env.NODE_ENV === 'production')
    throw new Error('the local engagement index is a test service and never runs in production');
  const store = new Map<string, IndexEntry>();
  let lose = 0;
  let held: (() => void) | null = null;

  async function update(xml: string): Promise<string> {
    const { body, header } = parseEnvelope(xml);
    if (body.localName !== 'Update' || body.namespaceURI !== UPDATE_NS)
      throw new SoapFault('Client', `{${body.namespaceURI ?? ''}}${body.localName}: this index answers Update only`);
    const problems = await validateXml(serialize(body), UPDATE_XSD);
    if (problems.length) throw new SoapFault('Client', problems.join('; '));
    const indexAddress = (header(NS.registry, 'LogicalAddress')?.textContent ?? '').trim();
    if (!indexAddress) throw new SoapFault('Client', 'LogicalAddress: the header is required');
    const now = new Date().toISOString();
    for (const tx of elementChildren(body).filter((e) => e.localName === 'engagementTransaction')) {
      const e = childElement(tx, 'engagement')!;
      const fields = Object.fromEntries(
        FIELDS.map((f) => [f, childText(e, f)]).filter(([, v]) => v !== undefined),
      ) as Record<(typeof FIELDS)[number], string>;
      const key = KEY.map((k) => fields[k]).join('|');
      const before = store.get(key);
      store.set(key, {
        ...fields,
        deleteFlag: childText(tx, 'deleteFlag') === 'true' || childText(tx, 'deleteFlag') === '1',
        creationTime: before?.creationTime ?? now,
        updateTime: now,
        updates: (before?.updates ?? 0) + 1,
        indexAddress,
      });
    }
    if (held) {
      const stored = held;
      held = null;
      stored();
      await new Promise(() => {});
    }
    if (lose > 0) {
      lose--;
      throw new SoapFault('Server', 'test: the answer was lost after the Update was stored');
    }
    return responseEnvelope('UpdateResponse', UPDATE_NS, [['r:ResultCode', 'OK']]);
  }

  const send = (res: ServerResponse, status: number, type: string, text: string) => {
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
    res.end(text);
  };
  const server = https.createServer(
    { ...tls, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (req, res) => {
      void (async () => {
        if (req.method === 'GET') return send(res, 200, 'text/html', page([...store.values()]));
        try {
          if (!(req.socket as TLSSocket).authorized)
            throw new SoapFault('Client', 'a client certificate from the test CA is required', 403);
          send(res, 200, 'text/xml', await update(await readBody(req)));
        } catch (err) {
          const f = err instanceof SoapFault ? err : new SoapFault('Server', 'technical failure of the local index');
          send(res, f.status, 'text/xml', faultEnvelope(f));
        }
      })();
    },
  );
  return {
    server,
    entries: () => [...store.values()],
    loseAnswers: (n) => void (lose = n),
    holdNextAnswer: () => new Promise<void>((resolve) => (held = resolve)),
  };
}
