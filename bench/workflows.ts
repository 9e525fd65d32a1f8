/** Bench bundle: the real encounter workflow plus an empty workflow as the baseline. */
export { encounterWorkflow } from '../workflows';

/** Does nothing: its start-to-result time is the floor any workflow on this server pays. */
export async function benchNoopWorkflow(): Promise<string> {
  return 'ok';
}
