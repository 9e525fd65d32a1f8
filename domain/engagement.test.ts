import { engagementOf, SCHEDULING_SERVICE_DOMAIN } from './engagement';

const publisher = { sourceSystem: 'SE2321000016-VARD', dataController: '2321000016' };
const booking = {
  bookingId: '7f1c2e4a-0000-4000-8000-000000000001',
  personnummer: '19121212-1212',
  unitHsaId: 'SE2321000016-UNIT',
  startsAt: '2026-12-03T08:30:00.000Z',
  deleted: false,
};

it('RULES §7 a booking is one entry in riv:crm:scheduling, category Booking, keyed by the bookingId at the unit, its start as most recent content', () => {
  expect(engagementOf(booking, publisher)).toEqual({
    deleteFlag: false,
    engagement: {
      registeredResidentIdentification: '191212121212',
      serviceDomain: SCHEDULING_SERVICE_DOMAIN,
      categorization: 'Booking',
      logicalAddress: 'SE2321000016-UNIT',
      businessObjectInstanceIdentifier: booking.bookingId,
      clinicalProcessInterestId: booking.bookingId,
      mostRecentContent: '20261203093000',
      sourceSystem: 'SE2321000016-VARD',
      dataController: '2321000016',
    },
  });
});

it('RULES §7 a moved or cancelled booking keeps every identifying attribute; a cancelled one carries deleteFlag', () => {
  const moved = engagementOf({ ...booking, startsAt: '2026-12-04T13:00:00.000Z' }, publisher);
  const cancelled = engagementOf({ ...booking, deleted: true }, publisher);
  const key = (e: ReturnType<typeof engagementOf>) => ({ ...e.engagement, mostRecentContent: undefined });
  expect(key(moved)).toEqual(key(engagementOf(booking, publisher)));
  expect(moved.engagement.mostRecentContent).toBe('20261204140000');
  expect(cancelled.deleteFlag).toBe(true);
});

it('RULES §7 an open invitation is category Invitation with its date as most recent content', () => {
  const e = engagementOf(
    { ...booking, startsAt: null, invitedOn: '2026-12-10T10:00:00.000Z', invitation: true },
    publisher,
  );
  expect(e.engagement).toMatchObject({ categorization: 'Invitation', mostRecentContent: '20261210000000' });
});
