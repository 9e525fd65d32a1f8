/**
 * The RIVTA 2.1 producer's own HTTPS port: mutual TLS against the configured CA, an allow-list of
 * consumer ids, SOAP 1.1 requests validated against the official schemas, one access-log row per call.
 * It is not an Express route: nothing of the web app's sessions or guards applies to it.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm';
import { writeAccessLog } from '../../db/access-log';
import { findCareUnitByHsaId } from '../../db/care';
import { findPatientIdByPersonnummer } from '../../db/people';
import { parsePersonnummer } from '../../domain/personnummer';
import { CONTRACTS } from './contracts';
import { HEADERS_XSD, PING_NS, PING_XSD, responderXsd, validateXml } from './xsd';
import { toRivtaTime } from '../../domain/rivta-time';
import { childText, faultEnvelope, NS, parseEnvelope, responseEnvelope, serialize, SoapFault } from './xml';

export interface RivtaTls {
  key: Buffer | string;
  cert: Buffer | string;
  /** The CA that issues consumers' certificates (SITHS function certificates in production). */
  ca: Buffer | string;
  /** Consumer ids let in: the HSA-id in the certificate's serialNumber, or its CN. */
  consumerIds: string[];
}

export interface RivtaDeps {
  orm: Orm;
  logger: Logger;
  temporal: Client;
  taskQueue: string;
}

const MAX_BODY = 1024 * 1024;
/** The header's two actor types (the schema's enumeration has checked the value already). */
type ActorType = 'subject_of_care' | 'subject_of_care_agent';

/** The consumer id of a verified client certificate: its subject's serialNumber (HSA-id), else CN. */
function consumerIdOf(socket: TLSSocket): string | null {
  const subject = socket.getPeerCertificate()?.subject as Record<string, string | string[]> | undefined;
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return pick(subject?.serialNumber) ?? pick(subject?.CN) ?? null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new SoapFault('Client', 'The request is larger than 1 MB', 413));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The `Actor` header (RULES.md §7): required, schema-valid, a personnummer for a subject of care. */
async function actorOf(header: Element | null): Promise<{ id: string; type: ActorType }> {
  if (!header) throw new SoapFault('Client', 'Actor: the header (urn:riv:interoperability:headers:1) is required');
  const problems = await validateXml(serialize(header), HEADERS_XSD);
  if (problems.length) throw new SoapFault('Client', `Actor: ${problems[0]}`);
  const id = childText(header, 'actorId')!;
  const type = childText(header, 'actorType') as ActorType;
  if (type === 'subject_of_care') {
    try {
      return { id: parsePersonnummer(id).normalized, type };
    } catch {
      throw new SoapFault('Client', 'Actor: actorId of a subject_of_care must be a personnummer');
    }
  }
  if (!id) throw new SoapFault('Client', 'Actor: actorId of a subject_of_care_agent must be an HSA-id');
  return { id, type };
}

/** The patient a request's subject_of_care names, if we know them (for the access log). */
async function patientOf(em: EntityManager, subject: string): Promise<string | null> {
  try {
    return await findPatientIdByPersonnummer(em, parsePersonnummer(subject).normalized);
  } catch {
    return null;
  }
}

/**
 * PingForConfiguration: no Actor (no patient data); answers only when the database does, so a
 * platform's monitoring sees a producer that cannot book.
 */
async function ping(deps: RivtaDeps, body: Element): Promise<string> {
  const problems = await validateXml(serialize(body), PING_XSD);
  if (problems.length) throw new SoapFault('Client', problems.join('; '));
  await deps.orm.em.fork().getConnection().execute('select 1');
  return responseEnvelope('PingForConfigurationResponse', PING_NS, [
    ['r:version', 'crm:scheduling 1.1'],
    ['r:pingDateTime', toRivtaTime(new Date())],
    [
      'r:configuration',
      [
        ['r:name', 'database'],
        ['r:value', 'ok'],
      ],
    ],
  ]);
}

/**
 * One SOAP call: envelope, LogicalAddress and Actor headers, the body checked against its contract's
 * schema, the contract's answer, and the access-log row (actor, consumer, patient) in the same unit of work.
 */
async function answer(deps: RivtaDeps, consumerId: string, xml: string, clientAddress: string | null) {
  const { body, header } = parseEnvelope(xml);
  if (body.localName === 'PingForConfiguration' && body.namespaceURI === PING_NS) return ping(deps, body);
  const contract = body.localName;
  const handler = Object.hasOwn(CONTRACTS, contract) ? CONTRACTS[contract] : undefined;
  const ns = body.namespaceURI ?? '';
  if (!handler || ns !== `urn:riv:crm:scheduling:${contract}Responder:1`)
    throw new SoapFault('Client', `{${ns}}${contract}: not a contract this producer answers`);
  const problems = await validateXml(serialize(body), responderXsd(contract));
  if (problems.length) throw new SoapFault('Client', problems.join('; '));
  const logicalAddress = (header(NS.registry, 'LogicalAddress')?.textContent ?? '').trim();
  if (!logicalAddress) throw new SoapFault('Client', 'LogicalAddress: the header is required (the care unit HSA-id)');
  const actor = await actorOf(header(NS.headers, 'Actor'));

  const em = deps.orm.em.fork();
  const unit = await findCareUnitByHsaId(em, logicalAddress);
  if (!unit) throw new SoapFault('Client', `LogicalAddress: no care unit with HSA-id ${logicalAddress} here`);
  const result = await handler({ em, temporal: deps.temporal, taskQueue: deps.taskQueue, actor }, body);
  const subject = childText(body, 'subject_of_care');
  const patientId = subject ? await patientOf(em, subject) : null;
  await writeAccessLog(
    em,
    {
      actor: actor.id,
      role: `rivta:${actor.type}`,
      action: `rivta:${contract}`,
      target: `care-unit:${unit.id}`,
      clientAddress,
      detail: { consumer: consumerId, logicalAddress },
    },
    [...new Set([...(patientId ? [patientId] : []), ...(result.patientIds ?? [])])],
    unit.id,
  );
  return responseEnvelope(`${contract}Response`, ns, result.children);
}

/**
 * The producer's HTTPS server (not yet listening): a client without a certificate from `tls.ca` is
 * refused in the TLS handshake, one whose consumer id is not on the list gets a 403 fault.
 */
export function createRivtaServer(deps: RivtaDeps, tls: RivtaTls): https.Server {
  const send = (res: ServerResponse, status: number, xml: string) => {
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
    res.end(xml);
  };
  return https.createServer(
    { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    (req, res) => {
      void (async () => {
        const socket = req.socket as TLSSocket;
        try {
          const consumerId = socket.authorized ? consumerIdOf(socket) : null;
          if (!consumerId || !tls.consumerIds.includes(consumerId))
            throw new SoapFault(
              'Client',
              `consumer ${consumerId ?? '(none)'} is not allowed to call this producer`,
              403,
            );
          if (req.method !== 'POST') throw new SoapFault('Client', 'SOAP 1.1 over HTTP POST only', 405);
          send(res, 200, await answer(deps, consumerId, await readBody(req), socket.remoteAddress ?? null));
        } catch (err) {
          if (err instanceof SoapFault) return send(res, err.status, faultEnvelope(err));
          deps.logger.error({ err }, 'rivta: technical failure');
          send(res, 500, faultEnvelope(new SoapFault('Server', 'Tekniskt fel hos tjänsteproducenten')));
        }
      })();
    },
  );
}
