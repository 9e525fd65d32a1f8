/** All activities of the worker, composed from each capability's factory. */
import { createEncounterActivities, EncounterActivityDeps } from './encounter';
import { createInvoiceActivities, InvoiceActivityDeps } from './invoice';
import { createMessageActivities } from './messages';

export type ActivityDeps = EncounterActivityDeps & InvoiceActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createEncounterActivities(deps), ...createInvoiceActivities(deps), ...createMessageActivities(deps) };
}
