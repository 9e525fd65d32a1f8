/**
 * A 1177-like consumer for the RIVTA tests: npm `soap`'s client built from the official WSDL in
 * contracts/ (not from our server code), calling the producer over mutual TLS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:https';
import type https from 'node:https';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import * as soap from 'soap';
import { DOMParser } from '@xmldom/xmldom';
import { createRivtaServer } from '../../api/rivta/server';
import { CONTRACTS_DIR, PING_XSD, responderXsd, validateXml } from '../../api/rivta/xsd';
import { elementChildren, serialize } from '../../api/rivta/xml';
import type { Orm } from '../../db/orm';
import { ensureTestPki, type TestPki } from '../../scripts/test-ca';
import { toRivtaTime } from '../../domain/rivta-time';

/** The consumer ids on the producer's allow-list in these tests. */
export const ALLOWED_CONSUMER = 'SE2321000016-TEST1177';

export interface RivtaStack {
  url: string;
  pki: TestPki;
  /** A certificate from an unrelated CA, whose consumer id is on the list. */
  otherCa: TestPki;
  server: https.Server;
}

/** Jest hooks: a test CA under a temporary dir, and the producer listening on a free port of 127.0.0.1. */
export function useRivtaProducer(deps: () => { orm: Orm; temporal: Client; taskQueue: string }): RivtaStack {
  const stack = {} as RivtaStack;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-rivta-'));
  beforeAll(async () => {
    stack.pki = ensureTestPki(path.join(root, 'rivta-test-ca'), {
      consumer: ALLOWED_CONSUMER,
      stranger: 'SE2321000016-NOTLISTED',
    });
    stack.otherCa = ensureTestPki(path.join(root, 'other-ca'), { consumer: ALLOWED_CONSUMER }, 'Some other CA');
    stack.server = createRivtaServer(
      { ...deps(), logger: pino({ level: 'silent' }) },
      {
        cert: fs.readFileSync(stack.pki.certPath),
        key: fs.readFileSync(stack.pki.keyPath),
        ca: fs.readFileSync(stack.pki.caPath),
        consumerIds: [ALLOWED_CONSUMER],
      },
    );
    await new Promise<void>((resolve) => stack.server.listen(0, '127.0.0.1', resolve));
    stack.url = `https://localhost:${(stack.server.address() as AddressInfo).port}/crm/scheduling/1.1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => stack.server?.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });
  return stack;
}

export const wsdlOf = (contract: string) =>
  contract === 'PingForConfiguration'
    ? PING_XSD.replace(/PingForConfigurationResponder_1\.0\.xsd$/, 'PingForConfigurationInteraction_1.0_RIVTABP21.wsdl')
    : path.join(CONTRACTS_DIR, 'interactions', `${contract}Interaction`, `${contract}Interaction_1.1_RIVTABP21.wsdl`);

/**
 * soap's client for a contract's official WSDL. soap takes a request message's first part as its body,
 * while RIVTA WSDLs list the LogicalAddress and Actor header parts first; so the client reads the WSDL
 * with the `parameters` part moved to the front (in memory; the file is used as published) and the two
 * headers are added by hand.
 */
async function clientFor(contract: string, endpoint: string): Promise<soap.Client> {
  const file = wsdlOf(contract);
  const text = fs.readFileSync(file, 'utf8');
  const request = new RegExp(
    `(<wsdl:message name=['"]${contract}Request['"]>)([\\s\\S]*?)(<wsdl:part name=['"]parameters['"][^>]*/>)`,
  );
  if (!request.test(text)) throw new Error(`${file}: no parameters part in ${contract}Request`);
  const wsdl = new soap.WSDL(text.replace(request, '$1$3$2'), file, {});
  await new Promise<void>((resolve, reject) => wsdl.onReady((err) => (err ? reject(err) : resolve())));
  return new soap.Client(wsdl, endpoint);
}

export interface Caller {
  /** Which certificate to present (default the allowed consumer's; `none` presents none). */
  as?: { pki: TestPki; consumer: string } | 'none';
  logicalAddress: string;
  actor?: { id: string; type: 'subject_of_care' | 'subject_of_care_agent' } | null;
}

/**
 * Calls one contract through soap's client and returns the parsed result and the raw response.
 * @param args - the request element's content, as soap's client takes it
 */
export async function call(
  stack: RivtaStack,
  contract: string,
  args: Record<string, unknown>,
  who: Caller,
): Promise<{ result: Record<string, unknown>; raw: string }> {
  const client = await clientFor(contract, stack.url);
  const as = who.as ?? { pki: stack.pki, consumer: 'consumer' };
  const ca = fs.readFileSync(stack.pki.caPath);
  if (as === 'none')
    client.setSecurity({
      addOptions: (o: { httpsAgent?: unknown }) => void (o.httpsAgent = new Agent({ ca })),
      toXML: () => '',
    } as unknown as soap.ISecurity);
  else {
    const c = as.pki.consumers[as.consumer];
    client.setSecurity(new soap.ClientSSLSecurity(fs.readFileSync(c.keyPath), fs.readFileSync(c.certPath), ca));
  }
  client.addSoapHeader(
    `<itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">${who.logicalAddress}</itr:LogicalAddress>`,
  );
  if (who.actor !== null) {
    const actor = who.actor ?? { id: '191212121212', type: 'subject_of_care' };
    client.addSoapHeader(
      `<ih:Actor xmlns:ih="urn:riv:interoperability:headers:1"><ih:actorId>${actor.id}</ih:actorId><ih:actorType>${actor.type}</ih:actorType></ih:Actor>`,
    );
  }
  const method = (client as unknown as Record<string, (a: unknown) => Promise<[Record<string, unknown>, string]>>)[
    `${contract}Async`
  ];
  const [result, raw] = await method.call(client, args);
  return { result: result ?? {}, raw };
}

/** The schema's complaints about a response's body element (empty: valid against the official XSD). */
export async function responseProblems(contract: string, raw: string): Promise<string[]> {
  const env = new DOMParser().parseFromString(raw, 'text/xml').documentElement!;
  const body = elementChildren(env).find((e) => e.localName === 'Body')!;
  return validateXml(
    serialize(elementChildren(body)[0]),
    contract === 'PingForConfiguration' ? PING_XSD : responderXsd(contract),
  );
}

/** A raw SOAP POST (for a request soap's client would never write), over the allowed consumer's TLS. */
export async function postRaw(stack: RivtaStack, xml: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  const c = stack.pki.consumers.consumer;
  return new Promise((resolve, reject) => {
    const req = request(
      stack.url,
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        key: fs.readFileSync(c.keyPath),
        cert: fs.readFileSync(c.certPath),
        ca: fs.readFileSync(stack.pki.caPath),
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}

/**
 * A MakeBooking/UpdateBooking requestedTimeslot, its elements in the schema's order: a 20-minute slot
 * of the unit's performer `HSA-<clinicianId>` for the patient (`bookingId` to move or book a kallelse).
 */
export const requestedTimeslot = (
  at: { unitHsa: string; pnr: string },
  slot: { startsAt: Date },
  clinicianId: string,
  bookingId?: string,
) => ({
  startTimeInclusive: toRivtaTime(slot.startsAt),
  endTimeExclusive: toRivtaTime(new Date(slot.startsAt.getTime() + 20 * 60_000)),
  healthcare_facility: at.unitHsa,
  performer: `HSA-${clinicianId}`,
  ...(bookingId ? { bookingId } : {}),
  subject_of_care: at.pnr.replace('-', ''),
});
