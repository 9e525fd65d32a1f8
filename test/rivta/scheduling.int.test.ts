/**
 * crm:scheduling 1.1 over RIVTA 2.1 (issue 24, RULES.md §7): an independent SOAP client built from the
 * official WSDL calls the producer over mutual TLS; every answer validates against the official XSD.
 */
import { randomUUID } from 'node:crypto';
import { connect, type TestContext } from '../../testkit/env';
import { makeFixture, makeSlot, type FixtureWith } from '../../testkit/fixtures';
import { ALLOWED_CONSUMER, call, postRaw, responseProblems, useRivtaProducer } from '../support/rivta';
import { toRivtaDate, toRivtaTime } from '../../domain/rivta-time';
import { accessLogFor } from '../../db/access-log';
import { insertEncounter } from '../../db/encounters';
import { rebook } from '../../db/slots';

jest.setTimeout(60_000);
let ctx: TestContext;
let f: FixtureWith<'guardian' | 'other-clinician'>;
let unitHsa: string;
beforeAll(async () => {
  ctx = await connect();
  f = await makeFixture(ctx.orm, { with: ['guardian', 'other-clinician'] });
  unitHsa = `HSA-${f.unitId}`;
});
afterAll(async () => ctx?.close());
const stack = useRivtaProducer(() => ({
  orm: ctx.orm,
  temporal: ctx.client,
  taskQueue: ctx.config.temporal.taskQueue,
}));

const subject = () => f.adultPnr.replace('-', '');
const days = (n: number) => toRivtaDate(new Date(Date.now() + n * 86_400_000));

describe('RULES §7 search contracts', () => {
  it('GetAllHealthcareFacilities lists our units by HSA-id; the logical address is compared case-insensitively', async () => {
    const { result, raw } = await call(
      stack,
      'GetAllHealthcareFacilities',
      { healthcare_facility: unitHsa, subject_of_care: subject() },
      { logicalAddress: unitHsa.toLowerCase() },
    );
    expect(await responseProblems('GetAllHealthcareFacilities', raw)).toEqual([]);
    const infos = result.healthcareFacilityInfos as Array<{
      healthcare_facility: string;
      healthcare_facility_name: string;
    }>;
    expect(infos).toContainEqual({
      healthcare_facility: unitHsa,
      healthcare_facility_name: `Testenheten ${f.unitId.slice(0, 4)}`,
    });
  });

  it('GetAllPerformers lists the unit clinicians by HSA-id with names and title', async () => {
    const { result, raw } = await call(
      stack,
      'GetAllPerformers',
      { healthcare_facility: unitHsa, subject_of_care: subject() },
      { logicalAddress: unitHsa },
    );
    expect(await responseProblems('GetAllPerformers', raw)).toEqual([]);
    const performers = result.performerInfos as Array<{ perfomer: string; firstName: string }>;
    expect(performers.map((p) => p.perfomer).sort()).toEqual(
      [`HSA-${f.clinicianId}`, `HSA-${f.otherClinicianId}`].sort(),
    );
    expect(performers.map((p) => p.firstName).sort()).toEqual(['Maria', 'Olof']);
  });

  it('GetAllTimeTypes says video; GetAllCareTypes names the unit professions', async () => {
    const time = await call(
      stack,
      'GetAllTimeTypes',
      { healthcare_facility: unitHsa, subject_of_care: subject() },
      { logicalAddress: unitHsa },
    );
    expect(await responseProblems('GetAllTimeTypes', time.raw)).toEqual([]);
    expect(time.result.ListOfTimeTypes).toEqual([{ timeTypeName: 'Digitalt vårdmöte (video)', timeTypeId: 'video' }]);
    const care = await call(
      stack,
      'GetAllCareTypes',
      { healthcare_facility: unitHsa, subject_of_care: subject() },
      { logicalAddress: unitHsa },
    );
    expect(await responseProblems('GetAllCareTypes', care.raw)).toEqual([]);
    expect(care.result.careTypes).toEqual([{ careTypeName: 'Läkarbesök', careTypeId: 'doctor' }]);
  });

  it('GetAvailableDates and GetAvailableTimeslots show free slots in Swedish local time; a booked one is not shown', async () => {
    const free = await makeSlot(ctx.orm, f.clinicianId, 2 * 86_400, 20);
    const taken = await makeSlot(ctx.orm, f.clinicianId, 2 * 86_400 + 3600, 20);
    const em = ctx.orm.em.fork();
    const encounterId = randomUUID();
    await insertEncounter(em, {
      id: encounterId,
      workflowId: `encounter-${encounterId}`,
      patientId: f.adultId,
      careUnitId: f.unitId,
    });
    await rebook(em, encounterId, taken.id);
    const window = {
      healthcare_facility: unitHsa,
      startDateInclusive: days(0),
      endDateInclusive: days(5),
      subject_of_care: subject(),
    };
    const dates = await call(stack, 'GetAvailableDates', window, { logicalAddress: unitHsa });
    expect(await responseProblems('GetAvailableDates', dates.raw)).toEqual([]);
    expect(dates.result.performerAvailabilityByDate).toContainEqual(
      expect.objectContaining({
        performer: `HSA-${f.clinicianId}`,
        date: toRivtaDate(free.startsAt),
        timeTypeID: 'video',
      }),
    );
    const slots = await call(stack, 'GetAvailableTimeslots', window, { logicalAddress: unitHsa });
    expect(await responseProblems('GetAvailableTimeslots', slots.raw)).toEqual([]);
    const details = slots.result.timeslotDetail as Array<{
      startTimeInclusive: string;
      resourceID: string;
      performer: string;
    }>;
    expect(details).toContainEqual(
      expect.objectContaining({
        startTimeInclusive: toRivtaTime(free.startsAt),
        resourceID: free.id,
        performer: `HSA-${f.clinicianId}`,
      }),
    );
    expect(details.map((d) => d.resourceID)).not.toContain(taken.id);
  });

  it('an agent gets the same timeslots whoever the patient is, and each call is access-logged with actor and consumer', async () => {
    const window = { healthcare_facility: unitHsa, startDateInclusive: days(0), endDateInclusive: days(5) };
    const agent = { id: 'SE2321000016-NURSE1', type: 'subject_of_care_agent' as const };
    const a = await call(
      stack,
      'GetAvailableTimeslots',
      { ...window, subject_of_care: subject() },
      { logicalAddress: unitHsa, actor: agent },
    );
    const b = await call(
      stack,
      'GetAvailableTimeslots',
      { ...window, subject_of_care: f.guardianPnr.replace('-', '') },
      { logicalAddress: unitHsa, actor: agent },
    );
    expect(b.result.timeslotDetail).toEqual(a.result.timeslotDetail);
    const rows = await accessLogFor(ctx.orm.em.fork(), { patientId: f.adultId });
    expect(rows).toContainEqual(
      expect.objectContaining({
        actor: agent.id,
        role: 'rivta:subject_of_care_agent',
        action: 'rivta:GetAvailableTimeslots',
        detail: { consumer: ALLOWED_CONSUMER, logicalAddress: unitHsa },
      }),
    );
  });
});

describe('RULES §7 malformed and refused requests are SOAP faults', () => {
  it('a request the schema refuses is a Client fault naming the element', async () => {
    const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>
      <itr:LogicalAddress xmlns:itr="urn:riv:itintegration:registry:1">${unitHsa}</itr:LogicalAddress>
      <ih:Actor xmlns:ih="urn:riv:interoperability:headers:1"><ih:actorId>${subject()}</ih:actorId><ih:actorType>subject_of_care</ih:actorType></ih:Actor>
      </soap:Header><soap:Body><r:GetAvailableDates xmlns:r="urn:riv:crm:scheduling:GetAvailableDatesResponder:1" xmlns:m1="urn:riv:crm:scheduling:GetAvailableDatesResponder:1.1">
      <r:healthcare_facility>${unitHsa}</r:healthcare_facility><r:startDateInclusive>2026-12-01</r:startDateInclusive><r:endDateInclusive>20261202</r:endDateInclusive>
      <m1:subject_of_care>${subject()}</m1:subject_of_care></r:GetAvailableDates></soap:Body></soap:Envelope>`;
    const res = await postRaw(stack, xml);
    expect(res.status).toBe(500);
    expect(res.body).toContain('<faultcode>soap:Client</faultcode>');
    expect(res.body).toMatch(/startDateInclusive/);
  });

  it('XML that is not well-formed is a Client fault, not a bare 500', async () => {
    const res = await postRaw(
      stack,
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
    );
    expect(res.body).toContain('<faultcode>soap:Client</faultcode>');
  });

  it('the Actor header is required', async () => {
    await expect(
      call(
        stack,
        'GetAllPerformers',
        { healthcare_facility: unitHsa, subject_of_care: subject() },
        { logicalAddress: unitHsa, actor: null },
      ),
    ).rejects.toThrow(/Actor: the header/);
  });

  it('a logical address that is not one of our units is a fault', async () => {
    await expect(
      call(
        stack,
        'GetAllPerformers',
        { healthcare_facility: unitHsa, subject_of_care: subject() },
        { logicalAddress: 'SE-NOWHERE' },
      ),
    ).rejects.toThrow(/LogicalAddress: no care unit/);
  });
});

describe('RULES §7 PingForConfiguration', () => {
  it('answers without an Actor, with the time in the contracts format, valid against the monitoring XSD', async () => {
    const { result, raw } = await call(
      stack,
      'PingForConfiguration',
      { serviceContractNamespace: 'urn:riv:crm:scheduling:GetAvailableTimeslotsResponder:1', logicalAddress: unitHsa },
      { logicalAddress: unitHsa, actor: null },
    );
    expect(await responseProblems('PingForConfiguration', raw)).toEqual([]);
    expect(result).toMatchObject({ version: 'crm:scheduling 1.1', configuration: [{ name: 'database', value: 'ok' }] });
    expect(result.pingDateTime).toMatch(/^\d{14}$/);
  });
});

describe('RIVTA 2.1 mutual TLS', () => {
  const args = () => ({ healthcare_facility: unitHsa, subject_of_care: subject() });
  it('refuses a client without a certificate', async () => {
    await expect(call(stack, 'GetAllTimeTypes', args(), { logicalAddress: unitHsa, as: 'none' })).rejects.toThrow();
  });
  it('refuses a certificate from another CA', async () => {
    await expect(
      call(stack, 'GetAllTimeTypes', args(), {
        logicalAddress: unitHsa,
        as: { pki: stack.otherCa, consumer: 'consumer' },
      }),
    ).rejects.toThrow();
  });
  it('refuses a consumer not on the allow-list with a 403 fault', async () => {
    await expect(
      call(stack, 'GetAllTimeTypes', args(), { logicalAddress: unitHsa, as: { pki: stack.pki, consumer: 'stranger' } }),
    ).rejects.toThrow(/not allowed to call this producer/);
  });
});
