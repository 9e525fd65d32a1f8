/**
 * The engagement-index port and its one adapter: Update (itintegration:engagementindex 1.0, RIVTA 2.1)
 * as SOAP 1.1 over mutual TLS, each request checked against the official XSD before it is sent.
 */
import https from 'node:https';
import { DOMParser } from '@xmldom/xmldom';
import { UPDATE_NS, UPDATE_XSD, validateXml } from '../../api/rivta/xsd';
import { childText, elementChildren, NS } from '../../api/rivta/xml';

/** One engagement (RULES.md §7): the attributes of EngagementType in the order the schema lists them. */
export interface Engagement {
  /** The patient's personnummer, 12 digits. */
  registeredResidentIdentification: string;
  serviceDomain: string;
  categorization: 'Booking' | 'Invitation';
  /** The care unit's HSA-id. */
  logicalAddress: string;
  /** Our bookingId. */
  businessObjectInstanceIdentifier: string;
  clinicalProcessInterestId: string;
  /** The booking's start, `YYYYMMDDhhmmss` Swedish local time. */
  mostRecentContent?: string;
  /** Our system's HSA-id. */
  sourceSystem: string;
  /** The care provider's organisation number. */
  dataController: string;
  owner?: string;
}

export interface EngagementTransaction {
  deleteFlag: boolean;
  engagement: Engagement;
}

/** The port: what the encounter's activity needs of an engagement index. */
export interface EngagementIndex {
  /** Sends the transactions; throws when the index did not take them (the activity retries). */
  update(transactions: EngagementTransaction[]): Promise<void>;
}

export interface EngagementIndexClientOptions {
  /** The index's Update endpoint (https). */
  url: string;
  /** The LogicalAddress header: the organisation number of the index's owner. */
  logicalAddress: string;
  tls: { key: Buffer | string; cert: Buffer | string; ca: Buffer | string };
  /** An attempt that has not answered by then is given up (the activity retries it). */
  timeoutMs?: number;
}

/** Thrown for a request our own schema check refuses: a bug of ours, retrying cannot fix it. */
export class InvalidEngagementError extends Error {}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Update element (namespaces declared on it, so it validates as a document of its own). */
export function updateElement(transactions: EngagementTransaction[]): string {
  const field = (name: string, value: string | undefined) =>
    value === undefined || value === '' ? '' : `<c:${name}>${escape(value)}</c:${name}>`;
  const tx = transactions.map(({ deleteFlag, engagement: e }) => {
    const fields = [
      field('registeredResidentIdentification', e.registeredResidentIdentification),
      field('serviceDomain', e.serviceDomain),
      field('categorization', e.categorization),
      field('logicalAddress', e.logicalAddress),
      field('businessObjectInstanceIdentifier', e.businessObjectInstanceIdentifier),
      field('clinicalProcessInterestId', e.clinicalProcessInterestId),
      field('mostRecentContent', e.mostRecentContent),
      field('sourceSystem', e.sourceSystem),
      field('dataController', e.dataController),
      field('owner', e.owner),
    ].join('');
    return `<u:engagementTransaction><c:deleteFlag>${deleteFlag}</c:deleteFlag><c:engagement>${fields}</c:engagement></u:engagementTransaction>`;
  });
  return `<u:Update xmlns:u="${UPDATE_NS}" xmlns:c="urn:riv:itintegration:engagementindex:1">${tx.join('')}</u:Update>`;
}

/** The whole SOAP 1.1 request: the LogicalAddress header and the Update body. */
export function updateEnvelope(logicalAddress: string, transactions: EngagementTransaction[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}"><soap:Header>` +
    `<itr:LogicalAddress xmlns:itr="${NS.registry}">${escape(logicalAddress)}</itr:LogicalAddress></soap:Header>` +
    `<soap:Body>${updateElement(transactions)}</soap:Body></soap:Envelope>`
  );
}

function post(opts: EngagementIndexClientOptions, xml: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      opts.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${UPDATE_NS}:Update"`,
        },
        ...opts.tls,
        minVersion: 'TLSv1.2',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}

/**
 * The adapter: a client of the official Update contract over mutual TLS.
 * @param opts - the index's address, the LogicalAddress header and our TLS material
 */
export function createEngagementIndexClient(opts: EngagementIndexClientOptions): EngagementIndex {
  return {
    async update(transactions) {
      const element = updateElement(transactions);
      const problems = await validateXml(element, UPDATE_XSD);
      if (problems.length) throw new InvalidEngagementError(`Update refused by the schema: ${problems.join('; ')}`);
      const { status, body } = await post(opts, updateEnvelope(opts.logicalAddress, transactions));
      const doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} } });
      const env = doc.parseFromString(body || '<x/>', 'text/xml').documentElement;
      const soapBody = env ? elementChildren(env).find((e) => e.localName === 'Body') : undefined;
      const answer = soapBody ? elementChildren(soapBody)[0] : undefined;
      if (answer?.localName === 'Fault')
        throw new Error(`engagement index: SOAP fault ${childText(answer, 'faultstring') ?? ''} (HTTP ${status})`);
      if (status !== 200 || answer?.localName !== 'UpdateResponse')
        throw new Error(`engagement index: HTTP ${status} without an UpdateResponse`);
      const code = childText(answer, 'ResultCode');
      // ERROR may be the platform's own trouble; the activity retries it with back-off.
      if (code !== 'OK' && code !== 'INFO')
        throw new Error(`engagement index: ResultCode ${code ?? '(none)'} ${childText(answer, 'comment') ?? ''}`);
    },
  };
}
