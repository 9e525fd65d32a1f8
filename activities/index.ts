/** All activities of the worker, composed from each capability's factory. */
import { createEncounterActivities, EncounterActivityDeps } from './encounter';
import { createInvoiceActivities, InvoiceActivityDeps } from './invoice';
import { createMessageActivities } from './messages';
import type { SmsGateway } from './sms/gateway';

export type ActivityDeps = EncounterActivityDeps &
  InvoiceActivityDeps & {
    /** The SMS gateway the worker built once (SMPP_URL); null or absent: SMS are only kept in the Utkorg. */
    sms?: SmsGateway | null;
  };

export function createActivities(deps: ActivityDeps) {
  return { ...createEncounterActivities(deps), ...createInvoiceActivities(deps), ...createMessageActivities(deps) };
}
