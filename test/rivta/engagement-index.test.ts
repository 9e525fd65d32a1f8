/**
 * The engagement-index adapter against the local test index, both on the official Update contract over
 * mutual TLS (no database, no Temporal): schema-valid requests, one entry per booking, retries that
 * never duplicate, and a test service that stays a test service.
 */
import https from 'node:https';
import fs from 'node:fs';
import { UPDATE_XSD, validateXml } from '../../api/rivta/xsd';
import { updateElement } from '../../activities/engagement-index/client';
import { engagementOf } from '../../domain/engagement';
import { createTestEngagementIndex } from '../../scripts/test-engagement-index/server';
import { DATA_CONTROLLER, INDEX_ADDRESS, SOURCE_SYSTEM, useTestEngagementIndex } from '../support/engagement-index';

jest.setTimeout(30_000);
const ei = useTestEngagementIndex();
const publisher = { sourceSystem: SOURCE_SYSTEM, dataController: DATA_CONTROLLER };
let n = 0;
const booking = (over: Partial<Parameters<typeof engagementOf>[0]> = {}) => ({
  bookingId: `booking-${++n}`,
  personnummer: '19121212-1212',
  unitHsaId: 'SE2321000016-UNIT',
  startsAt: '2026-12-03T08:30:00.000Z',
  deleted: false,
  ...over,
});
const entriesOf = (id: string) => ei.local.entries().filter((e) => e.businessObjectInstanceIdentifier === id);

it('RULES §7 the Update we send validates against the official UpdateResponder XSD', async () => {
  const b = booking();
  expect(await validateXml(updateElement([engagementOf(b, publisher)]), UPDATE_XSD)).toEqual([]);
  expect(await validateXml(updateElement([engagementOf({ ...b, deleted: true }, publisher)]), UPDATE_XSD)).toEqual([]);
  const broken = updateElement([engagementOf({ ...b, personnummer: '1912' }, publisher)]);
  expect((await validateXml(broken, UPDATE_XSD)).join()).toMatch(/registeredResidentIdentification/);
});

it('RULES §7 book, move and cancel leave exactly one entry per booking with its attributes, deleteFlag after the cancel', async () => {
  const b = booking();
  await ei.client.update([engagementOf(b, publisher)]);
  await ei.client.update([engagementOf({ ...b, startsAt: '2026-12-04T13:00:00.000Z' }, publisher)]);
  expect(entriesOf(b.bookingId)).toEqual([
    expect.objectContaining({
      registeredResidentIdentification: '191212121212',
      serviceDomain: 'riv:crm:scheduling',
      categorization: 'Booking',
      logicalAddress: 'SE2321000016-UNIT',
      clinicalProcessInterestId: b.bookingId,
      mostRecentContent: '20261204140000',
      sourceSystem: SOURCE_SYSTEM,
      dataController: DATA_CONTROLLER,
      deleteFlag: false,
      updates: 2,
      indexAddress: INDEX_ADDRESS,
    }),
  ]);
  await ei.client.update([engagementOf({ ...b, deleted: true }, publisher)]);
  expect(entriesOf(b.bookingId)).toEqual([expect.objectContaining({ deleteFlag: true, updates: 3 })]);
});

it('a retry after a lost answer updates the same entry: the caller sees the failure, the index one entry', async () => {
  const b = booking();
  ei.local.loseAnswers(1);
  await expect(ei.client.update([engagementOf(b, publisher)])).rejects.toThrow(/SOAP fault/);
  await ei.client.update([engagementOf(b, publisher)]);
  expect(entriesOf(b.bookingId)).toEqual([expect.objectContaining({ updates: 2, deleteFlag: false })]);
});

it('refuses an Update without our client certificate, or one the schema refuses, with a SOAP fault', async () => {
  const post = (xml: string, withCert: boolean) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const me = ei.pki.consumers.vardmote;
      const req = https.request(
        ei.url,
        {
          method: 'POST',
          ca: fs.readFileSync(ei.pki.caPath),
          ...(withCert ? { cert: fs.readFileSync(me.certPath), key: fs.readFileSync(me.keyPath) } : {}),
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
  const env = (body: string) =>
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">X</itr:LogicalAddress></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
  const valid = env(updateElement([engagementOf(booking(), publisher)]));
  expect(await post(valid, false)).toMatchObject({ status: 403, body: expect.stringContaining('client certificate') });
  const invalid = env(updateElement([engagementOf(booking({ personnummer: '1912' }), publisher)]));
  expect(await post(invalid, true)).toMatchObject({
    status: 500,
    body: expect.stringContaining('registeredResidentIdentification'),
  });
});

it('is plainly a test service: refuses production and lists its entries on a page with Swedish labels', async () => {
  expect(() => createTestEngagementIndex({ cert: '', key: '', ca: '' }, { NODE_ENV: 'production' })).toThrow(
    /test service/,
  );
  const page = await new Promise<string>((resolve, reject) => {
    https
      .get(ei.url.replace(/\/vp\/.*/, '/'), { ca: fs.readFileSync(ei.pki.caPath) }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  expect(page).toContain('TESTTJÄNST');
  expect(page).toContain('Boknings-id');
  expect(page).toContain('Borttagen (avbokad)');
});
