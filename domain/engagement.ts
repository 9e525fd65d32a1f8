/** The engagement-index entry of a booking (RULES.md §7): which attributes say what, from our booking alone. */
import { toRivtaTime } from './rivta-time';

/** The service domain every entry of ours is in: the booking contracts 1177 reads. */
export const SCHEDULING_SERVICE_DOMAIN = 'riv:crm:scheduling';

export interface BookingFacts {
  bookingId: string;
  /** The patient's personnummer, with or without its hyphen. */
  personnummer: string;
  /** The care unit's HSA-id, which is also its logical address. */
  unitHsaId: string;
  /** The booked start (ISO); an open invitation has none. */
  startsAt: string | null;
  /** An open invitation's date (ISO), when there is no start. */
  invitedOn?: string | null;
  invitation?: boolean;
  /** Cancelled or given back: the entry is removed (deleteFlag). */
  deleted: boolean;
}

export interface Publisher {
  /** Our system's HSA-id. */
  sourceSystem: string;
  /** The care provider's organisation number. */
  dataController: string;
  owner?: string;
}

/**
 * The Update transaction for a booking. Every attribute that identifies the entry comes from the
 * booking id, so the same booking always updates the same entry (the clinical process interest is
 * the booking id too).
 */
export function engagementOf(b: BookingFacts, p: Publisher) {
  const content = b.startsAt ?? b.invitedOn ?? null;
  return {
    deleteFlag: b.deleted,
    engagement: {
      registeredResidentIdentification: b.personnummer.replace('-', ''),
      serviceDomain: SCHEDULING_SERVICE_DOMAIN,
      categorization: b.invitation ? ('Invitation' as const) : ('Booking' as const),
      logicalAddress: b.unitHsaId,
      businessObjectInstanceIdentifier: b.bookingId,
      clinicalProcessInterestId: b.bookingId,
      ...(content
        ? { mostRecentContent: b.startsAt ? toRivtaTime(content) : `${toRivtaTime(content).slice(0, 8)}000000` }
        : {}),
      sourceSystem: p.sourceSystem,
      dataController: p.dataController,
      ...(p.owner ? { owner: p.owner } : {}),
    },
  };
}
