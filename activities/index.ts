/** All activities of the worker, composed from each capability's factory. */
import { createEncounterActivities, EncounterActivityDeps } from './encounter';

export type ActivityDeps = EncounterActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createEncounterActivities(deps) };
}
