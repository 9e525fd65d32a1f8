/** SOAP 1.1 envelopes for the RIVTA producer: reading a request, writing a response or a fault. */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  registry: 'urn:riv:itintegration:registry:1',
  headers: 'urn:riv:interoperability:headers:1',
  core: 'urn:riv:crm:scheduling:1',
  /** The 1.1 extension (isInvitation). */
  ext: 'urn:riv:crm:scheduling:1.1',
} as const;

/**
 * A SOAP fault: `Client` for a request we cannot take (malformed, invalid, unknown address),
 * `Server` for our own technical failure. Never shown to the patient (RULES.md §7).
 */
export class SoapFault extends Error {
  constructor(
    readonly code: 'Client' | 'Server',
    message: string,
    /** The HTTP status of the fault (SOAP 1.1 over HTTP: 500; 403 for a refused consumer). */
    readonly status = 500,
  ) {
    super(message);
  }
}

export interface SoapRequest {
  /** The body's one element (the operation's request element). */
  body: Element;
  /** A header element by namespace and local name, or null. */
  header(ns: string, localName: string): Element | null;
}

/**
 * Parses an envelope; a document that is not well-formed XML or not a SOAP 1.1 envelope with one body
 * element is a Client fault saying so.
 */
export function parseEnvelope(xml: string): SoapRequest {
  const problems: string[] = [];
  const record = (m: string) => problems.push(m.replace(/\s+/g, ' ').trim());
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: record, fatalError: record } }).parseFromString(
    xml,
    'text/xml',
  );
  if (problems.length) throw new SoapFault('Client', `Not well-formed XML: ${problems[0]}`);
  const env = doc.documentElement;
  if (!env || env.namespaceURI !== NS.soap || env.localName !== 'Envelope')
    throw new SoapFault('Client', 'Not a SOAP 1.1 Envelope (namespace http://schemas.xmlsoap.org/soap/envelope/)');
  const parts = elementChildren(env);
  const headerEl = parts.find((e) => e.namespaceURI === NS.soap && e.localName === 'Header') ?? null;
  const bodyEl = parts.find((e) => e.namespaceURI === NS.soap && e.localName === 'Body');
  if (!bodyEl) throw new SoapFault('Client', 'The Envelope has no Body');
  const [body, ...more] = elementChildren(bodyEl);
  if (!body || more.length) throw new SoapFault('Client', 'The Body must hold exactly one request element');
  return {
    body,
    header: (ns, localName) =>
      (headerEl ? elementChildren(headerEl) : []).find((e) => e.namespaceURI === ns && e.localName === localName) ??
      null,
  };
}

export function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** The element as a document of its own, with the namespaces it uses declared (for schema validation). */
export function serialize(el: Element): string {
  return new XMLSerializer().serializeToString(el);
}

/** The trimmed text of each child element called `localName` (the schema fixed its namespace already). */
export function childTexts(el: Element, localName: string): string[] {
  return elementChildren(el)
    .filter((c) => c.localName === localName)
    .map((c) => (c.textContent ?? '').trim());
}

export function childText(el: Element, localName: string): string | undefined {
  return childTexts(el, localName)[0];
}

export function childElement(el: Element, localName: string): Element | undefined {
  return elementChildren(el).find((c) => c.localName === localName);
}

/**
 * An element to write: qualified name and either text or children. Children that are undefined are
 * left out, so an optional field without a value never becomes an empty element (RULES.md §7).
 */
export type XmlNode = [name: string, content: string | number | boolean | Array<XmlNode | undefined>];

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function write([name, content]: XmlNode): string {
  if (!Array.isArray(content)) return `<${name}>${escape(String(content))}</${name}>`;
  return `<${name}>${content
    .filter((c): c is XmlNode => c !== undefined)
    .map(write)
    .join('')}</${name}>`;
}

/** An optional element: left out when `value` is undefined or empty. */
export const opt = (name: string, value: string | number | boolean | undefined | null): XmlNode | undefined =>
  value === undefined || value === null || value === '' ? undefined : [name, value];

/**
 * A response envelope whose body element is `r:<name>` with `r` bound to `ns`; `c` is the core
 * namespace (crm:scheduling:1) and `e` its 1.1 extension (isInvitation).
 */
export function responseEnvelope(name: string, ns: string, children: Array<XmlNode | undefined>): string {
  const decl = `xmlns:r="${ns}" xmlns:c="${NS.core}" xmlns:e="${NS.ext}"`;
  const body = write([`r:${name}`, children]).replace(`<r:${name}>`, `<r:${name} ${decl}>`);
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export function faultEnvelope(f: SoapFault): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}"><soap:Body><soap:Fault>` +
    `<faultcode>soap:${f.code}</faultcode><faultstring>${escape(f.message)}</faultstring>` +
    `</soap:Fault></soap:Body></soap:Envelope>`
  );
}
